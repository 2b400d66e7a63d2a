import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { App } from 'cdktf';
import { BastionConfig, exampleConfig } from '../../config';
import { buildApp } from '../../stacks/app';
import { diffAgainstRef, diffSynthesized, renderMarkdown } from '../../terraform/diff';
import { validateConfig } from '../../config/validate';

const temp = mkdtempSync(join(tmpdir(), 'bastion-diff-test-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

function synth(name: string, config: BastionConfig = exampleConfig): string {
  const outdir = join(temp, name);
  const app = new App({ outdir });
  buildApp(app, validateConfig(config));
  app.synth();
  return outdir;
}

describe('the PR diff of two syntheses', () => {
  const base = synth('base');

  it("says 'No changes' when both deploy the same thing", async () => {
    const diff = await diffSynthesized(base, synth('same'));
    expect(diff).toEqual({ stacks: [], documents: [], weakenings: [] });
    expect(renderMarkdown(diff)).toBe('## Synthesized changes\n\nNo changes.\n');
  });

  it('shows what one changed statement grants, wildcards expanded, per principal', async () => {
    const head = synth('one-statement');
    const file = join(head, 'stacks', 'primary-us-east-1', 'cdk.tf.json');
    const json = JSON.parse(readFileSync(file, 'utf8')) as {
      resource: { aws_iam_role_policy: Record<string, { policy: string }> };
    };
    const resource = json.resource.aws_iam_role_policy['backfill-role-policy'];
    const policy = JSON.parse(resource.policy) as {
      Statement: Array<{ Sid: string; Action: string[] }>;
    };
    const statement = policy.Statement.find((s) => s.Sid === 'CreateAbsentBackupObjects');
    if (!statement) throw new Error('no CreateAbsentBackupObjects statement');
    const before = [...statement.Action];
    statement.Action = ['s3:Put*'];
    resource.policy = JSON.stringify(policy, null, 2);
    writeFileSync(file, JSON.stringify(json, null, 2));

    const diff = await diffSynthesized(base, head);
    expect(diff.stacks).toEqual([
      {
        stack: 'primary-us-east-1',
        status: 'changed',
        added: [],
        changed: [
          {
            address: 'aws_iam_role_policy.backfill-role-policy',
            attributes: [{ path: 'policy', before: 'IAM document', after: 'IAM document' }],
          },
        ],
        removed: [],
        settingsChanged: false,
      },
    ]);
    expect(diff.documents).toHaveLength(1);
    const [document] = diff.documents;
    expect(document).toMatchObject({
      address: 'aws_iam_role_policy.backfill-role-policy',
      kind: 'role-policy',
      owner: 's3-bastion-backfill',
    });
    expect(document.principals.map((p) => p.principal)).toEqual(['role s3-bastion-backfill']);
    const [{ added, removed }] = document.principals;
    const addedActions = new Set(added.map((p) => p.action));
    // s3:Put* grants these, and the reviewer sees them by name
    for (const action of [
      's3:PutBucketPolicy',
      's3:PutObjectAcl',
      's3:PutLifecycleConfiguration',
    ]) {
      expect(addedActions.has(action)).toBe(true);
    }
    expect([...addedActions].filter((a) => a.includes('*'))).toEqual([]);
    // s3:PutObject was granted before and still is: not news
    expect(before).toEqual(['s3:PutObject']);
    expect(addedActions.has('s3:PutObject')).toBe(false);
    expect(removed).toEqual([]);
    for (const p of added) {
      expect(p).toMatchObject({
        effect: 'Allow',
        resource: expect.stringMatching(/^arn:aws:s3:::example-bastion-prod-(assets|ledger)\/\*$/),
      });
    }
    const markdown = renderMarkdown(diff);
    expect(markdown).toContain('#### Stack `primary-us-east-1`: 0 added, 1 changed, 0 removed');
    expect(markdown).toContain('- changed `aws_iam_role_policy.backfill-role-policy`');
    expect(markdown).toContain(
      '#### `aws_iam_role_policy.backfill-role-policy`: permissions of role `s3-bastion-backfill`',
    );
    expect(markdown).toMatch(
      /\| \+ \| Allow \| [^|]*`s3:PutBucketPolicy`[^|]* \| `arn:aws:s3:::example-bastion-prod-assets\/\*` \|/,
    );
    expect(markdown).not.toContain('s3:Put*');
  });

  it('shows a config change as resource and permission changes', async () => {
    const head = synth('config-change', {
      ...exampleConfig,
      restoreTargetBucketNames: ['example-restore-staging', 'example-restore-more'],
    });
    const markdown = renderMarkdown(await diffSynthesized(base, head));
    expect(markdown).toContain('- changed `aws_iam_role_policy.restore-role-policy`');
    expect(markdown).toContain(
      'Principal `role s3-bastion-restore`: 5 permissions added, 0 removed',
    );
    expect(markdown).toContain(
      '| + | Allow | `s3:GetObject` `s3:PutObject` `s3:PutObjectTagging` | `arn:aws:s3:::example-restore-more/*` |  |',
    );
  });
});

describe('diffAgainstRef: the base ref in a temporary git worktree', () => {
  const repo = join(temp, 'repo');
  const root = resolve(__dirname, '..', '..');
  const git = (...args: string[]) => {
    const r = spawnSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], {
      cwd: repo,
      encoding: 'utf8',
    });
    if (r.status !== 0) throw new Error(r.stderr);
    return r.stdout;
  };

  beforeAll(() => {
    // The app as committed (tests and docs aside), as a fresh repository of its own.
    const tracked = spawnSync('git', ['ls-files'], { cwd: root, encoding: 'utf8' }).stdout;
    for (const path of tracked
      .split('\n')
      .filter((p) => p && !/^(__tests__|docs|\.github)\//.test(p))) {
      cpSync(join(root, path), join(repo, path), { recursive: true });
    }
    symlinkSync(join(root, 'node_modules'), join(repo, 'node_modules'), 'dir');
    writeFileSync(join(repo, '.gitignore'), 'node_modules\n');
    git('init', '-q', '-b', 'main');
    git('add', '-A');
    git('commit', '-q', '-m', 'base');
  });

  it('synthesizes the base and the working tree and diffs them, then removes the worktree', async () => {
    const clean = await diffAgainstRef({ repoDir: repo, base: 'main' });
    expect(renderMarkdown(clean)).toBe('## Synthesized changes\n\nNo changes.\n');

    const configFile = join(repo, 'config', 'example.ts');
    const config = readFileSync(configFile, 'utf8');
    writeFileSync(
      configFile,
      config.replace('noncurrentVersionRetentionDays: 90', 'noncurrentVersionRetentionDays: 60'),
    );
    const markdown = renderMarkdown(await diffAgainstRef({ repoDir: repo, base: 'main' }));
    expect(markdown).toMatch(/#### Stack `backup-us-west-2`: 0 added, \d+ changed, 0 removed/);
    expect(markdown).toContain(
      '- changed `aws_s3_bucket_lifecycle_configuration.example-bastion-prod-ledger-lifecycle`',
    );
    expect(markdown).toContain(
      '  - `rule.0.noncurrent_version_expiration.0.noncurrent_days`: `90` → `60`',
    );
    expect(markdown).toContain('No permission changes.');
    expect(git('worktree', 'list').trim().split('\n')).toHaveLength(1);
  }, 120_000);
});
