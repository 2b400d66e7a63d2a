import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  GetObjectTaggingCommand,
  HeadObjectCommand,
  type ObjectCannedACL,
  UploadPartCopyCommand,
} from '@aws-sdk/client-s3';
import { clientFor, type S3Clients } from '../client/bucket-regions';
import {
  describeS3Error,
  errorName,
  FatalS3Error,
  isAclNotSupported,
  isFatalForRun,
  isPreconditionFailed,
  remedyOf,
} from '../client/errors';
import { forEachBounded } from './pool';
import { AdaptiveRateLimiter } from '../client/rate-limiter';
import { DEFAULT_RETRY_POLICY, isThrottle, type RetryPolicy, withRetries } from '../client/retry';
import { RunStats } from './run-stats';
import { type CopyObjectSender, sdkCopyObjectSender } from '../client/signed-copy';

/** One server-side copy: backfill makes them from a diff, restore from a version listing. */
export interface CopyTask {
  readonly sourceBucket: string;
  readonly sourceKey: string;
  /** Copy this version rather than the current one (restore). */
  readonly sourceVersionId?: string;
  /** Size from the listing: picks single or multipart copy without a HEAD request. */
  readonly size: number;
  readonly destinationBucket: string;
  readonly destinationKey: string;
  /**
   * Send this copy without If-None-Match even when the engine sends it: an explicit overwrite (a
   * restore into production of a key whose content differs). @default false
   */
  readonly overwrite?: boolean;
}

export type CopyOutcome = 'copied' | 'already-present' | 'source-gone' | 'failed';

/** The largest object a single CopyObject can copy. */
export const MAX_SINGLE_COPY_BYTES = 5 * 1024 ** 3;
const MIN_PART_BYTES = 5 * 1024 ** 2;
const MAX_PARTS = 10_000;

export interface CopyEngineOptions {
  /**
   * The client of each bucket (or one client for all): reads go to the source's region, copies
   * to the destination's. The credentials must read the source and write the destination.
   */
  readonly client: S3Clients;
  /** Copies in flight. */
  readonly concurrency: number;
  /** Objects larger than this are copied with UploadPartCopy. @default 5 GiB (S3's limit) */
  readonly multipartThresholdBytes?: number;
  /** @default 512 MiB, raised when an object would need more than 10,000 parts */
  readonly partSizeBytes?: number;
  /** Parts of one object copied in parallel. @default 8 */
  readonly partConcurrency?: number;
  /**
   * Canned ACL of the copies. `bucket-owner-full-control` lets the destination account own them
   * under every Object Ownership setting; dropped for the rest of the run if a bucket refuses ACLs.
   * @default 'bucket-owner-full-control'
   */
  readonly acl?: ObjectCannedACL | 'none';
  /**
   * Send `If-None-Match: *` so that S3 refuses (412) to overwrite an existing object.
   * @default true
   */
  readonly ifNoneMatch?: boolean;
  /**
   * How a single CopyObject is sent. The SDK by default; `signedCopyObjectSender` does the same
   * request at a fraction of the CPU.
   */
  readonly copyObject?: CopyObjectSender;
  readonly retryPolicy?: RetryPolicy;
  readonly rateLimiter?: AdaptiveRateLimiter;
  readonly stats?: RunStats;
  /** Stops taking new tasks; tasks in flight finish. */
  readonly signal?: AbortSignal;
  /** Called when a task is finished, whatever the outcome: progress and the resume journal. */
  readonly onTaskStart?: (task: CopyTask) => void;
  readonly onTaskDone?: (task: CopyTask, outcome: CopyOutcome) => void;
}

/** `bucket/key[?versionId=]` with the key URL-encoded, as the x-amz-copy-source header wants. */
export function copySourceHeader(bucket: string, key: string, versionId?: string): string {
  const encodedKey = encodeURIComponent(key).replace(/%2F/g, '/');
  return `${bucket}/${encodedKey}${versionId === undefined ? '' : `?versionId=${encodeURIComponent(versionId)}`}`;
}

/** S3 wants tags as a URL query string on CreateMultipartUpload. */
function taggingHeader(tags: { Key?: string; Value?: string }[]): string | undefined {
  if (tags.length === 0) return undefined;
  return tags
    .map((t) => `${encodeURIComponent(t.Key ?? '')}=${encodeURIComponent(t.Value ?? '')}`)
    .join('&');
}

/**
 * Copies objects server side, never overwriting: bounded concurrency, retries with backoff and
 * jitter, a request rate that backs off on throttling, and a per-object outcome. The tasks are
 * pulled from `tasks` as slots free up, so any number of objects fits in constant memory.
 * Run-ending errors (no such bucket, access denied, wrong region) stop the run and are thrown as
 * FatalS3Error; other per-object errors are counted in `stats.failed` and the run goes on.
 */
