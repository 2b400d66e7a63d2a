import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'cdktf';
import { BastionConfig, exampleConfig } from '../../config';
import { buildApp } from '../../stacks/app';
import { ConfigValidationError, validateConfig } from '../../config/validate';
import { configWith, findResource, multiRegionConfig, synthesize } from '../support/synth';

const root = join(__dirname, '..', '..');
const tsx: string = require.resolve('tsx/cli');

const multiRegion: BastionConfig = multiRegionConfig;

describe('the app', () => {
  it('builds one backup and one primary stack for the example, backup first', () => {
    expect(Object.keys(synthesize().stacks).sort()).toEqual([
      'backup-us-west-2',
      'primary-us-east-1',
    ]);
  });

  it('makes every primary stack depend on every backup stack, so deploy applies backups first', () => {
    const app = new App({ outdir: mkdtempSync(join(tmpdir(), 'bastion-deps-')) });
    try {
      const { backup, primary } = buildApp(app, validateConfig(multiRegion));
      expect(backup.map((s) => s.node.id)).toEqual(['backup-us-west-2', 'backup-eu-central-1']);
      expect(primary.map((s) => s.node.id)).toEqual(['primary-us-east-1', 'primary-eu-west-1']);
      for (const stack of primary) {
        expect(stack.dependencies).toEqual(expect.arrayContaining(backup));
      }
      // The second region replicates with the roles the first region's stack creates.
      expect(primary[1].dependencies).toContain(primary[0]);
    } finally {
      rmSync(app.outdir, { recursive: true, force: true });
    }
  });

  it('splits buckets of several regions into one stack per account and region, IAM roles once', () => {
    const { stacks } = synthesize(multiRegion);
    expect(Object.keys(stacks).sort()).toEqual([
      'backup-eu-central-1',
      'backup-us-west-2',
      'primary-eu-west-1',
      'primary-us-east-1',
    ]);
    const eu = stacks['primary-eu-west-1'];
    expect(eu.provider.aws[0]).toMatchObject({ alias: 'primary_eu_west_1', region: 'eu-west-1' });
    expect(eu.resource.aws_iam_role).toBeUndefined();
    expect(Object.keys(stacks['primary-us-east-1'].resource.aws_iam_role)).toHaveLength(4);
    expect(stacks['backup-eu-central-1'].resource.aws_iam_role).toBeUndefined();
    const replication = findResource(
      eu,
      'aws_s3_bucket_replication_configuration',
      (r) => r.bucket === 'example-prod-eu-media',
    );
    expect(replication.role).toBe('arn:aws:iam::111111111111:role/s3-bastion-replication');
    const euBackup = stacks['backup-eu-central-1'];
    expect(findResource(euBackup, 'aws_s3_bucket', () => true).bucket).toBe(
      'example-bastion-eu-media',
    );
  });

  it('uses Terraform Cloud with one named workspace per stack when an organization is configured', () => {
    const config = configWith({
      terraformCloud: {
        organization: 'acme',
        workspaceNames: { 'backup-us-west-2': 'acme-s3-backup' },
      },
    });
    const { stacks } = synthesize(config);
    expect(stacks['backup-us-west-2'].terraform.cloud).toEqual({
      organization: 'acme',
      workspaces: { name: 'acme-s3-backup' },
    });
    expect(stacks['primary-us-east-1'].terraform.cloud).toEqual({
      organization: 'acme',
      workspaces: { name: 's3-bastion-primary-us-east-1' },
    });
    expect(stacks['primary-us-east-1'].terraform.backend).toBeUndefined();
  });

  it('assumes the configured deploy role in each account', () => {
    const config = configWith({
      backup: {
        ...exampleConfig.backup,
        deployRoleArn: 'arn:aws:iam::222222222222:role/terraform-deploy',
      },
    });
    const { stacks } = synthesize(config);
    expect(stacks['backup-us-west-2'].provider.aws[0].assume_role).toEqual([
      {
        role_arn: 'arn:aws:iam::222222222222:role/terraform-deploy',
        session_name: 's3-bastion-backup-us-west-2',
      },
    ]);
    expect(stacks['primary-us-east-1'].provider.aws[0].assume_role).toBeUndefined();
  });

  it('synthesizes nothing from a config with mistakes, and lists every one of them', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bastion-bad-'));
    try {
      const configPath = join(dir, 'bad-config.ts');
      writeFileSync(
        configPath,
        `import { exampleConfig } from '${root}/config';
         export const config = { ...exampleConfig, primary: { accountId: '1' }, backup: { accountId: '2' },
           backfillPrincipalArns: ['nobody'] };`,
      );
      const outdir = join(dir, 'out');
      const run = spawnSync(process.execPath, [tsx, join(root, 'scripts', 'cdktf-app.ts')], {
        env: { ...process.env, BASTION_CONFIG: configPath, CDKTF_OUTDIR: outdir },
        encoding: 'utf8',
      });
      expect(run.status).toBe(2);
      expect(run.stderr).toContain('The config has 4 problems');
      expect(run.stderr).toContain('primary.accountId = "1": must be exactly 12 digits');
      expect(run.stderr).toContain('backup.accountId = "2": must be exactly 12 digits');
      expect(run.stderr).toContain('backfillPrincipalArns[0] = "nobody"');
      expect(existsSync(outdir)).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('adds no stack to an app when the config is invalid', () => {
    const app = new App({ outdir: mkdtempSync(join(tmpdir(), 'bastion-bad-app-')) });
    try {
      expect(() =>
        buildApp(app, validateConfig(configWith({ primary: { accountId: '1' } }))),
      ).toThrow(ConfigValidationError);
      expect(app.node.children).toEqual([]);
    } finally {
      rmSync(app.outdir, { recursive: true, force: true });
    }
  });

  it('synthesizes JSON that holds no absolute path of this machine', () => {
    const json = JSON.stringify(synthesize().stacks);
    expect(json).not.toContain(process.cwd());
    expect(json).not.toMatch(/"\/(tmp|root|home|work)\//);
  });

  it('keeps policies literal: no Terraform token inside any policy document', () => {
    const { stacks } = synthesize(multiRegion);
    for (const stack of Object.values(stacks)) {
      for (const [type, resources] of Object.entries(stack.resource)) {
        for (const resource of Object.values(resources)) {
          for (const key of ['policy', 'assume_role_policy']) {
            const document = resource[key];
            if (typeof document === 'string') expect(`${type}: ${document}`).not.toContain('${');
          }
        }
      }
    }
  });
});
