import { TerraformOutput, TerraformStack } from 'cdktf';
import { BastionConfig } from '../config';
import {
  REPLICA_KEY_ALIAS,
  RoleKey,
  backupRegionOf,
  bucketArn,
  inventoryBucketName,
  partitionOf,
  replicaKeyAliasArn,
  replicationRuleId,
  roleArn,
  roleName,
} from '../policies/arns';
import { inventoryEnabled } from './inventory';
import { StackPlan } from './topology';

/**
 * Terraform outputs: what a user or another stack wires to (IAM roles to assume, buckets to name
 * in a restore, topics to subscribe on-call tooling to, the replica key to grant). Every stack of
 * a kind has the same output names, whatever its region or workspace, so that a consumer reads
 * `alert_topic_arn` from whichever workspace it points at. Values are the literal ARNs the
 * policies are built from, known at plan time; only the key's own ARN waits for apply.
 */

/** The ARN of an SNS topic this project creates, from config (as the policies build theirs). */
export function topicArn(
  config: BastionConfig,
  accountId: string,
  region: string,
  name: string,
): string {
  return `arn:${partitionOf(config)}:sns:${region}:${accountId}:${name}`;
}

function output(stack: TerraformStack, name: string, value: unknown, description: string): void {
  new TerraformOutput(stack, name, { value, description });
}

function roleOutputs(
  stack: TerraformStack,
  config: BastionConfig,
  role: RoleKey,
  what: string,
  use = '',
): void {
  const key = role.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
  output(stack, `${key}_role_arn`, roleArn(config, role), `ARN of the ${what}.${use}`);
  output(stack, `${key}_role_name`, roleName(config, role), `Name of the ${what}.`);
}

function commonOutputs(
  stack: TerraformStack,
  config: BastionConfig,
  plan: StackPlan,
  alertTopicName: string,
  alarmsNotified: string,
): void {
  output(stack, 'account_id', plan.accountId, `The AWS account this stack deploys into.`);
  output(
    stack,
    'alert_topic_arn',
    topicArn(config, plan.accountId, plan.region, alertTopicName),
    `ARN of the SNS topic that the ${alarmsNotified} alarms notify.`,
  );
  if (inventoryEnabled(config)) {
    output(
      stack,
      'inventory_bucket_name',
      inventoryBucketName(config, plan.accountId, plan.region),
      "Bucket that receives the S3 Inventory reports of this stack's buckets (verify --inventory).",
    );
  }
  output(stack, 'region', plan.region, 'The AWS region of this stack.');
  output(
    stack,
    'alert_topic_name',
    alertTopicName,
    'SNS topic that the alarms of this stack notify: subscribe on-call tooling to it.',
  );
}

export function backupStackOutputs(
  stack: TerraformStack,
  config: BastionConfig,
  plan: StackPlan,
  resources: { readonly alertTopicName: string; readonly hasReplicaKey: boolean },
): void {
  commonOutputs(
    stack,
    config,
    plan,
    resources.alertTopicName,
    'backup-bucket (delete markers, new versions)',
  );
  output(
    stack,
    'backup_buckets',
    Object.fromEntries(
      plan.buckets.map((b) => [
        b.name,
        {
          name: b.backupBucketName,
          arn: bucketArn(config, b.backupBucketName),
          region: backupRegionOf(b),
          noncurrent_version_retention_days: b.noncurrentVersionRetentionDays,
        },
      ]),
    ),
    'Backup bucket of each source bucket (keyed by source bucket name): name, ARN, region and ' +
      'the recovery window in days. Restore and verify read from these.',
  );
  // The key's own ARN is the stack's `replica-key-arn` output (the config's replicaKmsKeyArns).
  if (resources.hasReplicaKey) {
    output(
      stack,
      'replica_key_alias_arn',
      replicaKeyAliasArn(config, plan.region),
      `ARN of the alias ${REPLICA_KEY_ALIAS}, which the replication rules name.`,
    );
  }
  if (plan.holdsRoles) {
    roleOutputs(
      stack,
      config,
      'restore',
      'break-glass restore role (backup account)',
      ' Pass it to `npm run restore -- --role-arn`.',
    );
  }
}

export function primaryStackOutputs(
  stack: TerraformStack,
  config: BastionConfig,
  plan: StackPlan,
  resources: {
    readonly alertTopicName: string;
    /** Topics of this account in backup regions (replication-latency alarms), by region. */
    readonly regionalAlertTopicNames: ReadonlyMap<string, string>;
  },
): void {
  commonOutputs(stack, config, plan, resources.alertTopicName, 'replication-failure');
  output(
    stack,
    'latency_alert_topic_arns',
    Object.fromEntries(
      [...resources.regionalAlertTopicNames].map(([region, name]) => [
        region,
        topicArn(config, plan.accountId, region, name),
      ]),
    ),
    'ARNs of the SNS topics, by backup region, that the replication-latency alarms notify (S3 ' +
      'publishes ReplicationLatency in the backup region). Empty when no bucket uses Replication ' +
      'Time Control in another region.',
  );
  output(
    stack,
    'replication',
    Object.fromEntries(
      plan.buckets.map((b) => [
        b.name,
        {
          rule_id: replicationRuleId(b),
          destination_bucket_arn: bucketArn(config, b.backupBucketName),
          destination_region: backupRegionOf(b),
          replication_time_control: b.replicationTimeControl === true,
        },
      ]),
    ),
    'Replication of each source bucket (keyed by source bucket name): the rule id (the RuleId ' +
      'dimension of the replication metrics), the backup bucket, its region and whether S3 ' +
      'Replication Time Control is on.',
  );
  if (plan.holdsRoles) {
    roleOutputs(stack, config, 'replication', 'role S3 assumes to replicate (primary account)');
    roleOutputs(
      stack,
      config,
      'backfill',
      'append-only backfill role (primary account)',
      ' Pass it to `npm run backfill -- --role-arn`.',
    );
    roleOutputs(
      stack,
      config,
      'batchReplication',
      'role S3 Batch Operations assumes for a Batch Replication job (primary account)',
    );
  }
}
