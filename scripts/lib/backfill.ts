import type { S3Client } from '@aws-sdk/client-s3';
import { CopyEngine, type CopyTask, MAX_SINGLE_COPY_BYTES } from './copy-engine';
import { UsageError } from './errors';
import { ResumeJournal, Watermark } from './journal';
import { type ListedObject, listObjects } from './listing';
import { mergeDiff } from './merge-diff';
import { readAhead } from './pool';
import { requestCostUsd } from './pricing';
import type { AdaptiveRateLimiter } from './rate-limiter';
import type { RetryPolicy } from './retry';
import { RunStats } from './run-stats';
import type { CopyObjectSender } from './signed-copy';

/**
 * Objects to copy that the listing may run ahead of the copies: a few MB of memory, enough to
 * know the total (and so an ETA) at once for buckets of up to this size, and to keep listing
 * latency out of the copy path.
 */
const READ_AHEAD_OBJECTS = 20_000;

export interface BackfillOptions {
  readonly client: S3Client;
  readonly sourceBucket: string;
  readonly destinationBucket: string;
  readonly prefix?: string;
  /** @default 128 */
  readonly concurrency?: number;
  /**
   * List the destination and copy only what is missing (needs s3:ListBucket on it). Without it,
   * every source object is sent and If-None-Match: * alone keeps existing objects (a 412 each).
   * @default true
   */
  readonly listDestination?: boolean;
  readonly dryRun?: boolean;
  readonly multipartThresholdBytes?: number;
  readonly partSizeBytes?: number;
  readonly acl?: 'bucket-owner-full-control' | 'none';
  /** Where the resume journal lives; no journal when undefined. */
  readonly stateDir?: string;
  readonly signal?: AbortSignal;
  readonly stats?: RunStats;
  readonly retryPolicy?: RetryPolicy;
  /** How single copies are sent (see CopyEngineOptions.copyObject). */
  readonly copyObject?: CopyObjectSender;
  readonly rateLimiter?: AdaptiveRateLimiter;
  /** Dry run: called for each object that would be copied. */
  readonly onWouldCopy?: (object: ListedObject) => void;
  /** Called for each key whose destination object differs in size (never overwritten). */
  readonly onConflict?: (source: ListedObject, destination: ListedObject) => void;
}

export interface DryRunEstimate {
  readonly objects: number;
  readonly bytes: number;
  /** Requests a real run would send, by type, and their price at list prices. */
  readonly requests: Record<string, number>;
  readonly requestCostUsd: number;
}

export interface BackfillResult {
  readonly stats: RunStats;
  /** Keys in the destination with another size than in the source: reported, never overwritten. */
  readonly conflicts: number;
  /** The watermark this run started after, when it resumed an interrupted run. */
  readonly resumedAfter?: string;
  /** Every listed source object was copied or found present: nothing left to do. */
  readonly complete: boolean;
  /** The run was asked to stop (Ctrl-C) before it was complete. */
  readonly interrupted: boolean;
  readonly dryRun?: DryRunEstimate;
  readonly journalPath?: string;
}

/**
 * Copies every source object that the destination lacks, server side, and never overwrites or
 * deletes anything. Interrupted, it leaves a journal; run again with the same arguments it starts
 * after the last key below which everything was done.
 */
