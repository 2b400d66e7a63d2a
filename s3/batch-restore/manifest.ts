import { once } from 'node:events';
import type { Writable } from 'node:stream';
import type { KeyAtTime } from '../listing/version-listing';

/**
 * The S3 Batch Operations CSV manifest of a restore: one line per object, `bucket,key,versionId`,
 * keys URL-encoded ("The contents of the manifest must be URL encoded"; every line names a
 * version, since "the manifest must either include version IDs for all objects or omit version
 * IDs for all objects").
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/batch-ops-create-job.html#specify-batchjob-manifest
 */

/** S3PutObjectCopy copies objects up to 5 GB; larger ones need the local engine's multipart copy. */
export const BATCH_COPY_MAX_BYTES = 5 * 1024 ** 3;

/** A key as the manifest writes it: percent-encoded UTF-8, '/' kept as in AWS's examples. */
export function manifestKey(key: string): string {
  return encodeURIComponent(key)
    .replace(/%2F/g, '/')
    .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

export function manifestLine(bucket: string, key: string, versionId: string): string {
  return `${bucket},${manifestKey(key)},${versionId}\n`;
}

export interface KeyList {
  count: number;
  keys: string[];
}

export interface ManifestSummary {
  /** Keys under the prefix with any version. */
  keysSeen: number;
  /** Lines of the manifest: versions to copy. */
  objects: number;
  bytes: number;
  /** A delete marker was newest at as-of: the key did not exist then. */
  deletedAtAsOf: KeyList;
  /** No version at or before as-of. */
  createdAfterAsOf: KeyList;
  /** Versions above 5 GB: left out of the manifest (S3PutObjectCopy cannot copy them). */
  tooLargeForBatchCopy: KeyList & { bytes: number };
  /** Bytes of the manifest file. */
  manifestBytes: number;
}

function push(list: KeyList, key: string, max: number): void {
  list.count++;
  if (list.keys.length < max) list.keys.push(key);
}

/**
 * Writes the manifest of the versions chosen at as-of (`keysAtTime` over a version listing, in
 * key order) to `out`, one line per object to copy, and counts what was left out and why. Holds
 * one line at a time; the stream's back-pressure is respected.
 */
export async function writeRestoreManifest(
  choices: AsyncIterable<KeyAtTime>,
  backupBucket: string,
  out: Writable,
  maxKeysReported = 100,
): Promise<ManifestSummary> {
  const summary: ManifestSummary = {
    keysSeen: 0,
    objects: 0,
    bytes: 0,
    deletedAtAsOf: { count: 0, keys: [] },
    createdAfterAsOf: { count: 0, keys: [] },
    tooLargeForBatchCopy: { count: 0, keys: [], bytes: 0 },
    manifestBytes: 0,
  };
  for await (const choice of choices) {
    summary.keysSeen++;
    if (choice.state === 'deleted') push(summary.deletedAtAsOf, choice.key, maxKeysReported);
    else if (choice.state === 'absent' || choice.version === undefined) {
      push(summary.createdAfterAsOf, choice.key, maxKeysReported);
    } else if (choice.version.size > BATCH_COPY_MAX_BYTES) {
      push(summary.tooLargeForBatchCopy, choice.key, maxKeysReported);
      summary.tooLargeForBatchCopy.bytes += choice.version.size;
    } else {
      const line = manifestLine(backupBucket, choice.key, choice.version.versionId);
      summary.objects++;
      summary.bytes += choice.version.size;
      summary.manifestBytes += Buffer.byteLength(line);
      if (!out.write(line)) await once(out, 'drain');
    }
  }
  return summary;
}
