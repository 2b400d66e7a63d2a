import { exampleConfig } from '../../config';
import {
  TerraformJson,
  configWith,
  findResource,
  multiRegionConfig,
  resourcesOf,
  synthesize,
} from '../support/synth';

// What a user or another stack wires to: every ARN and name, with a description, under the same
// output names in every stack of a kind, and equal to what the stack really creates.

type Outputs = Record<string, { value: unknown; description?: string }>;
const outputsOf = (stack: TerraformJson): Outputs =>
  (stack as unknown as { output: Outputs }).output;
const valueOf = (stack: TerraformJson, name: string): unknown => {
  const output = outputsOf(stack)[name];
  if (!output) throw new Error(`no output ${name}`);
  return output.value;
};

const { stacks } = synthesize(exampleConfig);
const backup = stacks['backup-us-west-2'];
const primary = stacks['primary-us-east-1'];

describe('Terraform outputs', () => {
  it.each([
    ['backup-us-west-2', backup],
    ['primary-us-east-1', primary],
  ])('%s describes every output', (_name, stack) => {
    const outputs = Object.entries(outputsOf(stack));
    expect(outputs.length).toBeGreaterThan(5);
    for (const [name, output] of outputs) {
      expect([name, output.description]).toEqual([name, expect.stringMatching(/\w{3,}.{10,}/)]);
    }
  });

  it('the backup stack names its buckets, the replica key, the alert topic and the restore role', () => {
    expect(Object.keys(outputsOf(backup)).sort()).toEqual([
      'account_id',
      'alert_topic_arn',
      'alert_topic_name',
      'backup_buckets',
      'region',
      'replica-key-arn',
      'replica_key_alias_arn',
      'restore_role_arn',
      'restore_role_name',
    ]);
    const buckets = valueOf(backup, 'backup_buckets') as Record<string, Record<string, unknown>>;
    for (const source of exampleConfig.sourceBuckets) {
      const bucket = findResource(
        backup,
        'aws_s3_bucket',
        (r) => r.bucket === source.backupBucketName,
      );
      expect(buckets[source.name]).toEqual({
        name: bucket.bucket,
        arn: `arn:aws:s3:::${String(bucket.bucket)}`,
        region: 'us-west-2',
        noncurrent_version_retention_days: source.noncurrentVersionRetentionDays,
      });
    }
    const topic = findResource(backup, 'aws_sns_topic', () => true);
    expect(valueOf(backup, 'alert_topic_name')).toBe(topic.name);
    expect(valueOf(backup, 'alert_topic_arn')).toBe(
      `arn:aws:sns:us-west-2:222222222222:${String(topic.name)}`,
    );
    const key = Object.keys(resourcesOf(backup, 'aws_kms_key'))[0];
    expect(valueOf(backup, 'replica-key-arn')).toBe(`\${aws_kms_key.${key}.arn}`);
    const alias = findResource(backup, 'aws_kms_alias', () => true);
    expect(valueOf(backup, 'replica_key_alias_arn')).toBe(
      `arn:aws:kms:us-west-2:222222222222:${String(alias.name)}`,
    );
    const role = findResource(backup, 'aws_iam_role', (r) => r.name === 's3-bastion-restore');
    expect(valueOf(backup, 'restore_role_name')).toBe(role.name);
    expect(valueOf(backup, 'restore_role_arn')).toBe(
      `arn:aws:iam::222222222222:role/${String(role.name)}`,
    );
  });

  it('the primary stack names its three roles, the replication rules and the alert topic', () => {
    expect(Object.keys(outputsOf(primary)).sort()).toEqual([
      'account_id',
      'alert_topic_arn',
      'alert_topic_name',
      'backfill_role_arn',
      'backfill_role_name',
      'batch_replication_role_arn',
      'batch_replication_role_name',
      'latency_alert_topic_arns',
      'region',
      'replication',
      'replication_role_arn',
      'replication_role_name',
    ]);
    const roles = Object.values(resourcesOf(primary, 'aws_iam_role')).map((r) => r.name);
    for (const key of ['replication', 'backfill', 'batch_replication']) {
      const name = valueOf(primary, `${key}_role_name`);
      expect(roles).toContain(name);
      expect(valueOf(primary, `${key}_role_arn`)).toBe(
        `arn:aws:iam::111111111111:role/${String(name)}`,
      );
    }
    const replication = valueOf(primary, 'replication') as Record<string, Record<string, unknown>>;
    for (const source of exampleConfig.sourceBuckets) {
      const config = findResource(
        primary,
        'aws_s3_bucket_replication_configuration',
        (r) => r.bucket === source.name,
      );
      const [rule] = config.rule as Array<{ id: string; destination: { bucket: string } }>;
      expect(replication[source.name]).toEqual({
        rule_id: rule.id,
        destination_bucket_arn: rule.destination.bucket,
        destination_region: 'us-west-2',
        replication_time_control: false,
      });
    }
    expect(valueOf(primary, 'latency_alert_topic_arns')).toEqual({});
    expect(valueOf(primary, 'alert_topic_arn')).toBe(
      'arn:aws:sns:us-east-1:111111111111:s3-bastion-alerts-primary-us-east-1',
    );
  });

  it('has the same output names in every region; roles only where the roles live', () => {
    const { stacks: multi } = synthesize(multiRegionConfig);
    const eu = outputsOf(multi['primary-eu-west-1']);
    expect(Object.keys(eu).sort()).toEqual([
      'account_id',
      'alert_topic_arn',
      'alert_topic_name',
      'latency_alert_topic_arns',
      'region',
      'replication',
    ]);
    expect(eu.region.value).toBe('eu-west-1');
    expect(Object.keys(outputsOf(multi['backup-eu-central-1'])).sort()).toEqual([
      'account_id',
      'alert_topic_arn',
      'alert_topic_name',
      'backup_buckets',
      'region',
    ]);
  });

  it('names the inventory bucket where S3 Inventory is on', () => {
    const { stacks: inventoried } = synthesize(configWith({ inventory: { enabled: true } }));
    expect(valueOf(inventoried['backup-us-west-2'], 'inventory_bucket_name')).toBe(
      findResource(inventoried['backup-us-west-2'], 'aws_s3_bucket', (r) =>
        String(r.bucket).includes('222222222222'),
      ).bucket,
    );
    expect(valueOf(inventoried['primary-us-east-1'], 'inventory_bucket_name')).toEqual(
      expect.stringContaining('111111111111-us-east-1'),
    );
  });
});
