import {
  type DeleteMarkerEntry,
  ListObjectVersionsCommand,
  type ListObjectVersionsCommandOutput,
  type ObjectVersion,
  type S3Client,
} from '@aws-sdk/client-s3';
import { s3RunError } from '../client/errors';
import { DEFAULT_RETRY_POLICY, type RetryPolicy, withRetries } from '../client/retry';
import { compareUtf8 } from './utf8-order';

/** One entry of a version listing: an object version or a delete marker. */
export interface ListedVersion {
  readonly key: string;
  readonly versionId: string;
  readonly isLatest: boolean;
  readonly lastModified: Date;
  readonly deleteMarker: boolean;
  /** 0 for a delete marker. */
  readonly size: number;
  readonly etag?: string;
}

export interface ListVersionsOptions {
  readonly bucket: string;
  readonly prefix?: string;
  /** List only keys after this one (a resume watermark). */
  readonly keyMarker?: string;
  /** Entries per page; S3's maximum and default is 1,000. */
  readonly pageSize?: number;
  readonly retryPolicy?: RetryPolicy;
  readonly onRequest?: (requestType: string) => void;
  readonly onRetry?: (error: unknown) => void;
}

/** 'V' for a <Version>, 'D' for a <DeleteMarker>, in the order the response body lists them. */
export type EntryKind = 'V' | 'D';

/**
 * The order of <Version> and <DeleteMarker> elements in a ListObjectVersions response body. The
 * SDK parses them into two separate arrays and so loses how they interleave; a key's text is
 * XML-escaped, so these tags cannot occur inside a key.
 */
export function entryOrderOf(xml: string): EntryKind[] {
  const order: EntryKind[] = [];
  for (const match of xml.matchAll(/<(Version|DeleteMarker)>/g)) {
    order.push(match[1] === 'Version' ? 'V' : 'D');
  }
  return order;
}

function toListed(entry: ObjectVersion | DeleteMarkerEntry, deleteMarker: boolean): ListedVersion {
  const version = entry as ObjectVersion;
  return {
    key: entry.Key ?? '',
    versionId: entry.VersionId ?? 'null',
    isLatest: entry.IsLatest === true,
    lastModified: entry.LastModified ?? new Date(0),
    deleteMarker,
    size: deleteMarker ? 0 : (version.Size ?? 0),
    etag: deleteMarker ? undefined : version.ETag,
  };
}

/**
 * Puts the Versions and DeleteMarkers of one page back into S3's order: keys in UTF-8 byte
 * order, each key's entries newest first. With the body's element order (`order`) that is exact,
 * ties of LastModified included. Without it (a server whose body could not be read), entries of
 * one key are ordered by IsLatest, then LastModified, newest first; each array keeps its own order
 * on ties, and a delete marker goes before a version of the same instant.
 */
export function mergePage(
  versions: readonly ObjectVersion[],
  deleteMarkers: readonly DeleteMarkerEntry[],
  order?: readonly EntryKind[],
): ListedVersion[] {
  const v = versions.map((e) => toListed(e, false));
  const d = deleteMarkers.map((e) => toListed(e, true));
  const counts = order?.reduce(
    (n, kind) => (kind === 'V' ? [n[0] + 1, n[1]] : [n[0], n[1] + 1]),
    [0, 0],
  );
  if (order !== undefined && counts?.[0] === v.length && counts[1] === d.length) {
    let i = 0;
    let j = 0;
    return order.map((kind) => (kind === 'V' ? v[i++] : d[j++]));
  }
  const merged: ListedVersion[] = [];
  let i = 0;
  let j = 0;
  const newer = (a: ListedVersion, b: ListedVersion): boolean => {
    const byKey = compareUtf8(a.key, b.key);
    if (byKey !== 0) return byKey < 0;
    if (a.isLatest !== b.isLatest) return a.isLatest;
    return a.lastModified.getTime() > b.lastModified.getTime();
  };
  while (i < v.length || j < d.length) {
    if (j >= d.length || (i < v.length && newer(v[i], d[j]))) merged.push(v[i++]);
    else merged.push(d[j++]);
  }
  return merged;
}

async function bodyText(body: unknown): Promise<Uint8Array | undefined> {
  if (body instanceof Uint8Array) return body;
  if (body === null || typeof body !== 'object' || !(Symbol.asyncIterator in body)) {
    return undefined;
  }
  const chunks: Uint8Array[] = [];
  for await (const chunk of body as AsyncIterable<Uint8Array | string>) {
    chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  }
  return Buffer.concat(chunks);
}