export async function backfill(options: BackfillOptions): Promise<BackfillResult> {
  const { client, sourceBucket, destinationBucket } = options;
  const prefix = options.prefix ?? '';
  if (sourceBucket === destinationBucket) {
    throw new UsageError(
      `source and destination are the same bucket (${sourceBucket}); the backfill copies to another bucket only`,
    );
  }
  const stats = options.stats ?? new RunStats();
  const listDestination = options.listDestination ?? true;
  const journal =
    options.stateDir === undefined || options.dryRun
      ? undefined
      : new ResumeJournal(options.stateDir, {
          tool: 'backfill',
          source: sourceBucket,
          destination: destinationBucket,
          prefix,
        });
  const resumedAfter = journal?.load()?.watermark;
  const countListing = { onRequest: (type: string) => stats.countRequest(type) };

  async function* sourceObjects(): AsyncGenerator<ListedObject> {
    for await (const object of listObjects(client, {
      bucket: sourceBucket,
      prefix,
      startAfter: resumedAfter,
      ...countListing,
    })) {
      stats.objectsListed++;
      stats.bytesListed += object.size;
      yield object;
    }
    stats.listingDone = true;
  }

  let conflicts = 0;
  async function* missingObjects(): AsyncGenerator<ListedObject> {
    if (!listDestination) {
      yield* sourceObjects();
      return;
    }
    const destination = listObjects(client, {
      bucket: destinationBucket,
      prefix,
      startAfter: resumedAfter,
      ...countListing,
    });
    for await (const entry of mergeDiff(sourceObjects(), destination)) {
      if (entry.kind === 'missing') {
        yield entry.source;
      } else if (entry.kind === 'present') {
        stats.objectsAlreadyPresent++;
        stats.bytesAlreadyPresent += entry.source.size;
      } else if (entry.kind === 'size-differs') {
        conflicts++;
        stats.objectsAlreadyPresent++;
        options.onConflict?.(entry.source, entry.destination);
      }
    }
  }

  const toTask = (object: ListedObject): CopyTask => ({
    sourceBucket,
    sourceKey: object.key,
    size: object.size,
    destinationBucket,
    destinationKey: object.key,
  });

  if (options.dryRun) {
    const threshold = options.multipartThresholdBytes ?? MAX_SINGLE_COPY_BYTES;
    const partSize = options.partSizeBytes ?? 512 * 1024 ** 2;
    const requests: Record<string, number> = {};
    const add = (type: string, n: number) => (requests[type] = (requests[type] ?? 0) + n);
    let objects = 0;
    let bytes = 0;
    for await (const object of missingObjects()) {
      if (options.signal?.aborted) break;
      objects++;
      bytes += object.size;
      if (object.size > threshold) {
        for (const type of ['HeadObject', 'GetObjectTagging', 'CreateMultipartUpload'])
          add(type, 1);
        add('UploadPartCopy', Math.ceil(object.size / Math.max(partSize, object.size / 10_000)));
        add('CompleteMultipartUpload', 1);
      } else {
        add('CopyObject', 1);
      }
      options.onWouldCopy?.(object);
    }
    for (const [type, n] of Object.entries(stats.requests)) add(type, n);
    return {
      stats,
      conflicts,
      resumedAfter,
      complete: false,
      interrupted: options.signal?.aborted === true,
      dryRun: { objects, bytes, requests, requestCostUsd: requestCostUsd(requests) },
    };
  }

  const watermark = new Watermark(resumedAfter);
  const tickets = new Map<CopyTask, number>();
  let lastSaved = Date.now();
  const engine = new CopyEngine({
    client,
    concurrency: options.concurrency ?? 128,
    multipartThresholdBytes: options.multipartThresholdBytes,
    partSizeBytes: options.partSizeBytes,
    acl: options.acl,
    stats,
    signal: options.signal,
    retryPolicy: options.retryPolicy,
    rateLimiter: options.rateLimiter,
    copyObject: options.copyObject,
    onTaskStart: (task) => tickets.set(task, watermark.start(task.sourceKey)),
    onTaskDone: (task, outcome) => {
      watermark.finish(tickets.get(task) ?? -1, outcome !== 'failed');
      tickets.delete(task);
      // Saved every second: a crash redoes at most a second of copies, which the diff skips.
      if (journal !== undefined && Date.now() - lastSaved > 1000) {
        lastSaved = Date.now();
        journal.save(watermark.value);
      }
    },
  });

  async function* tasks(): AsyncGenerator<CopyTask> {
    for await (const object of readAhead(missingObjects(), READ_AHEAD_OBJECTS)) {
      yield toTask(object);
    }
  }

  // Each listed object ends as copied, present, gone or failed: when all have, the run is done
  // (the listing can be over long before the copies are, it reads ahead).
  const isComplete = () =>
    stats.listingDone && stats.objectsFailed === 0 && stats.objectsDone >= stats.objectsListed;
  try {
    await engine.run(tasks());
  } finally {
    // Nothing done yet (a run that failed on its first request) leaves nothing to resume either.
    if (isComplete() || watermark.value === undefined) journal?.remove();
    else journal?.save(watermark.value);
  }
  return {
    stats,
    conflicts,
    resumedAfter,
    complete: isComplete(),
    interrupted: options.signal?.aborted === true && !isComplete(),
    journalPath: journal?.path,
  };
}
