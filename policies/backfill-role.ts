import { BastionConfig, backupEncryptionOf } from '../config';
import {
  BACKFILL_DESTINATION_BUCKET_ACTIONS,
  BACKFILL_DESTINATION_OBJECT_ACTIONS,
  BACKFILL_SOURCE_BUCKET_ACTIONS,
  BACKFILL_SOURCE_OBJECT_ACTIONS,
  KMS_MULTIPART_COMPLETE_ACTIONS,
  S3_WRITE_ACTION_PATTERNS,
} from './actions';
import { accountRootArn, backupRegionOf, bucketArn, objectsArn, partitionOf } from './arns';
import { principalIs } from './conditions';
import { PolicyDocument, Statement, policyDocument } from './document';
import { decryptThroughS3, encryptWithBackupKeys, replicaKeys } from './kms-grants';

/**
 * Only the principals named in config may assume the backfill role. The trust names their
 * accounts and matches the principals with aws:PrincipalArn: IAM refuses a trust policy naming a
 * role that does not exist (yet), and a principal deleted and re-created would silently lose the
 * trust, which is bound to the unique id of the principal it named.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html
 */
export function backfillRoleTrustPolicy(config: BastionConfig): PolicyDocument {
  const accounts = [...new Set(config.backfillPrincipalArns.map((arn) => arn.split(':')[4]))];
  return policyDocument(
    { name: 'backfill-role-trust', kind: 'trust', partition: partitionOf(config) },
    [
      {
        Sid: 'AllowConfiguredOperatorsToAssume',
        Effect: 'Allow',
        Principal: { AWS: accounts.map((account) => accountRootArn(config, account)) },
        Action: ['sts:AssumeRole'],
        Condition: principalIs(...config.backfillPrincipalArns),
      },
    ],
  );
}

/**
 * With SSE-KMS backups, S3 encrypts each copy with the backup bucket's default key, the backup
 * account's key of its region, with the caller's permissions: GenerateDataKey for every copy, and
 * Decrypt to complete a multipart copy (above the single-copy limit). Both through S3 only, and
 * Decrypt only for the backup buckets' objects (their encryption context); the bucket policy
 * denies the role every read of them, so Decrypt serves nothing else.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/mpuoverview.html#mpuAndPermissions
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_CopyObject.html
 */
function backupKeyStatements(config: BastionConfig): Statement[] {
  if (backupEncryptionOf(config) !== 'SSE-KMS') return [];
  const regions = config.sourceBuckets.map(backupRegionOf);
  const keys = replicaKeys(config, regions);
  return [
    encryptWithBackupKeys(config, 'EncryptBackupObjectsWithBackupAccountKey', regions),
    {
      ...decryptThroughS3(
        config,
        'DecryptBackupKeyToCompleteMultipartCopies',
        keys.resources,
        config.sourceBuckets.map((b) => ({
          bucketName: b.backupBucketName,
          region: backupRegionOf(b),
        })),
        keys.condition,
      ),
      Action: [...KMS_MULTIPART_COMPLETE_ACTIONS],
    },
  ];
}

/**
 * Read the sources, list and append to the backups. The backup bucket policy is what narrows
 * PutObject to objects that do not exist yet; this side grants nothing on the source but reads.
 */
export function backfillRolePolicy(config: BastionConfig): PolicyDocument {
  const sources = config.sourceBuckets;
  const kmsSources = sources.filter((b) => b.sourceKmsKeyArn !== undefined);
  return policyDocument(
    { name: 'backfill-role-policy', kind: 'identity', partition: partitionOf(config) },
    [
      {
        Sid: 'ListSourceBuckets',
        Effect: 'Allow',
        Action: [...BACKFILL_SOURCE_BUCKET_ACTIONS],
        Resource: sources.map((b) => bucketArn(config, b.name)),
      },
      {
        Sid: 'ReadSourceObjects',
        Effect: 'Allow',
        Action: [...BACKFILL_SOURCE_OBJECT_ACTIONS],
        Resource: sources.map((b) => objectsArn(config, b.name)),
      },
      // CopyObject reads an SSE-KMS source with the caller's permissions: S3 decrypts it with
      // kms:Decrypt on the source key. The copy gets the backup buckets' default encryption.
      // https://docs.aws.amazon.com/AmazonS3/latest/API/API_CopyObject.html
      ...(kmsSources.length > 0
        ? [
            decryptThroughS3(
              config,
              'DecryptSourceObjectsThroughS3',
              kmsSources.map((b) => b.sourceKmsKeyArn as string),
              kmsSources.map((b) => ({ bucketName: b.name, region: b.region })),
            ),
          ]
        : []),
      {
        Sid: 'ListBackupBuckets',
        Effect: 'Allow',
        Action: [...BACKFILL_DESTINATION_BUCKET_ACTIONS],
        Resource: sources.map((b) => bucketArn(config, b.backupBucketName)),
      },
      {
        Sid: 'CreateAbsentBackupObjects',
        Effect: 'Allow',
        Action: [...BACKFILL_DESTINATION_OBJECT_ACTIONS],
        Resource: sources.map((b) => objectsArn(config, b.backupBucketName)),
      },
      ...backupKeyStatements(config),
      {
        // Never write to a production bucket, whatever another policy grants the role later.
        Sid: 'DenyWritesToSourceBuckets',
        Effect: 'Deny',
        Action: [...S3_WRITE_ACTION_PATTERNS],
        Resource: sources.flatMap((b) => [bucketArn(config, b.name), objectsArn(config, b.name)]),
      },
    ],
  );
}
