import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { App } from 'cdktf';
import { exampleConfig } from '../../config';
import { backfillRolePolicy, backfillRoleTrustPolicy } from '../../policies/backfill-role';
import { backupBucketPolicy } from '../../policies/backup-bucket-policy';
import {
  batchReplicationRolePolicy,
  batchReplicationRoleTrustPolicy,
} from '../../policies/batch-replication-role';
import { bucketArn, roleArn } from '../../policies/arns';
import { replicaKeyPolicy } from '../../policies/replica-key-policy';
import { replicationRolePolicy, replicationRoleTrustPolicy } from '../../policies/replication-role';
import { restoreRolePolicy, restoreRoleTrustPolicy } from '../../policies/restore-role';
import { buildApp } from '../../stacks/app';
import { OfflineStackResult, planOffline } from '../../terraform/plan-offline';
import { postProcessHcl } from '../../terraform/hcl';
import { terraformEnv } from '../../terraform/terraform';
import { PlanJson, TerraformWorkspace, plannedValues } from '../../terraform/workspace';
import { validateConfig } from '../../config/validate';

// Real Terraform, offline: the example config's stacks go through terraform init, validate, plan
// and show -json with hashicorp/aws 5.100.0 (from the machine's provider mirror where it has one).
// One workspace for the file: each stack is initialised once, the plugin cache is shared.

type Values = Record<string, unknown>;
const at = (values: Values, ...path: Array<string | number>): unknown =>
  path.reduce<unknown>((v, key) => (v as Record<string | number, unknown>)?.[key], values);
const policyOf = (values: Values, key = 'policy'): unknown => JSON.parse(String(values[key]));

