/**
 * The typed configuration of an s3-bastion-backup deployment. Adapt `exampleConfig`
 * (config/example.ts) or write your own `BastionConfig` and run `npm run synth`: `validateConfig`
 * reports every mistake at once before any stack is built.
 */

/** AWS partitions that S3 replication and IAM ARNs are built for. */
export type AwsPartition = 'aws' | 'aws-cn' | 'aws-us-gov';

/** Storage classes S3 replication may write replicas in (Destination.StorageClass). */
export const REPLICA_STORAGE_CLASSES = [
  'STANDARD',
  'REDUCED_REDUNDANCY',
  'STANDARD_IA',
  'ONEZONE_IA',
  'INTELLIGENT_TIERING',
  'GLACIER',
  'DEEP_ARCHIVE',
  'GLACIER_IR',
] as const;

/**
 * The storage classes a restore reads at once, without RestoreObject: S3 Glacier Flexible
 * Retrieval (GLACIER) and Deep Archive (DEEP_ARCHIVE) need a restore request and hours (up to 48)
 * first, which the restore path does not make. INTELLIGENT_TIERING archives only into the tiers a
 * bucket opts in to, and the backup buckets opt in to none (a primary admin cannot add one: the
 * bucket policy denies every bucket setting). GLACIER_IR is read in milliseconds.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/restoring-objects.html
 */
export const RESTORE_READABLE_STORAGE_CLASSES = [
  'STANDARD',
  'REDUCED_REDUNDANCY',
  'STANDARD_IA',
  'ONEZONE_IA',
  'INTELLIGENT_TIERING',
  'GLACIER_IR',
] as const;
/** A replica storage class that the restore reads without RestoreObject. */
export type ReplicaStorageClass = (typeof RESTORE_READABLE_STORAGE_CLASSES)[number];

/** One AWS account the project deploys into. */
export interface AccountConfig {
  /** The 12-digit account id. Terraform refuses to apply with credentials of any other account. */
  readonly accountId: string;
  /**
   * A role that Terraform assumes to deploy this account's stacks.
   * @default - the caller's own credentials are used as they are
   */
  readonly deployRoleArn?: string;
}

/** A production bucket in the primary account and the backup bucket it replicates to. */
export interface SourceBucketConfig {
  /** Name of the production bucket in the primary account. */
  readonly name: string;
  /** Region of the production bucket, e.g. `us-east-1`. */
  readonly region: string;
  /** Name of the backup bucket that the backup stack creates in the backup account. */
  readonly backupBucketName: string;
  /**
   * Region of the backup bucket. A different region also protects against a regional outage.
   * @default - the source bucket's region
   */
  readonly backupRegion?: string;
  /**
   * Days a noncurrent version (an overwritten or deleted object) survives in the backup before the
   * lifecycle rule removes it for good. This is the recovery window: an attacker who deletes or
   * overwrites production data has this long before the backup copy is gone too.
   */
  readonly noncurrentVersionRetentionDays: number;
  /**
   * Why this bucket keeps noncurrent versions fewer than 7 days (config/limits.ts). Required in
   * that case: a week covers a weekend and the time to notice a mass delete; anything shorter
   * must be a written decision, visible in review.
   * @default - the retention must be at least 7 days
   */
  readonly shortRetentionReason?: string;
  /**
   * Storage class of the replicas: one that the restore reads at once (see
   * RESTORE_READABLE_STORAGE_CLASSES). Archive classes are refused: a restore from them needs
   * RestoreObject and hours of waiting first, and they bill a minimum storage duration longer
   * than most recovery windows.
   * @default - the storage class of the source object
   */
  readonly replicaStorageClass?: ReplicaStorageClass;
  /**
   * ARN of the KMS key that encrypts the source bucket's objects (SSE-KMS). When set, the
   * replication rule also replicates SSE-KMS objects, re-encrypted in the backup account with a
   * key that the backup stack creates.
   * @default - the source objects are SSE-S3 encrypted, no KMS permissions are granted
   */
  readonly sourceKmsKeyArn?: string;
  /**
   * Whether the primary stack manages the versioning of the source bucket (replication requires
   * it Enabled). Set to false when the production bucket's own Terraform already manages it.
   * @default true
   */
  readonly manageSourceVersioning?: boolean;
  /**
   * S3 Replication Time Control: S3's SLA replicates 99.99% of new objects within 15 minutes,
   * for a per-GB fee. Turns on the rule's replication metrics with the 15-minute event threshold
   * that S3 requires with it, and an alarm on `ReplicationLatency` (see
   * `AlertsConfig.replicationLatencyMinutes`).
   * https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-time-control.html
   * @default false - replication without an SLA; most objects still arrive within minutes
   */
  readonly replicationTimeControl?: boolean;
}

