import { BastionConfig } from '../config';
import { backupRegionOf, partitionOf } from '../policies/arns';

/**
 * The shapes of a request that conditions distinguish. Only s3:PutObject has conditions on its
 * request headers in our policies (If-None-Match, the canned ACL, and whether the step creates
 * an object), so it is evaluated once per shape; every other action once, as it is.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/conditional-writes-enforce.html
 */
export interface Variant {
  /** Short id used in the expected data: `object s3:PutObject [if-none-match]`. */
  readonly id: string;
  readonly label: string;
  readonly context: Readonly<Record<string, string>>;
}

const CREATE = { 's3:ObjectCreationOperation': 'true' };
const PART = { 's3:ObjectCreationOperation': 'false' };

export const PUT_OBJECT_VARIANTS: readonly Variant[] = [
  {
    id: 'if-none-match',
    label: "creates an object with If-None-Match '*', no ACL",
    context: { ...CREATE, 's3:if-none-match': '*' },
  },
  {
    id: 'if-none-match+bucket-owner-full-control',
    label: "creates an object with If-None-Match '*' and ACL bucket-owner-full-control",
    context: { ...CREATE, 's3:if-none-match': '*', 's3:x-amz-acl': 'bucket-owner-full-control' },
  },
  {
    id: 'if-none-match+public-read',
    label: "creates an object with If-None-Match '*' and ACL public-read",
    context: { ...CREATE, 's3:if-none-match': '*', 's3:x-amz-acl': 'public-read' },
  },
  {
    id: 'overwrite',
    label: 'creates an object without If-None-Match (may overwrite)',
    context: CREATE,
  },
  {
    id: 'multipart-step',
    label: 'CreateMultipartUpload, UploadPart or UploadPartCopy (creates nothing yet)',
    context: PART,
  },
  {
    id: 'multipart-step+public-read',
    label: 'CreateMultipartUpload with ACL public-read',
    context: { ...PART, 's3:x-amz-acl': 'public-read' },
  },
];

const AS_IS: Variant = { id: '', label: '', context: {} };

/** The KMS keys a write may name: one of the backup account, one of the primary account. */
export interface WriteKeys {
  readonly backupKmsKeyArn: string;
  readonly foreignKmsKeyArn: string;
}

/** Key ARNs in the region of the bucket (backup or source) that a matrix run evaluates. */
export function writeKeysFor(config: BastionConfig, bucketName: string): WriteKeys {
  const bucket = config.sourceBuckets.find(
    (b) => b.backupBucketName === bucketName || b.name === bucketName,
  );
  const region = bucket === undefined ? 'us-east-1' : backupRegionOf(bucket);
  const key = (account: string) =>
    `arn:${partitionOf(config)}:kms:${region}:${account}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
  return {
    backupKmsKeyArn: key(config.backup.accountId),
    foreignKmsKeyArn: key(config.primary.accountId),
  };
}

const SSE = 's3:x-amz-server-side-encryption';
const KMS_KEY_ID = 's3:x-amz-server-side-encryption-aws-kms-key-id';
const SSE_C = { 's3:x-amz-server-side-encryption-customer-algorithm': 'AES256' };

/**
 * What a write into a backup bucket may carry besides the conditional-write headers: encryption,
 * Object Lock and storage class (docs/backup-integrity.md). Each shape creates an absent object
 * (If-None-Match '*') so that only the header under test decides.
 * https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazons3.html
 */
export function putObjectIntegrityVariants(keys: WriteKeys): Variant[] {
  const absent = { ...CREATE, 's3:if-none-match': '*' };
  const shape = (id: string, label: string, context: Record<string, string>): Variant => ({
    id: `if-none-match+${id}`,
    label: `creates an absent object ${label}`,
    context: { ...absent, ...context },
  });
  return [
    shape('sse-s3', 'with SSE-S3 (AES256)', { [SSE]: 'AES256' }),
    shape('sse-kms-backup-key', 'with SSE-KMS under a backup-account key', {
      [SSE]: 'aws:kms',
      [KMS_KEY_ID]: keys.backupKmsKeyArn,
    }),
    shape('sse-kms-foreign-key', 'with SSE-KMS under a primary-account key', {
      [SSE]: 'aws:kms',
      [KMS_KEY_ID]: keys.foreignKmsKeyArn,
    }),
    shape('sse-kms-no-key-id', 'with SSE-KMS naming no key', { [SSE]: 'aws:kms' }),
    shape('sse-c', 'with SSE-C (customer-provided key)', SSE_C),
    // S3 wants mode and date together; each is its own shape so that each guardrail is proven.
    shape('object-lock-mode', 'with Object Lock mode COMPLIANCE', {
      's3:object-lock-mode': 'COMPLIANCE',
    }),
    shape('object-lock-retain-until', 'retained until 2126', {
      's3:object-lock-retain-until-date': '2126-01-01T00:00:00Z',
    }),
    shape('legal-hold', 'with a legal hold', { 's3:object-lock-legal-hold': 'ON' }),
    shape('standard-ia', 'in STANDARD_IA', { 's3:x-amz-storage-class': 'STANDARD_IA' }),
    shape('glacier-ir', 'in GLACIER_IR', { 's3:x-amz-storage-class': 'GLACIER_IR' }),
    shape('glacier', 'in GLACIER (Flexible Retrieval)', { 's3:x-amz-storage-class': 'GLACIER' }),
    shape('deep-archive', 'in DEEP_ARCHIVE', { 's3:x-amz-storage-class': 'DEEP_ARCHIVE' }),
    {
      id: 'multipart-step+sse-c',
      label: 'CreateMultipartUpload with SSE-C',
      context: { ...PART, ...SSE_C },
    },
    {
      id: 'multipart-step+deep-archive',
      label: 'CreateMultipartUpload in DEEP_ARCHIVE',
      context: { ...PART, 's3:x-amz-storage-class': 'DEEP_ARCHIVE' },
    },
  ];
}

/**
 * s3:ReplicateObject as S3 sends it for an SSE-S3, SSE-KMS or SSE-C source object: the
 * encryption keys are the only request keys that AWS lists for the action.
 */
export function replicateObjectVariants(keys: WriteKeys): Variant[] {
  return [
    AS_IS,
    { id: 'sse-s3', label: 'a replica encrypted with SSE-S3', context: { [SSE]: 'AES256' } },
    {
      id: 'sse-kms-backup-key',
      label: 'a replica encrypted under a backup-account KMS key',
      context: { [SSE]: 'aws:kms', [KMS_KEY_ID]: keys.backupKmsKeyArn },
    },
    {
      id: 'sse-kms-foreign-key',
      label: 'a replica encrypted under a primary-account KMS key',
      context: { [SSE]: 'aws:kms', [KMS_KEY_ID]: keys.foreignKmsKeyArn },
    },
    { id: 'sse-c', label: 'a replica of an SSE-C object', context: SSE_C },
  ];
}

export function variantsOf(action: string, keys: WriteKeys): readonly Variant[] {
  if (action === 's3:PutObject')
    return [...PUT_OBJECT_VARIANTS, ...putObjectIntegrityVariants(keys)];
  if (action === 's3:ReplicateObject') return replicateObjectVariants(keys);
  return [AS_IS];
}

/** The key of a matrix cell in the expected data: `object s3:PutObject [if-none-match]`. */
export function cellKey(target: string, action: string, variant: Variant): string {
  return variant.id === '' ? `${target} ${action}` : `${target} ${action} [${variant.id}]`;
}
