import { ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { s3RunError } from '../client/errors';
import { DEFAULT_RETRY_POLICY, type RetryPolicy, withRetries } from '../client/retry';
import { compareUtf8 } from './utf8-order';

/** One object of a listing. `versionId` is set by version listings (restore), not by ListObjectsV2. */
export interface ListedObject {
  readonly key: string;
  readonly size: number;
  readonly etag?: string;
  readonly lastModified?: Date;
  readonly versionId?: string;
}

export interface ListOptions {
  readonly bucket: string;
  readonly prefix?: string;
  /** List only keys after this one (a resume watermark). */
  readonly startAfter?: string;
  /** Keys per page; S3's maximum and default is 1,000. */
  readonly pageSize?: number;
  readonly retryPolicy?: RetryPolicy;
  /** Called once per request sent, for request counts. */
  readonly onRequest?: (requestType: string) => void;
  readonly onRetry?: (error: unknown) => void;
}

/**
 * Every object under a prefix, one page of ListObjectsV2 at a time: memory holds one page however
 * large the bucket. Fails when the server lists out of UTF-8 order, because a merge with another
 * listing would then report false differences.
 */
export async function* listObjects(
  client: S3Client,
  options: ListOptions,
): AsyncGenerator<ListedObject> {
  let continuationToken: string | undefined;
  let previousKey: string | undefined = options.startAfter;
  do {
    const page = await withRetries(
      () => {
        options.onRequest?.('ListObjectsV2');
        return client.send(
          new ListObjectsV2Command({
            Bucket: options.bucket,
            Prefix: options.prefix || undefined,
            StartAfter: continuationToken === undefined ? options.startAfter : undefined,
            ContinuationToken: continuationToken,
            MaxKeys: options.pageSize ?? 1000,
          }),
        );
      },
      options.retryPolicy ?? DEFAULT_RETRY_POLICY,
      options.onRetry,
    ).catch((error: unknown) => {
      throw s3RunError(error, { action: 's3:ListBucket', bucket: options.bucket });
    });
    for (const object of page.Contents ?? []) {
      const key = object.Key ?? '';
      if (previousKey !== undefined && compareUtf8(previousKey, key) >= 0) {
        throw new Error(
          `s3://${options.bucket} listed ${JSON.stringify(key)} after ${JSON.stringify(previousKey)}: not in UTF-8 byte order, so the listings cannot be merged`,
        );
      }
      previousKey = key;
      yield {
        key,
        size: object.Size ?? 0,
        etag: object.ETag,
        lastModified: object.LastModified,
      };
    }
    continuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (continuationToken !== undefined);
}
