import { clientFor, locateBuckets, type S3Clients } from '../client/bucket-regions';
import { listObjects } from '../listing/listing';
import { mergeDiff } from '../listing/merge-diff';
import { keysAtTime, listObjectVersions } from '../listing/version-listing';
import { compareContent, type KeyCount, objectsAtTime, push } from './plan';

export interface RestoreCheckOptions {
  /** The client of each bucket (RegionalS3Clients), or one client for all. */
  readonly client: S3Clients;
  readonly backupBucket: string;
  readonly targetBucket: string;
  readonly asOf: Date;
  readonly prefix?: string;
  readonly pageSize?: number;
  /** @default 100 */
  readonly maxKeysReported?: number;
  readonly onRequest?: (requestType: string) => void;
}

export interface RestoreCheckReport {
  /** What the backup held at the restore point. */
  readonly expected: { objects: number; bytes: number };
  /** Target objects with the same size and single-part checksum (ETag = MD5) as then. */
  readonly matching: number;
  /** Same size, multipart ETags that cannot be compared without reading the objects. */
  readonly sizeOnly: number;
  readonly missing: KeyCount;
  readonly differing: KeyCount;
  /** Target keys that did not exist at the restore point (never deleted by the restore). */
  readonly onlyInTarget: KeyCount;
  /** Nothing missing, nothing differing. */
  readonly ok: boolean;
}

/**
 * Checks a target against the backup as it was at `asOf` (not against the backup's current
 * versions, as `npm run verify` does): one streaming pass over the version listing and the
 * target listing.
 */
export async function checkRestore(options: RestoreCheckOptions): Promise<RestoreCheckReport> {
  await locateBuckets(options.client, [options.backupBucket, options.targetBucket]);
  const max = options.maxKeysReported ?? 100;
  const prefix = options.prefix ?? '';
  const listing = { prefix, pageSize: options.pageSize, onRequest: options.onRequest };
  const expected = { objects: 0, bytes: 0 };
  const versions = listObjectVersions(clientFor(options.client, options.backupBucket), {
    bucket: options.backupBucket,
    ...listing,
  });
  const atTime = objectsAtTime(keysAtTime(versions, options.asOf), (entry) => {
    if (entry.state !== 'object' || entry.version === undefined) return;
    expected.objects++;
    expected.bytes += entry.version.size;
  });
  const target = listObjects(clientFor(options.client, options.targetBucket), {
    bucket: options.targetBucket,
    ...listing,
  });
  const report = {
    expected,
    matching: 0,
    sizeOnly: 0,
    missing: { count: 0, keys: [] as string[] },
    differing: { count: 0, keys: [] as string[] },
    onlyInTarget: { count: 0, keys: [] as string[] },
  };
  for await (const entry of mergeDiff(atTime, target)) {
    if (entry.kind === 'missing') push(report.missing, entry.source.key, max);
    else if (entry.kind === 'extra') push(report.onlyInTarget, entry.destination.key, max);
    else {
      const comparison = compareContent(entry.source, entry.destination);
      if (comparison === 'same') report.matching++;
      else if (comparison === 'unknown') report.sizeOnly++;
      else push(report.differing, entry.source.key, max);
    }
  }
  return { ...report, ok: report.missing.count === 0 && report.differing.count === 0 };
}
