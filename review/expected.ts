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
  'object s3:ReplicateObject [sse-kms-backup-key]',
  'object s3:ReplicateObject [sse-s3]',
  'object s3:ReplicateTags',
];

const BACKFILL_ENVELOPE = [
  'bucket s3:ListBucket',
  'object s3:PutObject [if-none-match]',
  'object s3:PutObject [if-none-match+bucket-owner-full-control]',
  'object s3:PutObject [if-none-match+glacier-ir]',
  'object s3:PutObject [if-none-match+sse-kms-backup-key]',
  'object s3:PutObject [if-none-match+sse-s3]',
  'object s3:PutObject [if-none-match+standard-ia]',
  'object s3:PutObject [multipart-step]',
];

/**
 * Write shapes that the role's Allow grants and only a write guardrail (a Deny: SSE-C, a foreign
 * or unnamed KMS key, Object Lock headers, an archive class) refuses. The allows-only layer may
 * grant them; the deployed and the denies-only layers must not, which proves each guardrail.
 */
const REPLICATION_SHAPES_DENIED_BY_GUARDS = [
  'object s3:ReplicateObject [sse-c]',
  'object s3:ReplicateObject [sse-kms-foreign-key]',
];
const BACKFILL_SHAPES_DENIED_BY_GUARDS = [
  'object s3:PutObject [if-none-match+deep-archive]',
  'object s3:PutObject [if-none-match+glacier]',
  'object s3:PutObject [if-none-match+legal-hold]',
  'object s3:PutObject [if-none-match+object-lock-mode]',
  'object s3:PutObject [if-none-match+object-lock-retain-until]',
  'object s3:PutObject [if-none-match+sse-c]',
  'object s3:PutObject [if-none-match+sse-kms-foreign-key]',
  'object s3:PutObject [if-none-match+sse-kms-no-key-id]',
  'object s3:PutObject [multipart-step+deep-archive]',
  'object s3:PutObject [multipart-step+sse-c]',
];
export const SHAPES_DENIED_ONLY_BY_WRITE_GUARDS: Readonly<
  Partial<Record<ActorId, readonly string[]>>
> = {
  'replication-role': REPLICATION_SHAPES_DENIED_BY_GUARDS,
  'replication-role-taken-over': REPLICATION_SHAPES_DENIED_BY_GUARDS,
  'backfill-role': BACKFILL_SHAPES_DENIED_BY_GUARDS,
  'backfill-role-taken-over': BACKFILL_SHAPES_DENIED_BY_GUARDS,
};

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
  // restore --engine batch: S3 Batch Operations copies chosen versions out, as this role.
  'batch-restore-role': [
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

/** S3 Inventory, delivering reports: as configured, for another account's bucket, without the ACL. */
export type InventoryActorId =
  | ActorId
  | 's3-inventory-delivery'
  | 's3-inventory-delivery-foreign-source'
  | 's3-inventory-delivery-without-owner-acl';

/**
 * On every inventory bucket: S3 delivers the reports of the account's own buckets only, with the
 * owner's ACL; the batch-restore role, a backup-account principal without grants and outsiders
 * get nothing.
 */
const INVENTORY_DELIVERY_AND_NOTHING_ELSE = {
  'batch-restore-role': [],
  'backup-principal-without-grants': [],
  anonymous: [],
  'other-account': [],
  's3-inventory-delivery': ['object s3:PutObject'],
  's3-inventory-delivery-foreign-source': [],
  's3-inventory-delivery-without-owner-acl': [],
} as const satisfies Partial<Record<InventoryActorId, readonly string[]>>;

/**
 * On each inventory bucket of the backup account (config `inventory.enabled`): the reports name
 * every key and version of the backups. The restore role lists and reads them (verify
 * --inventory, restore --versions-from-inventory); no primary-account principal can read, change
 * or delete anything.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/configure-inventory.html
 */
export const EXPECTED_BACKUP_INVENTORY_ACCESS: Readonly<
  Record<InventoryActorId, readonly string[]>
> = {
  'primary-admin': [],
  'replication-role': [],
  'replication-role-taken-over': [],
  'backfill-role': [],
  'backfill-role-taken-over': [],
  'batch-replication-role': [],
  'restore-role': ['bucket s3:ListBucket', 'object s3:GetObject'],
  ...INVENTORY_DELIVERY_AND_NOTHING_ELSE,
};

/**
 * On each inventory bucket of the primary account (reports of the source buckets, which the
 * primary account owns anyway): its own principals are its own business and not judged here;
 * the backup account's roles get nothing.
 */
export const EXPECTED_PRIMARY_INVENTORY_ACCESS: Readonly<
  Partial<Record<InventoryActorId, readonly string[]>>
> = {
  'restore-role': [],
  ...INVENTORY_DELIVERY_AND_NOTHING_ELSE,
};
