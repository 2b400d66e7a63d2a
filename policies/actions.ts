/**
 * Action sets as named constants. Each list comes from the AWS page named above it; an entry that
 * is not obvious says why it is there (or why a look-alike is not).
 */

/**
 * What S3 replication needs on the source.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/setting-repl-config-perm-overview.html
 */
export const REPLICATION_SOURCE_BUCKET_ACTIONS = [
  's3:GetReplicationConfiguration',
  's3:ListBucket',
] as const;

/**
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/setting-repl-config-perm-overview.html
 * GetObjectVersionForReplication, not GetObjectVersion: it reads the data for replication only,
 * so the role cannot serve as a general reader of production data.
 */
export const REPLICATION_SOURCE_OBJECT_ACTIONS = [
  's3:GetObjectVersionForReplication',
  's3:GetObjectVersionAcl',
  's3:GetObjectVersionTagging',
  // S3 replicates object annotations by default: it reads them from the source with this and
  // writes them with s3:ReplicateObjectAnnotation.
  // https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-what-is-isnot-replicated.html
  's3:GetObjectVersionAnnotationForReplication',
] as const;

/**
 * What the replication role may do to backup objects.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/setting-repl-config-perm-overview.html
 * ObjectOwnerOverrideToBucketOwner: required by the owner-override (AccessControlTranslation)
 * that makes the backup account own every replica.
 */
export const REPLICATION_DESTINATION_OBJECT_ACTIONS = [
  's3:ReplicateObject',
  's3:ReplicateDelete',
  's3:ReplicateTags',
  // Annotations are replicated by default, each on its own: denying this fails their replication.
  // https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-what-is-isnot-replicated.html
  's3:ReplicateObjectAnnotation',
  's3:ObjectOwnerOverrideToBucketOwner',
] as const;

/**
 * Reads on the backup bucket that replication performs. Deliberately without
 * s3:PutBucketVersioning, which the console's generated destination policy grants: it would let a
 * primary admin, through the role, suspend versioning in the backup.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-walkthrough-2.html
 */
export const REPLICATION_DESTINATION_BUCKET_ACTIONS = [
  's3:GetBucketVersioning',
  's3:ListBucket',
] as const;

/**
 * The backfill reads the source and lists both sides.
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_CopyObject.html (source needs GetObject,
 * and GetObjectTagging to keep the tags)
 */
export const BACKFILL_SOURCE_BUCKET_ACTIONS = ['s3:ListBucket', 's3:GetBucketLocation'] as const;
export const BACKFILL_SOURCE_OBJECT_ACTIONS = ['s3:GetObject', 's3:GetObjectTagging'] as const;
export const BACKFILL_DESTINATION_BUCKET_ACTIONS = ['s3:ListBucket'] as const;
/**
 * PutObject covers PutObject, CopyObject, CreateMultipartUpload, UploadPart(Copy) and
 * CompleteMultipartUpload; the bucket policy narrows it to creating objects that do not exist.
 * PutObjectTagging is not needed: CopyObject copies the tags with the object.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/conditional-writes-enforce.html
 * Not s3:PutObjectAnnotation: it would let the role rewrite annotations of existing objects. The
 * backfill copies with `x-amz-object-annotation-directive: EXCLUDE` (CopyObject's default, COPY,
 * needs s3:PutObjectAnnotation on the destination); Batch Replication (`--engine batch`) carries
 * the annotations of pre-existing objects.
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_CopyObject.html
 */
export const BACKFILL_DESTINATION_OBJECT_ACTIONS = ['s3:PutObject'] as const;

/**
 * S3 Batch Replication.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/s3-batch-replication-policies.html
 */
export const BATCH_REPLICATION_SOURCE_OBJECT_ACTIONS = ['s3:InitiateReplication'] as const;
export const BATCH_REPLICATION_SOURCE_BUCKET_ACTIONS = [
  's3:GetReplicationConfiguration',
  's3:PutInventoryConfiguration',
] as const;
export const BATCH_REPLICATION_REPORT_OBJECT_ACTIONS = [
  's3:GetObject',
  's3:GetObjectVersion',
  's3:PutObject',
] as const;

/**
 * Reading every version of the backup, for a point-in-time restore.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/RestoringPreviousVersions.html
 */
