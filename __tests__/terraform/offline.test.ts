import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { App } from 'cdktf';
import { exampleConfig } from '../../config';
import { validateConfig } from '../../config/validate';
import { buildApp } from '../../stacks/app';
import { OFFLINE_MAX_RETRIES, offlineOverride, withoutAssumeRole } from '../../terraform/offline';
import { planOffline } from '../../terraform/plan-offline';
import {
  OfflineNetworkError,
  PlanJson,
  TerraformWorkspace,
  plannedValues,
} from '../../terraform/workspace';

// `npm run plan:offline` with deploy roles set: offline there is no STS, so the role must not be
// assumed, and anything that still reaches for AWS must fail in seconds, not after the SDK's
// retries (issue 15: the plan hung for 7 minutes).

const PRIMARY_DEPLOY_ROLE = 'arn:aws:iam::111111111111:role/terraform-deploy';
const BACKUP_DEPLOY_ROLE = 'arn:aws:iam::222222222222:role/terraform-deploy';

// The ledger bucket also gets Replication Time Control: its latency alarm needs a second provider
// (the backup region) in the primary stack, which must plan offline too.
const withDeployRoles = {
  ...exampleConfig,
  primary: { ...exampleConfig.primary, deployRoleArn: PRIMARY_DEPLOY_ROLE },
  backup: { ...exampleConfig.backup, deployRoleArn: BACKUP_DEPLOY_ROLE },
  sourceBuckets: exampleConfig.sourceBuckets.map((b, i) => ({
    ...b,
    replicationTimeControl: i === 1,
  })),
};

type PlanWithOutputs = PlanJson & {
  output_changes?: Record<string, { actions: string[]; after?: unknown; after_unknown?: unknown }>;
};

type StackJson = {
  provider: { aws: Array<Record<string, unknown>> };
  data?: Record<string, unknown>;
};

describe('withoutAssumeRole', () => {
  it('drops assume_role from every AWS provider block of cdk.tf.json and keeps the rest', () => {
    const json = {
      provider: {
        aws: [
          { alias: 'a', region: 'us-east-1', assume_role: [{ role_arn: PRIMARY_DEPLOY_ROLE }] },
          { alias: 'b', region: 'us-west-2', allowed_account_ids: ['222222222222'] },
        ],
      },
      resource: { aws_sns_topic: { t: { name: 'assume_role' } } },
    };
    const out = JSON.parse(withoutAssumeRole('cdk.tf.json', JSON.stringify(json))) as unknown;
    expect(out).toEqual({
      provider: {
        aws: [
          { alias: 'a', region: 'us-east-1' },
          { alias: 'b', region: 'us-west-2', allowed_account_ids: ['222222222222'] },
        ],
      },
      resource: { aws_sns_topic: { t: { name: 'assume_role' } } },
    });
  });

  it('drops assume_role blocks from the provider "aws" blocks of HCL, nothing else', () => {
    const hcl = [
      'provider "aws" {',
      '  alias  = "primary_us_east_1"',
      '  region = "us-east-1"',
      '  assume_role {',
      `    role_arn     = "${PRIMARY_DEPLOY_ROLE}"`,
      '    session_name = "s3-bastion-backup-primary-us-east-1"',
      '  }',
      '  default_tags {',
      '    tags = {',
      '      Project = "s3-bastion-backup"',
      '    }',
      '  }',
      '}',
      '',
      'resource "aws_sns_topic" "alerts" {',
      '  name = "assume_role"',
      '}',
      '',
    ].join('\n');
    const out = withoutAssumeRole('cdk.tf', hcl);
    expect(out).not.toContain('assume_role {');
    expect(out).not.toContain(PRIMARY_DEPLOY_ROLE);
    expect(out).toContain('  default_tags {\n    tags = {');
    expect(out).toContain('resource "aws_sns_topic" "alerts" {\n  name = "assume_role"\n}');
  });

  it('the override makes one attempt per AWS call, so that a network call fails at once', () => {
    const override = offlineOverride(['a']) as {
      provider: { aws: Array<Record<string, unknown>> };
    };
    expect(override.provider.aws[0]).toMatchObject({ alias: 'a', max_retries: 1 });
    expect(OFFLINE_MAX_RETRIES).toBe(1);
  });
});

