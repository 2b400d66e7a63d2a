import { BastionConfig } from '../config';
import {
  BACKFILL_DESTINATION_BUCKET_ACTIONS,
  BACKFILL_DESTINATION_OBJECT_ACTIONS,
  BACKFILL_SOURCE_BUCKET_ACTIONS,
  BACKFILL_SOURCE_OBJECT_ACTIONS,
} from './actions';
import { bucketArn, objectsArn, partitionOf } from './arns';
import { PolicyDocument, policyDocument } from './document';

/** Only the principals named in config may assume the backfill role. */
export function backfillRoleTrustPolicy(config: BastionConfig): PolicyDocument {
  return policyDocument(
    { name: 'backfill-role-trust', kind: 'trust', partition: partitionOf(config) },
    [
      {
        Sid: 'AllowConfiguredOperatorsToAssume',
        Effect: 'Allow',
        Principal: { AWS: [...config.backfillPrincipalArns] },
        Action: ['sts:AssumeRole'],
      },
    ],
  );
}

/**
 * Read the sources, list and append to the backups. The backup bucket policy is what narrows
 * PutObject to objects that do not exist yet; this side grants nothing on the source but reads.
 */
export function backfillRolePolicy(config: BastionConfig): PolicyDocument {
  const sources = config.sourceBuckets;
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
      {
        // Never write to a production bucket, whatever another policy grants the role later.
        Sid: 'DenyWritesToSourceBuckets',
        Effect: 'Deny',
        Action: ['s3:Put*', 's3:Delete*', 's3:Replicate*', 's3:Restore*', 's3:Bypass*'],
        Resource: sources.flatMap((b) => [bucketArn(config, b.name), objectsArn(config, b.name)]),
      },
    ],
  );
}