export class CopyEngine {
  readonly stats: RunStats;
  private readonly rateLimiter: AdaptiveRateLimiter;
  private readonly retryPolicy: RetryPolicy;
  private acl: ObjectCannedACL | undefined;
  private fatal: FatalS3Error | undefined;
  private readonly copyObject: CopyObjectSender;

  constructor(private readonly options: CopyEngineOptions) {
    this.stats = options.stats ?? new RunStats();
    this.rateLimiter = options.rateLimiter ?? new AdaptiveRateLimiter();
    this.retryPolicy = options.retryPolicy ?? DEFAULT_RETRY_POLICY;
    this.copyObject = options.copyObject ?? sdkCopyObjectSender(options.client);
    this.acl = options.acl === 'none' ? undefined : (options.acl ?? 'bucket-owner-full-control');
  }

  async run(tasks: AsyncIterable<CopyTask> | Iterable<CopyTask>): Promise<RunStats> {
    const stop = new AbortController();
    const onAbort = () => stop.abort();
    this.options.signal?.addEventListener('abort', onAbort);
    try {
      await forEachBounded(
        tasks,
        this.options.concurrency,
        async (task) => {
          if (task.sourceBucket === task.destinationBucket) {
            throw new Error(`refusing to copy s3://${task.sourceBucket} onto itself`);
          }
          this.options.onTaskStart?.(task);
          const outcome = await this.copyOne(task);
          if (this.fatal !== undefined) stop.abort();
          this.options.onTaskDone?.(task, outcome);
        },
        stop.signal,
      );
    } finally {
      this.options.signal?.removeEventListener('abort', onAbort);
    }
    if (this.fatal !== undefined) throw this.fatal;
    return this.stats;
  }

  private ifNoneMatch(task: CopyTask): '*' | undefined {
    return this.options.ifNoneMatch === false || task.overwrite === true ? undefined : '*';
  }

  /** Copies one object; never throws: the outcome and `stats` say what happened. */
  async copyOne(task: CopyTask): Promise<CopyOutcome> {
    const threshold = this.options.multipartThresholdBytes ?? MAX_SINGLE_COPY_BYTES;
    try {
      if (task.size > threshold) {
        await this.copyMultipart(task);
      } else {
        await this.send('CopyObject', () =>
          this.copyObject({
            destinationBucket: task.destinationBucket,
            destinationKey: task.destinationKey,
            copySource: copySourceHeader(task.sourceBucket, task.sourceKey, task.sourceVersionId),
            acl: this.acl,
            ifNoneMatch: this.ifNoneMatch(task) === '*',
          }),
        );
      }
      this.stats.objectsCopied++;
      this.stats.bytesCopied += task.size;
      return 'copied';
    } catch (error) {
      if (isPreconditionFailed(error)) {
        this.stats.objectsAlreadyPresent++;
        this.stats.bytesAlreadyPresent += task.size;
        return 'already-present';
      }
      const name = errorName(error);
      if (name === 'NoSuchKey' || name === 'NoSuchVersion') {
        this.stats.objectsSourceGone++;
        return 'source-gone';
      }
      const line =
        error instanceof FatalS3Error
          ? error.message
          : describeS3Error(error, {
              action: 's3:PutObject',
              bucket: task.destinationBucket,
              key: task.destinationKey,
            });
      if (isFatalForRun(error) || error instanceof FatalS3Error) {
        this.fatal ??=
          error instanceof FatalS3Error
            ? error
            : new FatalS3Error(
                this.fatalLine(error, task),
                error,
                // Its AccessDenied line names the permissions; a region is the destination's.
                errorName(error) === 'AccessDenied'
                  ? undefined
                  : remedyOf(error, task.destinationBucket),
              );
      }
      this.stats.recordFailure({
        key: task.sourceKey,
        versionId: task.sourceVersionId,
        error: line,
      });
      return 'failed';
    }
  }

  /**
   * A CopyObject needs s3:GetObject on the source and s3:PutObject on the destination; S3's
   * AccessDenied does not say which, so the message names both.
   */
  private fatalLine(error: unknown, task: CopyTask): string {
    if (errorName(error) === 'AccessDenied') {
      const read =
        task.sourceVersionId === undefined
          ? 's3:GetObject (and s3:GetObjectTagging)'
          : 's3:GetObjectVersion (and s3:GetObjectVersionTagging)';
      return `AccessDenied: the credentials may not copy s3://${task.sourceBucket}/${task.sourceKey} to s3://${task.destinationBucket}; they need ${read} on the source and s3:PutObject (and s3:PutObjectTagging, s3:PutObjectAcl when an ACL is sent) on the destination`;
    }
    if (errorName(error) === 'NoSuchBucket') {
      return `NoSuchBucket: s3://${task.destinationBucket} or s3://${task.sourceBucket} does not exist (CopyObject)`;
    }
    return describeS3Error(error, {
      action: 's3:PutObject',
      bucket: task.destinationBucket,
      key: task.destinationKey,
    });
  }

