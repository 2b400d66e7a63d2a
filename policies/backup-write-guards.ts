import { BastionConfig, RESTORE_READABLE_STORAGE_CLASSES, SourceBucketConfig } from '../config';
import { backupRegionOf, objectsArn, partitionOf } from './arns';
import { ConditionBlock, Statement } from './document';

/**
 * What replication and backfill may write into a backup bucket: only objects that the backup
 * account can read back at once and delete when their time comes. Each guardrail is its own Deny
 * with a fixed Sid, and each condition key is one that the Service Authorization Reference lists
 * for an action of its statement (S3 refuses the policy otherwise):
 * https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazons3.html
 * (s3:PutObject: the encryption, Object Lock and storage-class keys; s3:ReplicateObject: the
 * three encryption keys only.) What each layer covers, and what no bucket policy can, is in
 * docs/backup-integrity.md.
 */

/** The write actions of principals outside the backup account: backfill and replication. */
export const BACKUP_WRITE_ACTIONS = ['s3:PutObject', 's3:ReplicateObject'] as const;

/**
 * SSE-KMS keys a writer may name: keys (and aliases) of the backup account in the backup
 * bucket's region. The replica key's id is random and only known after apply, and every policy is
 * built from literal ARNs (no Terraform tokens), so the account and region are pinned, not the
 * key id: only backup-account administrators can create a key there.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html#require-sse-kms
 */
export function backupKmsKeyPatterns(config: BastionConfig, region: string): string[] {
  const prefix = `arn:${partitionOf(config)}:kms:${region}:${config.backup.accountId}`;
  return [`${prefix}:key/*`, `${prefix}:alias/*`];
}

/**
 * The retention cap in days for replicas written into an Object Lock backup bucket: the
 * configured `objectLock.maxReplicaRetentionDays`, else the bucket's own default retention.
 */
export function replicaRetentionCapDays(config: BastionConfig): number | undefined {
  const lock = config.objectLock;
  return lock === undefined ? undefined : (lock.maxReplicaRetentionDays ?? lock.days);
}

