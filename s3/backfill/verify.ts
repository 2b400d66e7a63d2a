import { clientFor, locateBuckets, type S3Clients } from '../client/bucket-regions';
import { InputError } from '../../cli/errors';
import { listObjects } from '../listing/listing';
import { mergeDiff } from '../listing/merge-diff';

export interface VerifyOptions {
  /** The client of each bucket (RegionalS3Clients), or one client for all. */
  readonly client: S3Clients;
  readonly sourceBucket: string;
  readonly destinationBucket: string;
  readonly prefix?: string;
  /** Keys of each kind kept for the report; the counts are always complete. @default 1000 */
  readonly maxKeysReported?: number;
  readonly onRequest?: (requestType: string) => void;
}

export interface SideTotals {
  objects: number;
  bytes: number;
}

export interface VerifyReport {
  readonly source: SideTotals;
  readonly destination: SideTotals;
  /** Source keys absent from the destination. */
  readonly missing: { count: number; keys: string[] };
  /** Keys on both sides with different sizes. */
  readonly sizeDiffers: {
    count: number;
    keys: { key: string; sourceSize: number; destinationSize: number }[];
  };
  /** Destination keys not in the source (written by replication since, or deleted at the source). */
  readonly extra: { count: number };
  /** True when the destination holds every source object with the same size. */
  readonly ok: boolean;
}

/**
 * Compares the two listings in one streaming pass: every source object must be in the destination
 * with the same size. Memory holds one page of each listing plus the reported keys.
 */
export async function verify(options: VerifyOptions): Promise<VerifyReport> {
  if (options.sourceBucket === options.destinationBucket) {
    throw new InputError(
      `source and destination are the same bucket (${options.sourceBucket})`,
      'destinationBucket',
    );
  }
  await locateBuckets(options.client, [options.sourceBucket, options.destinationBucket]);
  const limit = options.maxKeysReported ?? 1000;
  const list = (bucket: string) =>
    listObjects(clientFor(options.client, bucket), {
      bucket,
      prefix: options.prefix,
      onRequest: options.onRequest,
    });
  const source: SideTotals = { objects: 0, bytes: 0 };
  const destination: SideTotals = { objects: 0, bytes: 0 };
  const missing = { count: 0, keys: [] as string[] };
  const sizeDiffers: VerifyReport['sizeDiffers'] = { count: 0, keys: [] };
  const extra = { count: 0 };
  for await (const entry of mergeDiff(
    list(options.sourceBucket),
    list(options.destinationBucket),
  )) {
    if (entry.kind !== 'extra') {
      source.objects++;
      source.bytes += entry.source.size;
    }
    if (entry.kind !== 'missing') {
      destination.objects++;
      destination.bytes += entry.destination.size;
    }
    if (entry.kind === 'missing') {
      missing.count++;
      if (missing.keys.length < limit) missing.keys.push(entry.source.key);
    } else if (entry.kind === 'size-differs') {
      sizeDiffers.count++;
      if (sizeDiffers.keys.length < limit) {
        sizeDiffers.keys.push({
          key: entry.source.key,
          sourceSize: entry.source.size,
          destinationSize: entry.destination.size,
        });
      }
    } else if (entry.kind === 'extra') {
      extra.count++;
    }
  }
  return {
    source,
    destination,
    missing,
    sizeDiffers,
    extra,
    ok: missing.count === 0 && sizeDiffers.count === 0,
  };
}