/** S3 Object Lock on the backup buckets: versions cannot be deleted before their retention ends. */
export interface ObjectLockConfig {
  /**
   * GOVERNANCE: principals with s3:BypassGovernanceRetention can still delete.
   * COMPLIANCE: nobody, not even the backup account's root user, can delete before the end.
   */
  readonly mode: 'GOVERNANCE' | 'COMPLIANCE';
  /** Default retention of every new object version, in days. */
  readonly days: number;
  /**
   * Why the retention is longer than a bucket's noncurrent-version retention window. Required in
   * that case: versions then outlive the recovery window and cost storage for longer.
   * @default - the retention must not exceed any bucket's `noncurrentVersionRetentionDays`
   */
  readonly longerThanRetentionReason?: string;
  /**
   * The longest Object Lock retention, in days, that a replica may carry into a backup bucket. A
   * replica keeps the retention of its source object, so a primary admin could otherwise lock
   * replicas for a century (COMPLIANCE: nobody can delete them, and they are billed until then).
   * @default - `days`, the buckets' own default retention
   */
  readonly maxReplicaRetentionDays?: number;
}

/** Names of the IAM roles the stacks create. */
export interface RoleNamesConfig {
  /**
   * Role that S3 assumes to replicate the source buckets (primary account).
   * @default 's3-bastion-replication'
   */
  readonly replication?: string;
  /**
   * Write-only, append-only role that the backfill tool assumes (primary account).
   * @default 's3-bastion-backfill'
   */
  readonly backfill?: string;
  /**
   * Role that S3 Batch Operations assumes for a Batch Replication job (primary account).
   * @default 's3-bastion-batch-replication'
   */
  readonly batchReplication?: string;
  /**
   * Break-glass role that reads every version of the backup to restore it (backup account).
   * @default 's3-bastion-restore'
   */
  readonly restore?: string;
  /**
   * Role that EventBridge Scheduler assumes to write the heartbeat canaries (primary account).
   * @default 's3-bastion-heartbeat'
   */
  readonly heartbeat?: string;
  /**
   * Role that S3 Batch Operations assumes for `restore --engine batch` (backup account): reads
   * versions of the backup buckets, writes only to the restore targets.
   * @default 's3-bastion-batch-restore'
   */
  readonly batchRestore?: string;
}

/** Terraform Cloud: one workspace per stack, each with only its own account's credentials. */
export interface TerraformCloudConfig {
  /** The Terraform Cloud organization. */
  readonly organization: string;
  /**
   * Workspace name per stack name (e.g. `{ 'backup-us-west-2': 'prod-backup' }`).
   * @default - `${workspacePrefix}${stackName}` for every stack
   */
  readonly workspaceNames?: Readonly<Record<string, string>>;
  /**
   * Prefix of the default workspace names: `s3-bastion-backup-us-west-2`,
   * `s3-bastion-primary-us-east-1`. Deployments made before this default changed used
   * `s3-bastion-backup-` (workspaces `s3-bastion-backup-backup-<region>`): set that prefix to keep
   * them, or rename the workspaces (README, "Deploy").
   * @default 's3-bastion-'
   */
  readonly workspacePrefix?: string;
  /**
   * Terraform Cloud or Enterprise host name.
   * @default 'app.terraform.io'
   */
  readonly hostname?: string;
}

/**
 * Early warning: with delete-marker replication on, a mass delete or overwrite in production
 * becomes permanent in the backup once the recovery window has passed. These alarms fire inside
 * the window. Every account and region with buckets gets an SNS topic that the alarms notify.
 */
