/**
 * Turns S3 and network errors into one clear line, and decides which errors end a run. The SDK
 * names modelled errors (NoSuchBucket) by class and unmodelled ones (AccessDenied, SlowDown,
 * PreconditionFailed) only by `name`/`Code`, so everything here goes by name and HTTP status.
 */

/** What the tool was doing when an error happened: names the action in messages. */
export interface S3Operation {
  /** IAM action the request needs, e.g. 's3:ListBucket'. */
  readonly action: string;
  readonly bucket: string;
  readonly key?: string;
}

interface ErrorShape {
  name?: string;
  Code?: string;
  code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
  $response?: { headers?: Record<string, string | undefined> };
  BucketRegion?: string;
  /** The `<Region>` of a 400 AuthorizationHeaderMalformed body. */
  Region?: string;
}

function shape(error: unknown): ErrorShape {
  return typeof error === 'object' && error !== null ? error : {};
}

/** The S3 error code (`AccessDenied`) or Node error code (`ECONNRESET`) of an error. */
export function errorName(error: unknown): string {
  const e = shape(error);
  return e.Code ?? e.code ?? e.name ?? 'Error';
}

export function httpStatus(error: unknown): number | undefined {
  return shape(error).$metadata?.httpStatusCode;
}

/**
 * The region S3 says a bucket lives in: the `x-amz-bucket-region` header of a 301
 * PermanentRedirect (a HEAD gets only the header) or of a HeadBucket answer, or the `<Region>` of a
 * 400 AuthorizationHeaderMalformed. https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html
 */
export function bucketRegionOf(error: unknown): string | undefined {
  const e = shape(error);
  return e.BucketRegion ?? e.$response?.headers?.['x-amz-bucket-region'] ?? e.Region;
}

/** 412: the object exists and `If-None-Match: *` refused to overwrite it. */
export function isPreconditionFailed(error: unknown): boolean {
  return errorName(error) === 'PreconditionFailed' || httpStatus(error) === 412;
}

/** A bucket that refuses ACLs (some S3-compatible servers) rather than accepting the default. */
export function isAclNotSupported(error: unknown): boolean {
  const name = errorName(error);
  return name === 'AccessControlListNotSupported' || name === 'InvalidBucketAclWithObjectOwnership';
}

const WRONG_REGION = new Set([
  'PermanentRedirect',
  'AuthorizationHeaderMalformed',
  'IllegalLocationConstraintException',
]);

const isWrongRegion = (error: unknown) =>
  WRONG_REGION.has(errorName(error)) || httpStatus(error) === 301;

/**
 * What the user can change on the command line against a run-ending error: the region of
 * `bucket` (all buckets' when unknown), or the credentials. The CLI names the flag that the
 * command which failed has for it (cli/runtime.ts).
 */
export type S3Remedy =
  { readonly kind: 'region'; readonly bucket?: string } | { readonly kind: 'credentials' };

/** The remedy of an S3 error on `bucket`, where the command line can bring one. */
export function remedyOf(error: unknown, bucket?: string): S3Remedy | undefined {
  if (isWrongRegion(error)) return { kind: 'region', bucket };
  const name = errorName(error);
  return name === 'AccessDenied' || name === 'AllAccessDisabled'
    ? { kind: 'credentials' }
    : undefined;
}

/** Errors that no retry can fix and that would fail every other object too. */
export function isFatalForRun(error: unknown): boolean {
  const name = errorName(error);
  return (
    name === 'NoSuchBucket' ||
    name === 'AccessDenied' ||
    name === 'AllAccessDisabled' ||
    name === 'InvalidAccessKeyId' ||
    name === 'SignatureDoesNotMatch' ||
    name === 'ExpiredToken' ||
    name === 'InvalidToken' ||
    name === 'CredentialsProviderError' ||
    WRONG_REGION.has(name) ||
    httpStatus(error) === 301
  );
}

/** One line that says what failed, on what, and what to do about it. */
export function describeS3Error(error: unknown, operation?: S3Operation): string {
  const name = errorName(error);
  const status = httpStatus(error);
  const where = operation
    ? `${operation.action} on s3://${operation.bucket}${operation.key === undefined ? '' : `/${operation.key}`}`
    : 'request';
  if (name === 'NoSuchBucket') {
    return `NoSuchBucket: bucket '${operation?.bucket ?? '?'}' does not exist (${where})`;
  }
  // The command-line remedy (a flag of the command that failed) is the CLI's to add: remedyOf.
  if (name === 'AccessDenied' || name === 'AllAccessDisabled') {
    return `AccessDenied: the credentials are not allowed ${where}; grant ${operation?.action ?? 'the action'}`;
  }
  if (isWrongRegion(error)) {
    const region = bucketRegionOf(error);
    return `WrongRegion: bucket '${operation?.bucket ?? '?'}' is in ${region ?? 'another region'}, not in the region the request was signed for (${name}, ${where})`;
  }
  if (name === 'InvalidAccessKeyId' || name === 'SignatureDoesNotMatch') {
    return `${name}: the AWS credentials were rejected (${where}); check AWS_PROFILE / AWS_ACCESS_KEY_ID`;
  }
  if (name === 'ExpiredToken' || name === 'InvalidToken') {
    return `${name}: the session token has expired or is invalid (${where}); refresh the credentials`;
  }
  if (name === 'CredentialsProviderError') {
    return `NoCredentials: no AWS credentials found in the standard chain (${where})`;
  }
  const message = shape(error).message ?? String(error);
  return `${name}${status === undefined ? '' : ` (HTTP ${status})`}: ${message.split('\n')[0]} (${where})`;
}

/** A run-ending error, already described in one line for the user. */
export class FatalS3Error extends Error {
  constructor(
    message: string,
    cause: unknown,
    /** The flag the CLI may point to; none where the message already says what to do. */
    readonly remedy?: S3Remedy,
  ) {
    super(message, { cause });
    this.name = 'FatalS3Error';
  }
}

/**
 * An S3 error of a request described in one line: a FatalS3Error (with its remedy) when it ends
 * the run, a plain Error for the one object or page otherwise.
 */
export function s3RunError(error: unknown, operation: S3Operation): Error {
  const line = describeS3Error(error, operation);
  return isFatalForRun(error)
    ? new FatalS3Error(line, error, remedyOf(error, operation.bucket))
    : new Error(line, { cause: error });
}
