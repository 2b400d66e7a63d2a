import { BastionConfig, SourceBucketConfig } from '../config';
import {
  BACKFILL_DESTINATION_BUCKET_ACTIONS,
  BACKFILL_DESTINATION_OBJECT_ACTIONS,
  OUTSIDE_ACCOUNT_ALLOW_LIST,
  REPLICATION_DESTINATION_BUCKET_ACTIONS,
  REPLICATION_DESTINATION_OBJECT_ACTIONS,
} from './actions';
import { accountRootArn, bucketArn, objectsArn, partitionOf, roleArn } from './arns';
import { backupWriteGuards } from './backup-write-guards';
import { principalIs } from './conditions';
import { ConditionBlock, PolicyDocument, Statement, policyDocument } from './document';

/** The only canned ACL a writer may send: with ACLs disabled S3 accepts it or none. */
const BUCKET_OWNER_FULL_CONTROL = 'bucket-owner-full-control';

/** What the statements of one backup bucket's policy are built from. */
export interface BackupBucketPolicyContext {
  readonly config: BastionConfig;
  readonly bucket: SourceBucketConfig;
  /** The bucket's ARN, and the ARN of all its objects. */
  readonly bucketResource: string;
  readonly objects: string;
  readonly replicationRole: string;
  readonly backfillRole: string;
  /** Matches every principal outside the backup account (and an unsigned request). */
  readonly outsideBackupAccount: ConditionBlock;
}

/** A Deny to everyone outside the backup account but `roles`, for actions only they may send. */
function denyExcept(
  context: BackupBucketPolicyContext,
  Sid: string,
  actions: readonly string[],
  resource: string,
  roles: readonly string[],
): Statement {
  return {
    Sid,
    Effect: 'Deny',
    Principal: '*',
    Action: [...actions],
    Resource: [resource],
    Condition: {
      ...context.outsideBackupAccount,
      ArnNotEquals: { 'aws:PrincipalArn': [...roles] },
    },
  };
}

/** A Deny of the backfill role's object writes of a shape it must never send (`condition`). */
export function denyBackfillWritesWhen(
  context: BackupBucketPolicyContext,
  Sid: string,
  condition: ConditionBlock,
): Statement {
  return {
    Sid,
    Effect: 'Deny',
    Principal: '*',
    Action: [...BACKFILL_DESTINATION_OBJECT_ACTIONS],
    Resource: [context.objects],
    Condition: { ...principalIs(context.backfillRole), ...condition },
  };
}

/** An Allow to a primary-account role named by aws:PrincipalArn (it may not exist yet). */
function allowPrimaryRole(
  context: BackupBucketPolicyContext,
  Sid: string,
  role: string,
  actions: readonly string[],
  resource: string,
  condition: ConditionBlock = {},
): Statement {
  return {
    Sid,
    Effect: 'Allow',
    Principal: { AWS: accountRootArn(context.config, context.config.primary.accountId) },
    Action: [...actions],
    Resource: [resource],
    Condition: { ...principalIs(role), ...condition },
  };
}

/**
 * The guardrails, in the order the policy lists them: each its own statement with a Sid that says
 * what it denies. Add a guardrail as one more entry.
 */
const GUARDRAILS: readonly ((c: BackupBucketPolicyContext) => Statement)[] = [
  (c) => ({
    Sid: 'DenyInsecureTransport',
    Effect: 'Deny',
    Principal: '*',
    Action: ['s3:*'],
    Resource: [c.bucketResource, c.objects],
    Condition: { Bool: { 'aws:SecureTransport': 'false' } },
  }),
  // Deny by default: every action but the allow-list, including the ones AWS adds later, for
  // everyone outside the backup account.
  (c) => ({
    Sid: 'DenyEverythingOutsideBackupAccountExceptReplicationAndBackfill',
    Effect: 'Deny',
    Principal: '*',
    NotAction: [...OUTSIDE_ACCOUNT_ALLOW_LIST],
    Resource: [c.bucketResource, c.objects],
    Condition: c.outsideBackupAccount,
  }),
  // Each allow-listed action, kept to the role that needs it even if a later statement granted it
  // to another primary principal.
  (c) =>
    denyExcept(
      c,
      'DenyReplicationWritesExceptReplicationRole',
      REPLICATION_DESTINATION_OBJECT_ACTIONS,
      c.objects,
      [c.replicationRole],
    ),
  (c) =>
    denyExcept(
      c,
      'DenyVersioningReadExceptReplicationRole',
      REPLICATION_DESTINATION_BUCKET_ACTIONS.filter(
        (a) => !(BACKFILL_DESTINATION_BUCKET_ACTIONS as readonly string[]).includes(a),
      ),
      c.bucketResource,
      [c.replicationRole],
    ),
  (c) =>
    denyExcept(
      c,
      'DenyListingExceptReplicationAndBackfillRoles',
      BACKFILL_DESTINATION_BUCKET_ACTIONS,
      c.bucketResource,
      [c.replicationRole, c.backfillRole],
    ),
  // Replication writes through s3:ReplicateObject; only the backfill creates objects.
  (c) =>
    denyExcept(
      c,
      'DenyObjectWritesExceptBackfillRole',
      BACKFILL_DESTINATION_OBJECT_ACTIONS,
      c.objects,
      [c.backfillRole],
    ),
  // Creating an object (PutObject, CopyObject, CompleteMultipartUpload) without If-None-Match: *
  // could overwrite; the multipart steps that create nothing are exempt.
  // https://docs.aws.amazon.com/AmazonS3/latest/userguide/conditional-writes-enforce.html
  (c) =>
    denyBackfillWritesWhen(c, 'DenyBackfillOverwrites', {
      Null: { 's3:if-none-match': 'true' },
      Bool: { 's3:ObjectCreationOperation': 'true' },
    }),
  (c) =>
    denyBackfillWritesWhen(c, 'DenyBackfillObjectAcls', {
      Null: { 's3:x-amz-acl': 'false' },
      StringNotEquals: { 's3:x-amz-acl': BUCKET_OWNER_FULL_CONTROL },
    }),
];

