import { ActorId } from './actors';

/**
 * What each actor may do, written as data from the threat model (docs/DESIGN.md), not
 * derived from the policies: the proof compares the evaluator's answers with these lists, and any
 * Allowed that is not listed, or any listed request that is not Allowed, fails it. Keys are
 * `<bucket|object> <action> [<request shape>]` (see variants.ts). Over TLS only: without TLS every
 * actor is denied everything.
 */

const REPLICATION_ENVELOPE = [
  'bucket s3:GetBucketVersioning',
  'bucket s3:ListBucket',
  'object s3:ObjectOwnerOverrideToBucketOwner',
  'object s3:ReplicateDelete',
  'object s3:ReplicateObject',
  'object s3:ReplicateObjectAnnotation',
  'object s3:ReplicateTags',
];

const BACKFILL_ENVELOPE = [
  'bucket s3:ListBucket',
  'object s3:PutObject [if-none-match]',
  'object s3:PutObject [if-none-match+bucket-owner-full-control]',
  'object s3:PutObject [multipart-step]',
];

/** On each backup bucket and its objects. */
export const EXPECTED_BACKUP_ACCESS: Readonly<Record<ActorId, readonly string[]>> = {
  'primary-admin': [],
  'replication-role': REPLICATION_ENVELOPE,
  // The residual risk: a primary admin can rewrite the role, and still gets only this.
  'replication-role-taken-over': REPLICATION_ENVELOPE,
  'backfill-role': BACKFILL_ENVELOPE,
  'backfill-role-taken-over': BACKFILL_ENVELOPE,
  'batch-replication-role': [],
  'restore-role': [
    'bucket s3:GetBucketLocation',
    'bucket s3:GetBucketVersioning',
    'bucket s3:ListBucket',
    'bucket s3:ListBucketVersions',
    'object s3:GetObject',
    'object s3:GetObjectTagging',
    'object s3:GetObjectVersion',
    'object s3:GetObjectVersionTagging',
  ],
  'backup-principal-without-grants': [],
  anonymous: [],
  'other-account': [],
};

/** Roles on the source buckets and their objects (identity policies, same account). */
export const EXPECTED_SOURCE_ACCESS: Readonly<Partial<Record<ActorId, readonly string[]>>> = {
  'replication-role': [
    'bucket s3:GetReplicationConfiguration',
    'bucket s3:ListBucket',
    'object s3:GetObjectVersionAcl',
    'object s3:GetObjectVersionAnnotationForReplication',
    'object s3:GetObjectVersionForReplication',
    'object s3:GetObjectVersionTagging',
  ],
  'backfill-role': [
    'bucket s3:GetBucketLocation',
    'bucket s3:ListBucket',
    'object s3:GetObject',
    'object s3:GetObjectTagging',
  ],
  'batch-replication-role': [
    'bucket s3:GetReplicationConfiguration',
    'bucket s3:PutInventoryConfiguration',
    'object s3:InitiateReplication',
  ],
};
