import { BastionConfig } from '../config';
import {
  KMS_DECRYPT_ACTIONS,
  KMS_ENCRYPT_ACTIONS,
  REPLICATION_DESTINATION_BUCKET_ACTIONS,
  REPLICATION_DESTINATION_OBJECT_ACTIONS,
  REPLICATION_SOURCE_BUCKET_ACTIONS,
  REPLICATION_SOURCE_OBJECT_ACTIONS,
} from './actions';
import { REPLICA_KEY_ALIAS, backupRegionOf, bucketArn, objectsArn, partitionOf } from './arns';
import { onBehalfOf } from './conditions';
import { PolicyDocument, Statement, policyDocument } from './document';

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
  if (kmsSources.length > 0) {
    statements.push(
      {
        Sid: 'DecryptSourceObjectsThroughS3',
        Effect: 'Allow',
        Action: [...KMS_DECRYPT_ACTIONS],
        Resource: [...new Set(kmsSources.map((b) => b.sourceKmsKeyArn as string))],
        Condition: {
          StringLike: {
            'kms:ViaService': [...new Set(kmsSources.map((b) => `s3.${b.region}.amazonaws.com`))],
            'kms:EncryptionContext:aws:s3:arn': kmsSources.map((b) => objectsArn(config, b.name)),
          },
        },
      },
      {
        // The replica key's id is random; its alias is not, so the grant names the alias.
        Sid: 'EncryptReplicasWithBackupAccountKey',
        Effect: 'Allow',
        Action: [...KMS_ENCRYPT_ACTIONS],
        Resource: [
          ...new Set(
            kmsSources.map(
              (b) =>
                `arn:${partitionOf(config)}:kms:${backupRegionOf(b)}:${config.backup.accountId}:key/*`,
            ),
          ),
        ],
        Condition: {
          'ForAnyValue:StringEquals': { 'kms:ResourceAliases': [REPLICA_KEY_ALIAS] },
          StringLike: {
            'kms:ViaService': [
              ...new Set(kmsSources.map((b) => `s3.${backupRegionOf(b)}.amazonaws.com`)),
            ],
          },
        },
      },
    );
  }
  return policyDocument(
    { name: 'replication-role-policy', kind: 'identity', partition: partitionOf(config) },
    statements,
  );
}