/** One ListObjectVersions page with the element order of its body. */
async function listPage(
  client: S3Client,
  input: ConstructorParameters<typeof ListObjectVersionsCommand>[0],
): Promise<{ page: ListObjectVersionsCommandOutput; order?: EntryKind[] }> {
  const command = new ListObjectVersionsCommand(input);
  let order: EntryKind[] | undefined;
  // Inside the deserializer (priority low in its step): sees the raw body, hands it on as bytes.
  command.middlewareStack.add(
    (next) => async (args) => {
      const result = await next(args);
      const response = result.response as { statusCode?: number; body?: unknown };
      if (response.statusCode === 200) {
        const bytes = await bodyText(response.body);
        if (bytes !== undefined) {
          response.body = bytes;
          order = entryOrderOf(Buffer.from(bytes).toString('utf8'));
        }
      }
      return result;
    },
    { step: 'deserialize', priority: 'low', name: 'versionEntryOrder' },
  );
  const page = await client.send(command);
  return { page, order };
}

/**
 * Every version and delete marker under a prefix, in S3's order (keys in UTF-8 byte order, each
 * key newest first), one page at a time: the SDK has no paginator for ListObjectVersions, so
 * KeyMarker / VersionIdMarker are followed by hand. A key's versions may span pages.
 */
export async function* listObjectVersions(
  client: S3Client,
  options: ListVersionsOptions,
): AsyncGenerator<ListedVersion> {
  let keyMarker = options.keyMarker;
  let versionIdMarker: string | undefined;
  let previousKey = options.keyMarker;
  for (;;) {
    const { page, order } = await withRetries(
      () => {
        options.onRequest?.('ListObjectVersions');
        return listPage(client, {
          Bucket: options.bucket,
          Prefix: options.prefix || undefined,
          KeyMarker: keyMarker,
          VersionIdMarker: versionIdMarker,
          MaxKeys: options.pageSize ?? 1000,
        });
      },
      options.retryPolicy ?? DEFAULT_RETRY_POLICY,
      options.onRetry,
    ).catch((error: unknown) => {
      throw s3RunError(error, { action: 's3:ListBucketVersions', bucket: options.bucket });
    });
    for (const entry of mergePage(page.Versions ?? [], page.DeleteMarkers ?? [], order)) {
      // S3 lists keys after KeyMarker alone; RGW also lists the marker key itself. A resumed run
      // must not see it again (its target listing starts after it too).
      if (options.keyMarker !== undefined && compareUtf8(entry.key, options.keyMarker) <= 0) {
        continue;
      }
      if (previousKey !== undefined && compareUtf8(previousKey, entry.key) > 0) {
        throw new Error(
          `s3://${options.bucket} listed versions of ${JSON.stringify(entry.key)} after ${JSON.stringify(previousKey)}: not in UTF-8 byte order`,
        );
      }
      previousKey = entry.key;
      yield entry;
    }
    if (!page.IsTruncated) return;
    if (page.NextKeyMarker === undefined || page.NextKeyMarker === '') {
      throw new Error(`s3://${options.bucket}: a truncated version listing without NextKeyMarker`);
    }
    keyMarker = page.NextKeyMarker;
    versionIdMarker = page.NextVersionIdMarker || undefined;
  }
}

/** What a key was at a point in time. */
export interface KeyAtTime {
  readonly key: string;
  /**
   * `object`: `version` is the newest version at or before the time; `deleted`: a delete marker
   * was the newest entry then; `absent`: every entry is younger (the key was created later).
   */
  readonly state: 'object' | 'deleted' | 'absent';
  /** The version to restore (state `object`) or the delete marker (state `deleted`). */
  readonly version?: ListedVersion;
  /** The key's newest entry now (IsLatest). */
  readonly latest?: ListedVersion;
}

/**
 * Groups a version listing by key and picks, for each key, the newest entry at or before `asOf`.
 * The listing's order is newest first, so the first entry not younger than `asOf` is the one,
 * also when several entries share one LastModified (ties go to list order, never to timestamps).
 * Holds one key's entry at a time.
 */
export async function* keysAtTime(
  versions: AsyncIterable<ListedVersion>,
  asOf: Date,
): AsyncGenerator<KeyAtTime> {
  const limit = asOf.getTime();
  let key: string | undefined;
  let chosen: ListedVersion | undefined;
  let latest: ListedVersion | undefined;
  const result = (): KeyAtTime => ({
    key: key ?? '',
    state: chosen === undefined ? 'absent' : chosen.deleteMarker ? 'deleted' : 'object',
    version: chosen,
    latest,
  });
  for await (const entry of versions) {
    if (entry.key !== key) {
      if (key !== undefined) yield result();
      key = entry.key;
      chosen = undefined;
      latest = undefined;
    }
    if (entry.isLatest) latest = entry;
    if (chosen === undefined && entry.lastModified.getTime() <= limit) chosen = entry;
  }
  if (key !== undefined) yield result();
}