/** The grants, each to one role: the Denies above bound what any of them can give. */
const GRANTS: readonly ((c: BackupBucketPolicyContext) => Statement)[] = [
  (c) =>
    allowPrimaryRole(
      c,
      'AllowReplicationRoleReadBucketVersioning',
      c.replicationRole,
      REPLICATION_DESTINATION_BUCKET_ACTIONS,
      c.bucketResource,
    ),
  (c) =>
    allowPrimaryRole(
      c,
      'AllowReplicationRoleReplicateObjects',
      c.replicationRole,
      REPLICATION_DESTINATION_OBJECT_ACTIONS,
      c.objects,
    ),
  (c) =>
    allowPrimaryRole(
      c,
      'AllowBackfillRoleListBucket',
      c.backfillRole,
      BACKFILL_DESTINATION_BUCKET_ACTIONS,
      c.bucketResource,
    ),
  (c) =>
    allowPrimaryRole(
      c,
      'AllowBackfillRoleCreateAbsentObjects',
      c.backfillRole,
      BACKFILL_DESTINATION_OBJECT_ACTIONS,
      c.objects,
      {
        StringEquals: { 's3:if-none-match': '*' },
        StringEqualsIfExists: { 's3:x-amz-acl': BUCKET_OWNER_FULL_CONTROL },
      },
    ),
  // CreateMultipartUpload, UploadPart and UploadPartCopy cannot carry If-None-Match; the object
  // only appears at CompleteMultipartUpload, which the statement above governs.
  (c) =>
    allowPrimaryRole(
      c,
      'AllowBackfillRoleMultipartParts',
      c.backfillRole,
      BACKFILL_DESTINATION_OBJECT_ACTIONS,
      c.objects,
      {
        Bool: { 's3:ObjectCreationOperation': 'false' },
        StringEqualsIfExists: { 's3:x-amz-acl': BUCKET_OWNER_FULL_CONTROL },
      },
    ),
];

/**
 * The backup bucket's policy, deny by default: outside the backup account only the replication
 * and backfill roles get anything, and only what they need. One statement per guardrail, each
 * Sid saying what it does, so that the JSON reads like the threat model. Roles of the primary
 * account are named through aws:PrincipalArn on the account principal: S3 rejects a policy naming
 * a role that does not exist yet, and the backup stack deploys before the primary stack creates
 * the roles.
 */
export function backupBucketPolicy(
  config: BastionConfig,
  bucket: SourceBucketConfig,
): PolicyDocument {
  const context: BackupBucketPolicyContext = {
    config,
    bucket,
    bucketResource: bucketArn(config, bucket.backupBucketName),
    objects: objectsArn(config, bucket.backupBucketName),
    replicationRole: roleArn(config, 'replication'),
    backfillRole: roleArn(config, 'backfill'),
    outsideBackupAccount: {
      StringNotEquals: { 'aws:PrincipalAccount': config.backup.accountId },
    },
  };
  return policyDocument(
    {
      name: `backup-bucket-policy:${bucket.backupBucketName}`,
      kind: 'resource',
      partition: partitionOf(config),
    },
    [
      ...GUARDRAILS.map((statement) => statement(context)),
      // What replication and backfill may write (SSE-C, KMS keys, Object Lock, storage class).
      ...backupWriteGuards(config, bucket),
      ...GRANTS.map((statement) => statement(context)),
    ],
  );
}
