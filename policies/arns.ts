import { BastionConfig, SourceBucketConfig } from '../config';

/**
 * Literal ARNs and names computed from the config. Policies are built from these, never from
 * Terraform tokens: the reviewer reads the real ARN, and an IAM evaluator cannot mistake a token
 * for a wildcard.
 */

export const DEFAULT_ROLE_NAMES = {
  replication: 's3-bastion-replication',
  backfill: 's3-bastion-backfill',
  batchReplication: 's3-bastion-batch-replication',
  restore: 's3-bastion-restore',
  heartbeat: 's3-bastion-heartbeat',
  batchRestore: 's3-bastion-batch-restore',
} as const;

export type RoleKey = keyof typeof DEFAULT_ROLE_NAMES;

/** Alias of the KMS key that the backup stack creates to re-encrypt SSE-KMS replicas. */
export const REPLICA_KEY_ALIAS = 'alias/s3-bastion-replica';

/** Key of the heartbeat canary in every source bucket, unless the config names another. */
export const DEFAULT_HEARTBEAT_KEY = 's3-bastion-heartbeat/canary';

export function heartbeatKeyOf(config: BastionConfig): string {
  return config.alerts?.heartbeat?.key ?? DEFAULT_HEARTBEAT_KEY;
}

export const DEFAULT_BATCH_REPORT_PREFIX = 's3-bastion-batch-replication/';

export function partitionOf(config: BastionConfig): string {
  return config.partition ?? 'aws';
}

export function roleName(config: BastionConfig, role: RoleKey): string {
  return config.roleNames?.[role] ?? DEFAULT_ROLE_NAMES[role];
}

/** The account a role lives in: the restore roles are the backup account's, the others primary's. */
export function roleAccount(config: BastionConfig, role: RoleKey): string {
  return role === 'restore' || role === 'batchRestore'
    ? config.backup.accountId
    : config.primary.accountId;
}

/** Key prefix, in a restore target, of batch-restore manifests and completion reports. */
export const BATCH_RESTORE_PREFIX = 's3-bastion-restore/';

export function roleArn(config: BastionConfig, role: RoleKey): string {
  return `arn:${partitionOf(config)}:iam::${roleAccount(config, role)}:role/${roleName(config, role)}`;
}

export function accountRootArn(config: BastionConfig, accountId: string): string {
  return `arn:${partitionOf(config)}:iam::${accountId}:root`;
}

export function bucketArn(config: BastionConfig, bucketName: string): string {
  return `arn:${partitionOf(config)}:s3:::${bucketName}`;
}

/** Every object (and object version) of a bucket. */
export function objectsArn(config: BastionConfig, bucketName: string, prefix = ''): string {
  return `${bucketArn(config, bucketName)}/${prefix}*`;
}

export function backupRegionOf(bucket: SourceBucketConfig): string {
  return bucket.backupRegion ?? bucket.region;
}

export function replicaKeyAliasArn(config: BastionConfig, region: string): string {
  return `arn:${partitionOf(config)}:kms:${region}:${config.backup.accountId}:${REPLICA_KEY_ALIAS}`;
}

/** The replica key of a backup region, when the config knows its ARN (`replicaKmsKeyArns`). */
export function replicaKeyArn(config: BastionConfig, region: string): string | undefined {
  return config.replicaKmsKeyArns?.[region];
}

/** Every key of the backup account in a region: with the alias condition, the replica key. */
export function backupAccountKeysArn(config: BastionConfig, region: string): string {
  return `arn:${partitionOf(config)}:kms:${region}:${config.backup.accountId}:key/*`;
}

/**
 * The encryption context S3 sends to KMS for an object of a bucket: the object's ARN, or with S3
 * Bucket Keys the bucket's ARN. A grant conditioned on it names both, so it holds whether or not
 * the bucket uses Bucket Keys.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucket-key.html (the bucket ARN with Bucket Keys)
 */
export function s3EncryptionContexts(config: BastionConfig, bucketName: string): string[] {
  return [bucketArn(config, bucketName), objectsArn(config, bucketName)];
}

/** The id of the replication rule the primary stack writes for a source bucket. */
export function replicationRuleId(bucket: SourceBucketConfig): string {
  return `backup-to-${bucket.backupBucketName}`;
}

/** Where Batch Replication writes manifests and reports for a source bucket. */
export function batchReportLocation(
  config: BastionConfig,
  bucket: SourceBucketConfig,
): { bucket: string; prefix: string } {
  return {
    bucket: config.batchReplicationReportBucket ?? bucket.name,
    prefix: config.batchReplicationReportPrefix ?? DEFAULT_BATCH_REPORT_PREFIX,
  };
}

export const DEFAULT_INVENTORY_BUCKET_PREFIX = 's3-bastion-inventory';

/** Key prefix under which S3 delivers the reports in an inventory bucket. */
export const INVENTORY_REPORT_PREFIX = 'inventory';

/** ID of the inventory configuration this project puts on each bucket (the report's config-ID). */
export const INVENTORY_CONFIGURATION_ID = 's3-bastion-backup';

/** The inventory bucket of an account in a region: reports go to a bucket in the same region. */
export function inventoryBucketName(
  config: BastionConfig,
  accountId: string,
  region: string,
): string {
  const prefix = config.inventory?.bucketNamePrefix ?? DEFAULT_INVENTORY_BUCKET_PREFIX;
  return `${prefix}-${accountId}-${region}`;
}