describe('terraform validate and plan, offline, for every stack of the example config', () => {
  const workspace = TerraformWorkspace.create();
  const outdir = join(workspace.root, 'synth');
  let results: Record<string, OfflineStackResult> = {};
  const plan = (stack: string): PlanJson => {
    const result = results[stack];
    if (!result) throw new Error(`stack ${stack} was not planned`);
    return result.plan;
  };

  const hclOutdir = join(workspace.root, 'synth-hcl');
  let hclResults: OfflineStackResult[] = [];

  beforeAll(async () => {
    const app = new App({ outdir });
    buildApp(app, validateConfig(exampleConfig));
    app.synth();
    const list = await planOffline(outdir, workspace);
    results = Object.fromEntries(list.map((r) => [r.stack, r]));
    // The same app as HCL, cleaned as `npm run synth:hcl` does.
    // cdktf reads SYNTH_HCL_OUTPUT when a stack is constructed, not from the App's hclOutput.
    process.env.SYNTH_HCL_OUTPUT = 'true';
    try {
      const hclApp = new App({ outdir: hclOutdir, hclOutput: true });
      buildApp(hclApp, validateConfig(exampleConfig));
      hclApp.synth();
    } finally {
      delete process.env.SYNTH_HCL_OUTPUT;
    }
    await postProcessHcl(hclOutdir, terraformEnv({ cliConfigFile: workspace.cli.file }));
    hclResults = await planOffline(hclOutdir, workspace, { dirSuffix: '-hcl' });
  }, 300_000);
  afterAll(() => workspace.dispose());

  it('plans every synthesized stack, creating every resource and nothing else', () => {
    expect(Object.keys(results).sort()).toEqual(['backup-us-west-2', 'primary-us-east-1']);
    for (const [stack, result] of Object.entries(results)) {
      const json = JSON.parse(
        readFileSync(join(outdir, 'stacks', stack, 'cdk.tf.json'), 'utf8'),
      ) as { resource: Record<string, Record<string, unknown>> };
      const declared = Object.entries(json.resource)
        .flatMap(([type, byName]) => Object.keys(byName).map((name) => `${type}.${name}`))
        .sort();
      expect(result.validate).toMatchObject({ valid: true, errorCount: 0 });
      expect(result.summary).toMatchObject({ add: declared.length, change: 0, destroy: 0 });
      expect(result.summary.line).toBe(
        `Plan: ${declared.length} to add, 0 to change, 0 to destroy.`,
      );
      const changes = result.plan.resource_changes ?? [];
      expect(changes.map((c) => c.address).sort()).toEqual(declared);
      expect(new Set(changes.flatMap((c) => c.change.actions))).toEqual(new Set(['create']));
    }
  });

  it('configures each stack with its own aliased provider in its region', () => {
    expect(plan('backup-us-west-2').configuration?.provider_config).toMatchObject({
      'aws.backup_us_west_2': {
        alias: 'backup_us_west_2',
        expressions: { region: { constant_value: 'us-west-2' } },
      },
    });
    expect(plan('primary-us-east-1').configuration?.provider_config).toMatchObject({
      'aws.primary_us_east_1': {
        alias: 'primary_us_east_1',
        expressions: { region: { constant_value: 'us-east-1' } },
      },
    });
    for (const stack of Object.keys(results)) {
      const providers = new Set(plan(stack).resource_changes?.map((c) => c.provider_name));
      expect(providers).toEqual(new Set(['registry.terraform.io/hashicorp/aws']));
    }
  });

  describe.each(exampleConfig.sourceBuckets.map((b) => [b.backupBucketName, b] as const))(
    'backup bucket %s',
    (name, source) => {
      const values = (type: string, suffix: string): Values =>
        plannedValues(plan('backup-us-west-2'), `${type}.${name}${suffix}`);

      it('is versioned, never force-destroyed, owner-enforced, and blocks all public access', () => {
        expect(values('aws_s3_bucket', '')).toMatchObject({ bucket: name, force_destroy: false });
        expect(
          at(
            values('aws_s3_bucket_versioning', '-versioning'),
            'versioning_configuration',
            0,
            'status',
          ),
        ).toBe('Enabled');
        expect(
          at(
            values('aws_s3_bucket_ownership_controls', '-ownership'),
            'rule',
            0,
            'object_ownership',
          ),
        ).toBe('BucketOwnerEnforced');
        expect(values('aws_s3_bucket_public_access_block', '-public-access-block')).toMatchObject({
          block_public_acls: true,
          block_public_policy: true,
          ignore_public_acls: true,
          restrict_public_buckets: true,
        });
      });

      it('expires noncurrent versions after the recovery window of the config', () => {
        const rule = at(
          values('aws_s3_bucket_lifecycle_configuration', '-lifecycle'),
          'rule',
          0,
        ) as Values;
        expect(rule).toMatchObject({ status: 'Enabled' });
        expect(at(rule, 'noncurrent_version_expiration', 0, 'noncurrent_days')).toBe(
          source.noncurrentVersionRetentionDays,
        );
      });

      it('carries exactly the bucket policy that policies/ builds', () => {
        expect(policyOf(values('aws_s3_bucket_policy', '-policy'))).toEqual(
          backupBucketPolicy(exampleConfig, source),
        );
      });
    },
  );

  it('gives the backup account its restore role and replica key with the policies/ documents', () => {
    const backup = plan('backup-us-west-2');
    expect(
      policyOf(plannedValues(backup, 'aws_iam_role.restore-role'), 'assume_role_policy'),
    ).toEqual(restoreRoleTrustPolicy(exampleConfig));
    expect(policyOf(plannedValues(backup, 'aws_iam_role_policy.restore-role-policy'))).toEqual(
      restoreRolePolicy(exampleConfig),
    );
    expect(policyOf(plannedValues(backup, 'aws_kms_key.replica-key'))).toEqual(
      replicaKeyPolicy(exampleConfig, 'us-west-2'),
    );
  });

  describe.each(exampleConfig.sourceBuckets.map((b) => [b.name, b] as const))(
    'source bucket %s',
    (name, source) => {
      it('is versioned and replicates everything, delete markers too, to its backup bucket', () => {
        const primary = plan('primary-us-east-1');
        expect(
          at(
            plannedValues(primary, `aws_s3_bucket_versioning.${name}-versioning`),
            'versioning_configuration',
            0,
            'status',
          ),
        ).toBe('Enabled');
        const replication = plannedValues(
          primary,
          `aws_s3_bucket_replication_configuration.${name}-replication`,
        );
        expect(replication).toMatchObject({
          bucket: name,
          role: roleArn(exampleConfig, 'replication'),
        });
        const rule = at(replication, 'rule', 0) as Values;
        expect(rule).toMatchObject({ status: 'Enabled' });
        expect(at(rule, 'delete_marker_replication', 0, 'status')).toBe('Enabled');
        expect(at(rule, 'destination', 0)).toMatchObject({
          bucket: bucketArn(exampleConfig, source.backupBucketName),
          account: exampleConfig.backup.accountId,
        });
        expect(at(rule, 'destination', 0, 'access_control_translation', 0, 'owner')).toBe(
          'Destination',
        );
      });
    },
  );

  it.each([
    ['replication-role', replicationRoleTrustPolicy, replicationRolePolicy],
    ['backfill-role', backfillRoleTrustPolicy, backfillRolePolicy],
    ['batch-replication-role', batchReplicationRoleTrustPolicy, batchReplicationRolePolicy],
  ])('gives the primary account the %s with the policies/ documents', (id, trust, policy) => {
    const primary = plan('primary-us-east-1');
    expect(policyOf(plannedValues(primary, `aws_iam_role.${id}`), 'assume_role_policy')).toEqual(
      trust(exampleConfig),
    );
    expect(policyOf(plannedValues(primary, `aws_iam_role_policy.${id}-policy`))).toEqual(
      policy(exampleConfig),
    );
  });

  it('writes state, plans and .terraform only into its temporary workspace', () => {
    for (const stack of Object.keys(results)) {
      expect(readdirSync(join(outdir, 'stacks', stack))).toEqual(['cdk.tf.json']);
      expect(readdirSync(join(hclOutdir, 'stacks', stack)).sort()).toEqual([
        'cdk.tf',
        'metadata.json',
      ]);
      expect(readdirSync(join(workspace.root, 'data', stack))).toContain('providers');
      expect(readFileSync(join(workspace.root, 'plans', `${stack}.tfplan`)).length).toBeGreaterThan(
        0,
      );
    }
  });

  describe('the cleaned `synth --hcl` output', () => {
    it('is terraform fmt clean and validates without a warning', async () => {
      expect(hclResults.map((r) => r.stack)).toEqual(Object.keys(results).sort());
      for (const result of hclResults) {
        expect(result.validate).toEqual({
          valid: true,
          errorCount: 0,
          warningCount: 0,
          diagnostics: [],
        });
        const stack = workspace.addStack(`${result.stack}-fmt`, [
          join(hclOutdir, 'stacks', result.stack, 'cdk.tf'),
        ]);
        expect(await stack.fmtCheck()).toEqual({ clean: true, output: '' });
      }
    });

    it('plans exactly what the JSON plans', () => {
      const changes = (plan: PlanJson) =>
        (plan.resource_changes ?? []).map((c) => ({ address: c.address, change: c.change }));
      for (const result of hclResults) {
        expect(changes(result.plan)).toEqual(changes(plan(result.stack)));
      }
    });
  });

  // One more plan for two options: Object Lock and SSE-KMS backups.
  it('plans Object Lock with its default retention, SSE-KMS backups on the backup key, and the alarms, topic and notifications', async () => {
    const lockedOutdir = join(workspace.root, 'synth-locked');
    const app = new App({ outdir: lockedOutdir });
    buildApp(
      app,
      validateConfig({
        ...exampleConfig,
        objectLock: { mode: 'COMPLIANCE', days: 30 },
        backupEncryption: 'SSE-KMS',
      }),
    );
    app.synth();
    const file = join(lockedOutdir, 'stacks', 'backup-us-west-2', 'cdk.tf.json');
    const stack = workspace.addStack('backup-us-west-2-locked', [file], { offline: true });
    await stack.init();
    expect(await stack.validate()).toMatchObject({ valid: true, errorCount: 0 });
    await stack.plan();
    const changes = (await stack.show()).resource_changes ?? [];
    const ofType = (type: string) =>
      changes.filter((c) => c.type === type).map((c) => c.change.after ?? {});
    expect(ofType('aws_s3_bucket').map((v) => v.object_lock_enabled)).toEqual([true, true]);
    expect(ofType('aws_s3_bucket_object_lock_configuration').map((v) => v.rule)).toEqual([
      [{ default_retention: [{ mode: 'COMPLIANCE', days: 30, years: null }] }],
      [{ default_retention: [{ mode: 'COMPLIANCE', days: 30, years: null }] }],
    ]);
    // The key's ARN is known after apply: the plan shows aws:kms, Bucket Keys on, the key unknown.
    const encryption = changes.filter(
      (c) => c.type === 'aws_s3_bucket_server_side_encryption_configuration',
    );
    expect(encryption).toHaveLength(2);
    for (const c of encryption) {
      expect(at(c.change.after ?? {}, 'rule', 0)).toMatchObject({
        apply_server_side_encryption_by_default: [{ sse_algorithm: 'aws:kms' }],
        bucket_key_enabled: true,
      });
      expect(
        at(
          (c.change as { after_unknown?: Values }).after_unknown ?? {},
          'rule',
          0,
          'apply_server_side_encryption_by_default',
          0,
          'kms_master_key_id',
        ),
      ).toBe(true);
    }
    expect(ofType('aws_kms_key')).toEqual([
      expect.objectContaining({ deletion_window_in_days: 30, enable_key_rotation: true }),
    ]);
    expect(ofType('aws_s3_bucket_notification').map((v) => v.eventbridge)).toEqual([true, true]);
    // Per bucket: hourly, 24 h and 7-day counts, lifecycle deletions, heartbeat (threshold 1).
    expect(
      ofType('aws_cloudwatch_metric_alarm')
        .map((v) => v.threshold as number)
        .sort((a, b) => a - b),
    ).toEqual([1, 1, 100, 100, 400, 400, 800, 800, 1000, 1000, 4000, 4000, 4400, 4400, 8000, 8000]);
    expect(ofType('aws_sns_topic_subscription').map((v) => v.endpoint)).toEqual([
      'storage-oncall@example.com',
    ]);
  });

  it('fails terraform validate for an attribute that hashicorp/aws 5.100.0 does not have', async () => {
    const file = join(outdir, 'stacks', 'backup-us-west-2', 'cdk.tf.json');
    const json = JSON.parse(readFileSync(file, 'utf8')) as {
      resource: { aws_s3_bucket: Record<string, Record<string, unknown>> };
    };
    const [bucket] = Object.values(json.resource.aws_s3_bucket);
    bucket.versioning_enabled = true; // not an argument of aws_s3_bucket
    const invalidDir = join(workspace.root, 'invalid');
    mkdirSync(invalidDir, { recursive: true });
    writeFileSync(join(invalidDir, 'cdk.tf.json'), JSON.stringify(json));
    const stack = workspace.addStack('invalid', [join(invalidDir, 'cdk.tf.json')], {
      offline: true,
    });
    await stack.init();
    const result = await stack.validate();
    expect(result.valid).toBe(false);
    expect(result.diagnostics).toEqual([
      expect.objectContaining({
        severity: 'error',
        summary: 'Extraneous JSON object property',
        detail: expect.stringContaining('No argument or block type is named "versioning_enabled"'),
      }),
    ]);
  });
});