describe('offline plan of a config with a deploy role for both accounts', () => {
  const workspace = TerraformWorkspace.create();
  const outdir = join(workspace.root, 'synth');
  afterAll(() => workspace.dispose());

  beforeAll(() => {
    const app = new App({ outdir });
    buildApp(app, validateConfig(withDeployRoles));
    app.synth();
  });

  it('plans every stack without assuming the deploy roles', async () => {
    const results = await planOffline(outdir, workspace);

    expect(results.map((r) => r.stack)).toEqual(['backup-us-west-2', 'primary-us-east-1']);
    for (const result of results) {
      expect(result.summary.add).toBeGreaterThan(0);
      const providers = Object.values(result.plan.configuration?.provider_config ?? {});
      expect(providers.length).toBeGreaterThan(0);
      for (const provider of providers)
        expect(provider.expressions ?? {}).not.toHaveProperty('assume_role');
      const planned = readFileSync(
        join(workspace.root, 'stacks', result.stack, 'cdk.tf.json'),
        'utf8',
      );
      expect(planned).not.toMatch(/"assume_role"\s*:/);
    }
    const byStack = Object.fromEntries(results.map((r) => [r.stack, r.plan as PlanWithOutputs]));
    // The outputs a user wires to show in the plan, with their values before anything exists.
    const primaryOutputs = byStack['primary-us-east-1'].output_changes ?? {};
    expect(primaryOutputs.backfill_role_arn).toMatchObject({
      actions: ['create'],
      after: 'arn:aws:iam::111111111111:role/s3-bastion-backfill',
    });
    expect(primaryOutputs.latency_alert_topic_arns.after).toEqual({
      'us-west-2':
        'arn:aws:sns:us-west-2:111111111111:s3-bastion-alerts-primary-us-east-1-in-us-west-2',
    });
    const backupOutputs = byStack['backup-us-west-2'].output_changes ?? {};
    expect(backupOutputs.restore_role_arn.after).toBe(
      'arn:aws:iam::222222222222:role/s3-bastion-restore',
    );
    expect(backupOutputs['replica-key-arn']).toMatchObject({ after_unknown: true });
    // Replication Time Control and its alarm, as Terraform plans them.
    const rule = plannedValues(
      byStack['primary-us-east-1'],
      'aws_s3_bucket_replication_configuration.example-prod-ledger-replication',
    ).rule as Array<{ destination: Array<Record<string, unknown>> }>;
    expect(rule[0].destination[0]).toMatchObject({
      replication_time: [{ status: 'Enabled', time: [{ minutes: 15 }] }],
      metrics: [{ status: 'Enabled', event_threshold: [{ minutes: 15 }] }],
    });
    const alarm = byStack['primary-us-east-1'].resource_changes?.find(
      (r) =>
        r.address === 'aws_cloudwatch_metric_alarm.example-prod-ledger-replication-latency-alarm',
    );
    expect(alarm?.provider_name).toBe('registry.terraform.io/hashicorp/aws');
    expect(alarm?.change.after).toMatchObject({
      metric_name: 'ReplicationLatency',
      threshold: 900,
    });

    // A hang on STS retries took 7 minutes per stack; what prevents it is asserted above (no
    // assume_role planned) and below (one attempt). The timeout only stops a hang; how long a
    // plan takes is measured by `npm run plan:offline` ("done in N s"), not asserted here.
  }, 300_000);

  it('keeps the deploy roles in the synthesized stacks: a real plan still assumes them', () => {
    const read = (stack: string) =>
      JSON.parse(readFileSync(join(outdir, 'stacks', stack, 'cdk.tf.json'), 'utf8')) as StackJson;
    expect(read('primary-us-east-1').provider.aws[0].assume_role).toEqual([
      expect.objectContaining({ role_arn: PRIMARY_DEPLOY_ROLE }),
    ]);
    expect(read('backup-us-west-2').provider.aws[0].assume_role).toEqual([
      expect.objectContaining({ role_arn: BACKUP_DEPLOY_ROLE }),
    ]);
  });

  it('fails at the first refused connection, naming the stack and the network, when the stack still calls AWS', async () => {
    // A data source is read during plan: offline it meets the closed proxy.
    const file = join(outdir, 'stacks', 'primary-us-east-1', 'cdk.tf.json');
    const json = JSON.parse(readFileSync(file, 'utf8')) as StackJson;
    json.data = {
      aws_caller_identity: { current: { provider: `aws.${String(json.provider.aws[0].alias)}` } },
    };
    writeFileSync(file, JSON.stringify(json));

    const stack = workspace.addStack('primary-us-east-1-network', [file], { offline: true });
    await stack.init();
    const plan = stack.plan();
    await expect(plan).rejects.toBeInstanceOf(OfflineNetworkError);
    await expect(plan).rejects.toThrow(
      /offline plan of stack primary-us-east-1-network: terraform plan tried to reach the network/,
    );
    await expect(plan).rejects.toThrow(/reading STS Caller Identity/);
    // One refused connection, one attempt (OFFLINE_MAX_RETRIES, asserted above), where the SDK's
    // retries took minutes; the timeout only stops a hang.
  }, 300_000);
});