export const RESTORE_BACKUP_BUCKET_ACTIONS = [
  's3:ListBucket',
  's3:ListBucketVersions',
  's3:GetBucketVersioning',
  's3:GetBucketLocation',
] as const;
export const RESTORE_BACKUP_OBJECT_ACTIONS = [
  's3:GetObject',
  's3:GetObjectVersion',
  's3:GetObjectTagging',
  's3:GetObjectVersionTagging',
] as const;
export const RESTORE_TARGET_BUCKET_ACTIONS = ['s3:ListBucket', 's3:GetBucketLocation'] as const;
/** PutObjectTagging: CopyObject with a version id keeps tags, but a multipart copy must set them. */
export const RESTORE_TARGET_OBJECT_ACTIONS = [
  's3:PutObject',
  's3:PutObjectTagging',
  's3:GetObject',
] as const;

/**
 * Every S3 write, for a role's Deny on the buckets it must never change (the backfill role on
 * the sources, the restore roles on the backups), whatever another policy grants it later.
 */
export const S3_WRITE_ACTION_PATTERNS = [
  's3:Put*',
  's3:Delete*',
  's3:Replicate*',
  's3:Restore*',
  's3:Bypass*',
] as const;

/**
 * Reading an SSE-KMS object through S3 (GetObject, CopyObject's source, replication's source).
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html
 */
export const KMS_DECRYPT_ACTIONS = ['kms:Decrypt'] as const;
/**
 * Writing an SSE-KMS replica.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-config-for-kms-objects.html
 */
export const KMS_ENCRYPT_ACTIONS = ['kms:Encrypt', 'kms:GenerateDataKey'] as const;
/**
 * Completing a multipart upload into an SSE-KMS bucket: S3 decrypts the parts' data keys with the
 * uploader's permissions (the backfill's copies above the single-copy limit).
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/mpuoverview.html#mpuAndPermissions
 */
export const KMS_MULTIPART_COMPLETE_ACTIONS = ['kms:Decrypt'] as const;

/**
 * The only S3 actions that anyone outside the backup account may send to a backup bucket: what
 * replication and the backfill need. Everything else, including every action AWS adds later, is
 * denied by the bucket policy's NotAction statement; separate statements keep each of these to
 * its own role.
 */
export const OUTSIDE_ACCOUNT_ALLOW_LIST: readonly string[] = [
  ...new Set([
    ...REPLICATION_DESTINATION_BUCKET_ACTIONS,
    ...REPLICATION_DESTINATION_OBJECT_ACTIONS,
    ...BACKFILL_DESTINATION_BUCKET_ACTIONS,
    ...BACKFILL_DESTINATION_OBJECT_ACTIONS,
  ]),
].sort();

/**
 * The heartbeat canary writer: one PutObject of one key per source bucket.
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObject.html
 */
export const HEARTBEAT_CANARY_ACTIONS = ['s3:PutObject'] as const;

/**
 * S3 Batch Operations Copy (S3PutObjectCopy) of chosen versions of the backup into a restore
 * target, as the batch-restore role. Version-specific reads because the manifest names version
 * ids; no ACL actions (ACLs are disabled on the buckets).
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/batch-ops-iam-role-policies.html
 */
export const BATCH_RESTORE_BACKUP_OBJECT_ACTIONS = [
  's3:GetObject',
  's3:GetObjectVersion',
  's3:GetObjectTagging',
  's3:GetObjectVersionTagging',
] as const;
export const BATCH_RESTORE_TARGET_OBJECT_ACTIONS = ['s3:PutObject', 's3:PutObjectTagging'] as const;
/** The manifest it reads and the completion report it writes, under one prefix of the target. */
export const BATCH_RESTORE_MANIFEST_OBJECT_ACTIONS = [
  's3:GetObject',
  's3:GetObjectVersion',
  's3:PutObject',
] as const;
export const BATCH_RESTORE_TARGET_BUCKET_ACTIONS = ['s3:GetBucketLocation'] as const;

/**
 * What the operator (the restore role) needs to start and follow a Batch Operations job: CreateJob
 * has no resource type (Resource "*"); DescribeJob takes the job ARN; PassRole hands the
 * batch-restore role to the service.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/batch-ops-iam-role-policies.html
 * https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazons3.html
 */
export const BATCH_JOB_CREATE_ACTIONS = ['s3:CreateJob'] as const;
export const BATCH_JOB_READ_ACTIONS = ['s3:DescribeJob'] as const;
export const PASS_ROLE_ACTIONS = ['iam:PassRole'] as const;
