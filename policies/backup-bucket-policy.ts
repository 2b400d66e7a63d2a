import { BastionConfig, SourceBucketConfig } from '../config';
import {
  BACKFILL_DESTINATION_BUCKET_ACTIONS,
  BACKFILL_DESTINATION_OBJECT_ACTIONS,
  DESTRUCTIVE_S3_ACTIONS,
  OBJECT_READ_ACTIONS,
  REPLICATION_DESTINATION_BUCKET_ACTIONS,
  REPLICATION_DESTINATION_OBJECT_ACTIONS,
} from './actions';
import { accountRootArn, bucketArn, objectsArn, partitionOf, roleArn } from './arns';
import { principalIs } from './conditions';
import { ConditionBlock, PolicyDocument, Statement, policyDocument } from './document';

/** The only canned ACL a writer may send: with ACLs disabled S3 accepts it or none. */
const BUCKET_OWNER_FULL_CONTROL = 'bucket-owner-full-control';

/**
 * The backup bucket's policy: one statement per guardrail, each Sid saying what it does, so that
 * the JSON reads like the threat model. Roles of the primary account are named through
 * aws:PrincipalArn on the account principal: S3 rejects a policy naming a role that does not
 * exist yet, and the backup stack deploys before the primary stack creates the roles.
 */
export function backupBucketPolicy(
  config: BastionConfig,
  bucket: SourceBucketConfig,
): PolicyDocument {
  const bucketResource = bucketArn(config, bucket.backupBucketName);
  const objects = objectsArn(config, bucket.backupBucketName);
  const primary = { AWS: accountRootArn(config, config.primary.accountId) };
  // A primary-account role named by aws:PrincipalArn (it may not exist yet when this applies).
  const allowPrimaryRole = (
    Sid: string,
    role: string,
    actions: readonly string[],
    resource: string,
    condition: ConditionBlock = {},
  ): Statement => ({
    Sid,
    Effect: 'Allow',
    Principal: primary,
    Action: [...actions],
    Resource: [resource],
    Condition: { ...principalIs(role), ...condition },
  });
  const replicationRole = roleArn(config, 'replication');
  const backfillRole = roleArn(config, 'backfill');
  const outsideBackupAccount = {
    StringNotEquals: { 'aws:PrincipalAccount': config.backup.accountId },
  };

  return policyDocument(
    {
      name: `backup-bucket-policy:${bucket.backupBucketName}`,
      kind: 'resource',
      partition: partitionOf(config),
    },
    [
      {
        Sid: 'DenyInsecureTransport',
        Effect: 'Deny',
        Principal: '*',
        Action: ['s3:*'],
        Resource: [bucketResource, objects],
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      },
      {
        Sid: 'DenyDestructiveActionsOutsideBackupAccount',
        Effect: 'Deny',
        Principal: '*',
        Action: [...DESTRUCTIVE_S3_ACTIONS],
        Resource: [bucketResource, objects],
        Condition: outsideBackupAccount,
      },
      {
        Sid: 'DenyObjectReadsOutsideBackupAccount',
        Effect: 'Deny',
        Principal: '*',
        Action: [...OBJECT_READ_ACTIONS],
        Resource: [objects],
        Condition: outsideBackupAccount,
      },
      {
        // Nobody outside the backup account writes objects except the backfill role; replication
        // writes through s3:ReplicateObject, which is a different action.
        Sid: 'DenyObjectWritesOutsideBackupAccountExceptBackfill',
        Effect: 'Deny',
        Principal: '*',
        Action: [...BACKFILL_DESTINATION_OBJECT_ACTIONS],
        Resource: [objects],
        Condition: { ...outsideBackupAccount, ArnNotEquals: { 'aws:PrincipalArn': backfillRole } },
      },
      {
        // The replication actions write versions and delete markers: only the replication role
        // may send them, even if a later statement granted them to another primary principal.
        Sid: 'DenyReplicationOutsideBackupAccountExceptReplicationRole',
        Effect: 'Deny',
        Principal: '*',
        Action: [...REPLICATION_DESTINATION_OBJECT_ACTIONS],
        Resource: [objects],
        Condition: {
          ...outsideBackupAccount,
          ArnNotEquals: { 'aws:PrincipalArn': replicationRole },
        },
      },
      {
        // Creating an object (PutObject, CopyObject, CompleteMultipartUpload) without
        // If-None-Match: * could overwrite; the multipart steps that create nothing are exempt.
        Sid: 'DenyBackfillOverwrites',
        Effect: 'Deny',
        Principal: '*',
        Action: ['s3:PutObject'],
        Resource: [objects],
        Condition: {
          ...principalIs(backfillRole),
          Null: { 's3:if-none-match': 'true' },
          Bool: { 's3:ObjectCreationOperation': 'true' },
        },
      },
      {
        Sid: 'DenyBackfillObjectAcls',
        Effect: 'Deny',
        Principal: '*',
        Action: ['s3:PutObject'],
        Resource: [objects],
        Condition: {
          ...principalIs(backfillRole),
          Null: { 's3:x-amz-acl': 'false' },
          StringNotEquals: { 's3:x-amz-acl': BUCKET_OWNER_FULL_CONTROL },
        },
      },
      allowPrimaryRole(
        'AllowReplicationRoleReadBucketVersioning',
        replicationRole,
        REPLICATION_DESTINATION_BUCKET_ACTIONS,
        bucketResource,
      ),
      allowPrimaryRole(
        'AllowReplicationRoleReplicateObjects',
        replicationRole,
        REPLICATION_DESTINATION_OBJECT_ACTIONS,
        objects,
      ),
      allowPrimaryRole(
        'AllowBackfillRoleListBucket',
        backfillRole,
        BACKFILL_DESTINATION_BUCKET_ACTIONS,
        bucketResource,
      ),
      allowPrimaryRole(
        'AllowBackfillRoleCreateAbsentObjects',
        backfillRole,
        BACKFILL_DESTINATION_OBJECT_ACTIONS,
        objects,
        {
          StringEquals: { 's3:if-none-match': '*' },
          StringEqualsIfExists: { 's3:x-amz-acl': BUCKET_OWNER_FULL_CONTROL },
        },
      ),
      // CreateMultipartUpload, UploadPart and UploadPartCopy cannot carry If-None-Match; the
      // object only appears at CompleteMultipartUpload, which the statement above governs.
      allowPrimaryRole(
        'AllowBackfillRoleMultipartParts',
        backfillRole,
        BACKFILL_DESTINATION_OBJECT_ACTIONS,
        objects,
        {
          Bool: { 's3:ObjectCreationOperation': 'false' },
          StringEqualsIfExists: { 's3:x-amz-acl': BUCKET_OWNER_FULL_CONTROL },
        },
      ),
    ],
  );
}
