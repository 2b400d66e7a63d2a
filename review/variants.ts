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

export function variantsOf(action: string): readonly Variant[] {
  return action === 's3:PutObject' ? PUT_OBJECT_VARIANTS : [AS_IS];
}

/** The key of a matrix cell in the expected data: `object s3:PutObject [if-none-match]`. */
export function cellKey(target: string, action: string, variant: Variant): string {
  return variant.id === '' ? `${target} ${action}` : `${target} ${action} [${variant.id}]`;
}