export interface AlertsConfig {
  /**
   * Email addresses subscribed to every alert topic (each address must confirm the subscription).
   * @default - none: subscribe on-call tooling to the topics after the first deploy
   */
  readonly emailAddresses?: readonly string[];
  /**
   * Delete markers created in one backup bucket within an hour that raise the alarm.
   * @default 100
   */
  readonly deleteMarkersPerHour?: number;
  /**
   * New object versions written to one backup bucket within an hour that raise the alarm. S3
   * events do not tell an overwrite from a new key, so this counts every new version: a mass
   * overwrite (ransomware re-encrypting objects) shows as a spike of it.
   * @default 1000
   */
  readonly newVersionsPerHour?: number;
  /**
   * Replication operations that failed, per source bucket within 15 minutes, that raise the alarm.
   * @default 1
   */
  readonly failedReplicationsPer15Minutes?: number;
  /**
   * For buckets with `replicationTimeControl`: the replication latency (the rule's
   * `ReplicationLatency` maximum) above which the alarm fires. 15 is the RTC SLA.
   * @default 15
   */
  readonly replicationLatencyMinutes?: number;
  /**
   * Delete markers in one backup bucket within 24 hours that raise the alarm: a slow drip that
   * stays under the hourly threshold adds up here.
   * @default - 4 x deleteMarkersPerHour
   */
  readonly deleteMarkersPerDay?: number;
  /**
   * Delete markers in one backup bucket within seven days (or the recovery window, when shorter;
   * CloudWatch evaluates an alarm over seven days at most) that raise the alarm.
   * @default - 2 x deleteMarkersPerDay
   */
  readonly deleteMarkersPerWeek?: number;
  /**
   * New versions in one backup bucket within 24 hours that raise the alarm.
   * @default - 4 x newVersionsPerHour
   */
  readonly newVersionsPerDay?: number;
  /**
   * New versions in one backup bucket within seven days (or the recovery window, when shorter)
   * that raise the alarm.
   * @default - 2 x newVersionsPerDay
   */
  readonly newVersionsPerWeek?: number;
  /**
   * Versions that the lifecycle rule removes for good from one backup bucket within 24 hours
   * that raise the alarm: the last copies of deleted or overwritten data are disappearing.
   * @default - newVersionsPerDay + deleteMarkersPerDay
   */
  readonly lifecycleDeletionsPerDay?: number;
  /**
   * The heartbeat of each source bucket: a canary written on a schedule in the primary account,
   * and an alarm in the backup account when its replica stops arriving.
   * @default - on, with the HeartbeatConfig defaults
   */
  readonly heartbeat?: HeartbeatConfig;
}

/**
 * A canary object that EventBridge Scheduler writes into every source bucket on a schedule (no
 * server to run). Its replica arriving in the backup bucket is the backup account's own proof
 * that replication still runs: the alarm lives there, out of a primary admin's reach.
 */
export interface HeartbeatConfig {
  /**
   * Whether the canary writer and the heartbeat alarms are deployed.
   * @default true
   */
  readonly enabled?: boolean;
  /**
   * Minutes between two canary writes (1 to 1440).
   * @default 60
   */
  readonly intervalMinutes?: number;
  /**
   * Minutes without a new canary replica after which the alarm fires: at least twice the
   * interval (replication takes minutes, sometimes more), at most 7 days.
   * @default - 3 x intervalMinutes (three missed beats)
   */
  readonly alarmAfterMinutes?: number;
  /**
   * Key of the canary object in every source bucket (and so in its backup bucket). It is
   * overwritten on every beat: choose a key that nothing else writes.
   * @default 's3-bastion-heartbeat/canary'
   */
  readonly key?: string;
}

/** A complete deployment: two accounts, the buckets to protect, and who may run the tools. */
/**
 * S3 Inventory: a daily report of every source bucket (current versions) and every backup bucket
 * (all versions), for `npm run verify -- --inventory` and version choice at scale, instead of
 * listing hundreds of millions of keys. Each account gets an inventory bucket per region (S3
 * delivers a report only to a bucket in the inventoried bucket's region).
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/configure-inventory.html
 */