/** The write guardrails of one backup bucket, in the order the bucket policy lists them. */
export function backupWriteGuards(config: BastionConfig, bucket: SourceBucketConfig): Statement[] {
  const objects = objectsArn(config, bucket.backupBucketName);
  const outsideBackupAccount: ConditionBlock = {
    StringNotEquals: { 'aws:PrincipalAccount': config.backup.accountId },
  };
  const deny = (Sid: string, actions: readonly string[], condition: ConditionBlock): Statement => ({
    Sid,
    Effect: 'Deny',
    Principal: '*',
    Action: [...actions],
    Resource: [objects],
    Condition: condition,
  });
  const sseKey = 's3:x-amz-server-side-encryption';
  const kmsKeyId = 's3:x-amz-server-side-encryption-aws-kms-key-id';
  const statements: Statement[] = [
    // SSE-C: the key travels with each request and S3 keeps none, so the backup account could
    // never read the replica. https://docs.aws.amazon.com/AmazonS3/latest/userguide/ServerSideEncryptionCustomerKeys.html
    deny('DenySseCWritesOutsideBackupAccount', BACKUP_WRITE_ACTIONS, {
      ...outsideBackupAccount,
      Null: { 's3:x-amz-server-side-encryption-customer-algorithm': 'false' },
    }),
    // A KMS key of another account (the replication rule's replica key, or a backfill header)
    // leaves ciphertext that the backup account cannot decrypt once that key is gone.
    deny('DenyForeignKmsKeyWritesOutsideBackupAccount', BACKUP_WRITE_ACTIONS, {
      ...outsideBackupAccount,
      Null: { [kmsKeyId]: 'false' },
      StringNotLike: { [kmsKeyId]: backupKmsKeyPatterns(config, backupRegionOf(bucket)) },
    }),
    // SSE-KMS without a key id would use an AWS managed key that S3 picks, not one the backup
    // account names; neither writer needs it (backfill sends no header, replication names the
    // replica key).
    deny('DenyKmsWritesWithoutKeyIdOutsideBackupAccount', BACKUP_WRITE_ACTIONS, {
      ...outsideBackupAccount,
      StringLike: { [sseKey]: 'aws:kms*' },
      Null: { [kmsKeyId]: 'true' },
    }),
    // Object Lock headers on a write: a COMPLIANCE retention nobody can shorten, or a legal hold
    // placed by the primary side. The bucket's default retention still applies to every version.
    // https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lock-managing.html
    deny('DenyObjectLockModeWritesOutsideBackupAccount', ['s3:PutObject'], {
      ...outsideBackupAccount,
      Null: { 's3:object-lock-mode': 'false' },
    }),
    deny('DenyObjectLockRetainUntilWritesOutsideBackupAccount', ['s3:PutObject'], {
      ...outsideBackupAccount,
      Null: { 's3:object-lock-retain-until-date': 'false' },
    }),
    deny('DenyObjectLegalHoldWritesOutsideBackupAccount', ['s3:PutObject'], {
      ...outsideBackupAccount,
      Null: { 's3:object-lock-legal-hold': 'false' },
    }),
    // An archive class needs RestoreObject and hours before a restore can read the object, and
    // bills a minimum duration beyond the lifecycle's expiry.
    // https://docs.aws.amazon.com/AmazonS3/latest/userguide/restoring-objects.html
    deny('DenyArchiveStorageClassWritesOutsideBackupAccount', ['s3:PutObject'], {
      ...outsideBackupAccount,
      Null: { 's3:x-amz-storage-class': 'false' },
      StringNotEquals: { 's3:x-amz-storage-class': [...RESTORE_READABLE_STORAGE_CLASSES] },
    }),
  ];
  const cap = replicaRetentionCapDays(config);
  if (cap !== undefined) {
    // AWS documents a bucket's maximum retention with s3:object-lock-remaining-retention-days on
    // s3:PutObjectRetention, and says to include s3:ReplicateObject for replicas
    // (https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lock-managing.html#object-lock-managing-retention-limits).
    // The Service Authorization Reference lists the key for PutObjectRetention only, so S3
    // accepts the statement through that action; for ReplicateObject only a live account shows
    // it (docs/backup-integrity.md).
    statements.push(
      deny('DenyRetentionBeyondCap', ['s3:ReplicateObject', 's3:PutObjectRetention'], {
        NumericGreaterThan: { 's3:object-lock-remaining-retention-days': String(cap) },
      }),
    );
  }
  return statements;
}

/** What each write guardrail prevents, for the security review's table. */
export const WRITE_GUARD_PURPOSE: Readonly<Record<string, string>> = {
  DenySseCWritesOutsideBackupAccount:
    'outside the backup account: a write (backfill or replication) encrypted with a customer-provided key (SSE-C), which the backup account could never read',
  DenyForeignKmsKeyWritesOutsideBackupAccount:
    "outside the backup account: a write encrypted with a KMS key that is not the backup account's in the bucket's region",
  DenyKmsWritesWithoutKeyIdOutsideBackupAccount:
    'outside the backup account: an SSE-KMS write that names no key (S3 would pick an AWS managed key)',
  DenyObjectLockModeWritesOutsideBackupAccount:
    'outside the backup account: a write that sets an Object Lock mode (a retention nobody may shorten)',
  DenyObjectLockRetainUntilWritesOutsideBackupAccount:
    'outside the backup account: a write that sets an Object Lock retain-until date',
  DenyObjectLegalHoldWritesOutsideBackupAccount:
    'outside the backup account: a write that sets an Object Lock legal hold',
  DenyArchiveStorageClassWritesOutsideBackupAccount:
    'outside the backup account: a write in a storage class the restore cannot read without RestoreObject (GLACIER, DEEP_ARCHIVE)',
  DenyRetentionBeyondCap:
    "anyone: a replica or a retention change whose remaining Object Lock retention exceeds the cap (replication per AWS's user guide; not modelled by the evaluator)",
};
