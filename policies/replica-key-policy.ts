import { BastionConfig, backupEncryptionOf } from '../config';
import { KMS_ENCRYPT_ACTIONS, KMS_MULTIPART_COMPLETE_ACTIONS } from './actions';
import {
  RoleKey,
  accountRootArn,
  backupRegionOf,
  partitionOf,
  roleArn,
  s3EncryptionContexts,
} from './arns';
import { principalIs } from './conditions';
import { ConditionBlock, PolicyDocument, Statement, policyDocument } from './document';

/**
 * Key policy of the backup account's replica key: the backup account administers it (and its own
 * restore roles read backups with it through their IAM policies); the primary account's
 * replication role may only encrypt with it, through S3, never decrypt. With
 * `backupEncryption: 'SSE-KMS'` it is also the backup buckets' default key, and the backfill role
 * may use it through S3 for the copies it creates: no primary principal administers, disables,
 * deletes, re-grants or reads with it.
 * https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-modifying-external-accounts.html
 */
export function replicaKeyPolicy(config: BastionConfig, region: string): PolicyDocument {
  const viaS3 = { 'kms:ViaService': `s3.${region}.amazonaws.com` };
  /** A primary-account role may use the key for `actions`, through S3 in its region only. */
  const primaryRoleThroughS3 = (
    Sid: string,
    role: RoleKey,
    actions: readonly string[],
    condition: ConditionBlock = {},
  ): Statement => ({
    Sid,
    Effect: 'Allow',
    Principal: { AWS: accountRootArn(config, config.primary.accountId) },
    Action: [...actions],
    Resource: ['*'],
    Condition: { ...principalIs(roleArn(config, role)), StringEquals: viaS3, ...condition },
  });
  // S3 re-encrypts only replicas of SSE-KMS sources with the key the replication rule names;
  // a replica of an SSE-S3 source keeps SSE-S3 whatever the destination's default encryption
  // ("How default bucket encryption affects replication"), so without an SSE-KMS source
  // replicating into this region the replication role gets no use of the key at all.
  // https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-config-for-kms-objects.html
  const replication: Statement[] = config.sourceBuckets.some(
    (b) => b.sourceKmsKeyArn !== undefined && backupRegionOf(b) === region,
  )
    ? [
        primaryRoleThroughS3(
          'AllowReplicationRoleToEncryptReplicas',
          'replication',
          KMS_ENCRYPT_ACTIONS,
        ),
      ]
    : [];
  const backfill: Statement[] =
    backupEncryptionOf(config) === 'SSE-KMS'
      ? [
          primaryRoleThroughS3(
            'AllowBackfillRoleToEncryptBackupObjects',
            'backfill',
            KMS_ENCRYPT_ACTIONS,
          ),
          // Completing a multipart copy decrypts the parts' data keys; the bucket policy denies
          // the role every read of a backup object, so this serves nothing else.
          // https://docs.aws.amazon.com/AmazonS3/latest/userguide/mpuoverview.html#mpuAndPermissions
          primaryRoleThroughS3(
            'AllowBackfillRoleToCompleteMultipartCopies',
            'backfill',
            KMS_MULTIPART_COMPLETE_ACTIONS,
            {
              StringLike: {
                'kms:EncryptionContext:aws:s3:arn': config.sourceBuckets
                  .filter((b) => backupRegionOf(b) === region)
                  .flatMap((b) => s3EncryptionContexts(config, b.backupBucketName)),
              },
            },
          ),
        ]
      : [];
  return policyDocument(
    { name: `replica-key-policy:${region}`, kind: 'resource', partition: partitionOf(config) },
    [
      {
        // Without this statement the key becomes unmanageable (KMS requires it at creation).
        Sid: 'AllowBackupAccountToAdministerKey',
        Effect: 'Allow',
        Principal: { AWS: accountRootArn(config, config.backup.accountId) },
        Action: ['kms:*'],
        Resource: ['*'],
        Condition: {
          ArnLike: {
            'aws:PrincipalArn': `arn:${partitionOf(config)}:iam::${config.backup.accountId}:*`,
          },
        },
      },
      ...replication,
      ...backfill,
    ],
  );
}