  /** One request with rate limiting, retries, request counts and the ACL fallback. */
  private async send<T>(requestType: string, request: () => Promise<T>) {
    return withRetries(
      async () => {
        await this.rateLimiter.acquire();
        this.stats.countRequest(requestType);
        try {
          const result = await request();
          this.rateLimiter.onSuccess();
          return result;
        } catch (error) {
          if (this.acl === undefined || !isAclNotSupported(error)) throw error;
          // A bucket that refuses ACLs still takes the object without one (the request closure
          // reads this.acl when it builds the command).
          this.acl = undefined;
          this.stats.countRequest(requestType);
          return await request();
        }
      },
      this.retryPolicy,
      (error) => {
        this.stats.retries++;
        if (isThrottle(error)) {
          this.stats.throttles++;
          this.rateLimiter.onThrottle();
        }
      },
    );
  }

  /**
   * UploadPartCopy for objects above the single-copy limit. CreateMultipartUpload does not copy
   * metadata or tags, so this path (and only this one) reads them first.
   */
  private async copyMultipart(task: CopyTask): Promise<void> {
    const source = clientFor(this.options.client, task.sourceBucket);
    // UploadPartCopy and the rest of the upload go to the destination's region.
    const client = clientFor(this.options.client, task.destinationBucket);
    const versionId = task.sourceVersionId;
    const head = await this.send('HeadObject', () =>
      source.send(
        new HeadObjectCommand({
          Bucket: task.sourceBucket,
          Key: task.sourceKey,
          VersionId: versionId,
        }),
      ),
    );
    const tagging = await this.send('GetObjectTagging', () =>
      source.send(
        new GetObjectTaggingCommand({
          Bucket: task.sourceBucket,
          Key: task.sourceKey,
          VersionId: versionId,
        }),
      ),
    );
    const size = head.ContentLength ?? task.size;
    let partSize = Math.max(MIN_PART_BYTES, this.options.partSizeBytes ?? 512 * 1024 ** 2);
    partSize = Math.max(partSize, Math.ceil(size / MAX_PARTS));
    const created = await this.send('CreateMultipartUpload', () =>
      client.send(
        new CreateMultipartUploadCommand({
          Bucket: task.destinationBucket,
          Key: task.destinationKey,
          ACL: this.acl,
          Metadata: head.Metadata,
          ContentType: head.ContentType,
          ContentEncoding: head.ContentEncoding,
          ContentDisposition: head.ContentDisposition,
          ContentLanguage: head.ContentLanguage,
          CacheControl: head.CacheControl,
          Expires: head.Expires,
          WebsiteRedirectLocation: head.WebsiteRedirectLocation,
          Tagging: taggingHeader(tagging.TagSet ?? []),
        }),
      ),
    );
    const uploadId = created.UploadId;
    if (uploadId === undefined) throw new Error('CreateMultipartUpload returned no UploadId');
    try {
      const partCount = Math.max(1, Math.ceil(size / partSize));
      const etags: string[] = new Array<string>(partCount);
      const partNumbers = Array.from({ length: partCount }, (_, i) => i + 1);
      await forEachBounded(partNumbers, this.options.partConcurrency ?? 8, async (partNumber) => {
        const first = (partNumber - 1) * partSize;
        const last = Math.min(size, first + partSize) - 1;
        const part = await this.send('UploadPartCopy', () =>
          client.send(
            new UploadPartCopyCommand({
              Bucket: task.destinationBucket,
              Key: task.destinationKey,
              UploadId: uploadId,
              PartNumber: partNumber,
              CopySource: copySourceHeader(task.sourceBucket, task.sourceKey, versionId),
              // Pin the version the parts come from, so an overwrite mid-copy cannot mix objects.
              CopySourceIfMatch: versionId === undefined ? head.ETag : undefined,
              CopySourceRange: size === 0 ? undefined : `bytes=${first}-${last}`,
            }),
          ),
        );
        const etag = part.CopyPartResult?.ETag;
        if (etag === undefined) throw new Error(`UploadPartCopy part ${partNumber}: no ETag`);
        etags[partNumber - 1] = etag;
      });
      await this.send('CompleteMultipartUpload', () =>
        client.send(
          new CompleteMultipartUploadCommand({
            Bucket: task.destinationBucket,
            Key: task.destinationKey,
            UploadId: uploadId,
            IfNoneMatch: this.ifNoneMatch(task),
            MultipartUpload: {
              Parts: etags.map((ETag, i) => ({ ETag, PartNumber: i + 1 })),
            },
          }),
        ),
      );
    } catch (error) {
      await this.send('AbortMultipartUpload', () =>
        client.send(
          new AbortMultipartUploadCommand({
            Bucket: task.destinationBucket,
            Key: task.destinationKey,
            UploadId: uploadId,
          }),
        ),
      ).catch(() => undefined);
      throw error;
    }
  }
}
