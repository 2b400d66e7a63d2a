import { BastionConfig } from '../config';
import {
  REPLICATION_DESTINATION_BUCKET_ACTIONS,
  REPLICATION_DESTINATION_OBJECT_ACTIONS,
  REPLICATION_SOURCE_BUCKET_ACTIONS,
  REPLICATION_SOURCE_OBJECT_ACTIONS,
} from './actions';
import { backupRegionOf, bucketArn, objectsArn, partitionOf } from './arns';
import { onBehalfOf } from './conditions';
import { PolicyDocument, Statement, policyDocument } from './document';
import { decryptThroughS3, encryptWithBackupKeys } from './kms-grants';

/** Only S3 itself may assume the replication role, and only for the source buckets. */
export function replicationRoleTrustPolicy(config: BastionConfig): PolicyDocument {
  return policyDocument(
    { name: 'replication-role-trust', kind: 'trust', partition: partitionOf(config) },
    [
      {
        Sid: 'AllowS3ReplicationOfSourceBuckets',
        Effect: 'Allow',
        Principal: { Service: 's3.amazonaws.com' },
        Action: ['sts:AssumeRole'],
        Condition: onBehalfOf(
          config.primary.accountId,
          config.sourceBuckets.map((b) => bucketArn(config, b.name)),
        ),
      },
    ],
  );
}

/** What S3 replication needs, and nothing a primary admin could use to harm the backup. */
export function replicationRolePolicy(config: BastionConfig): PolicyDocument {
  const sources = config.sourceBuckets;
  const statements: Statement[] = [
    {
      Sid: 'ReadSourceReplicationConfiguration',
      Effect: 'Allow',
      Action: [...REPLICATION_SOURCE_BUCKET_ACTIONS],
      Resource: sources.map((b) => bucketArn(config, b.name)),
    },
    {
      Sid: 'ReadSourceObjectVersionsForReplication',
      Effect: 'Allow',
      Action: [...REPLICATION_SOURCE_OBJECT_ACTIONS],
      Resource: sources.map((b) => objectsArn(config, b.name)),
    },
    {
      Sid: 'ReplicateIntoBackupBuckets',
      Effect: 'Allow',
      Action: [...REPLICATION_DESTINATION_OBJECT_ACTIONS],
      Resource: sources.map((b) => objectsArn(config, b.backupBucketName)),
    },
    {
      Sid: 'ReadBackupBucketVersioning',
      Effect: 'Allow',
      Action: [...REPLICATION_DESTINATION_BUCKET_ACTIONS],
      Resource: sources.map((b) => bucketArn(config, b.backupBucketName)),
    },
  ];
  const kmsSources = sources.filter((b) => b.sourceKmsKeyArn !== undefined);
  // Replicas of SSE-KMS sources are re-encrypted with the replica key (the rule names it). A
  // replica of an SSE-S3 source keeps SSE-S3, even in a bucket whose default is the backup key
  // (SSE-KMS backups): AWS does not apply the destination's default encryption to it, so the
  // role needs the key only for SSE-KMS sources.
  // https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-config-for-kms-objects.html
  if (kmsSources.length > 0) {
    statements.push(
      decryptThroughS3(
        config,
        'DecryptSourceObjectsThroughS3',
        kmsSources.map((b) => b.sourceKmsKeyArn as string),
        kmsSources.map((b) => ({ bucketName: b.name, region: b.region })),
      ),
      encryptWithBackupKeys(
        config,
        'EncryptReplicasWithBackupAccountKey',
        kmsSources.map(backupRegionOf),
      ),
    );
  }
  return policyDocument(
    { name: 'replication-role-policy', kind: 'identity', partition: partitionOf(config) },
    statements,
  );
}