export interface InventoryConfig {
  /**
   * Deliver the daily reports. S3 charges per million objects listed (see docs/scale.md).
   * @default false
   */
  readonly enabled?: boolean;
  /**
   * Prefix of the inventory bucket names: each account and region gets
   * `<prefix>-<accountId>-<region>`.
   * @default 's3-bastion-inventory'
   */
  readonly bucketNamePrefix?: string;
  /**
   * File format of the reports. CSV reports can also serve as an S3 Batch Operations manifest;
   * Parquet reports are smaller.
   * @default 'CSV'
   */
  readonly format?: 'CSV' | 'Parquet';
  /**
   * Days a delivered report is kept before the lifecycle rule removes it.
   * @default 14
   */
  readonly reportRetentionDays?: number;
}

export interface BastionConfig {
  /**
   * The AWS partition of both accounts.
   * @default 'aws'
   */
  readonly partition?: AwsPartition;
  /** The production account that holds the source buckets and the replication roles. */
  readonly primary: AccountConfig;
  /** The separate, locked-down account that holds the backup buckets. */
  readonly backup: AccountConfig;
  /** The production buckets to protect, at least one. */
  readonly sourceBuckets: readonly SourceBucketConfig[];
  /**
   * Default encryption of the backup buckets. `SSE-KMS` encrypts every object that S3 encrypts by
   * the bucket's default with the backup account's own KMS key of the bucket's region (the replica
   * key, with S3 Bucket Keys on), which only the backup account administers: reading such an
   * object then takes that key as well as a bucket grant. That covers the backfill's copies;
   * replicas of SSE-KMS sources carry the key either way; replicas of SSE-S3 sources keep SSE-S3,
   * because S3 replication keeps a replica's encryption type and does not apply the destination's
   * default to it (see docs/backup-integrity.md, "SSE-KMS backups").
   * https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-config-for-kms-objects.html
   * https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucket-key.html
   * @default 'SSE-S3'
   */
  readonly backupEncryption?: 'SSE-S3' | 'SSE-KMS';
  /**
   * Object Lock on every backup bucket.
   * @default - no Object Lock; the recovery window rests on versioning and the bucket policy
   */
  readonly objectLock?: ObjectLockConfig;
  /**
   * IAM principal ARNs (roles or users) that may assume the backfill role. Name people or CI
   * roles, never an account root: the trust policy is the only gate in front of the role.
   */
  readonly backfillPrincipalArns: readonly string[];
  /**
   * IAM principal ARNs of the backup account that may assume the break-glass restore role.
   * @default - none: the role exists but nobody can assume it until this is set
   */
  readonly restorePrincipalArns?: readonly string[];
  /**
   * Buckets the restore role may write restored objects into (never a backup bucket).
   * @default - none: the restore role can only read the backup
   */
  readonly restoreTargetBucketNames?: readonly string[];
  /**
   * ARN of the replica key that the backup stack creates in each backup region, by region, from
   * the backup stack's `replica-key-arn` output after its first apply. With it, the replication
   * rule and the roles name the key itself; without it they name its alias, and KMS applies an
   * authorization through an alias only minutes after it changes.
   * https://docs.aws.amazon.com/kms/latest/developerguide/alias-authorization.html
   * @default - the alias `alias/s3-bastion-replica` of each backup region
   */
  readonly replicaKmsKeyArns?: Readonly<Record<string, string>>;
  /**
   * Primary-account bucket that holds S3 Batch Replication manifests and completion reports,
   * under `batchReplicationReportPrefix`.
   * @default - each source bucket holds its own, under the prefix
   */
  readonly batchReplicationReportBucket?: string;
  /**
   * Key prefix of Batch Replication manifests and reports.
   * @default 's3-bastion-batch-replication/'
   */
  readonly batchReplicationReportPrefix?: string;
  /** @default - see RoleNamesConfig */
  readonly roleNames?: RoleNamesConfig;
  /**
   * Alarm thresholds and who hears of them.
   * @default - the AlertsConfig defaults, with no email subscriber
   */
  readonly alerts?: AlertsConfig;
  /**
   * Tags added to every resource that supports them.
   * @default { Project: 's3-bastion-backup', ManagedBy: 'cdktf' }
   */
  readonly defaultTags?: Readonly<Record<string, string>>;
  /**
   * S3 Inventory of the source and backup buckets.
   * @default - no inventory: verify and restore list the buckets
   */
  readonly inventory?: InventoryConfig;
  /**
   * Terraform Cloud backend.
   * @default - a local backend with a state file per stack in the working directory
   */
  readonly terraformCloud?: TerraformCloudConfig;
}
