import { type CopyTask } from '../engine/copy-engine';
import {
  type CopyJobOptions,
  type DryRunEstimate,
  engineOptionsOf,
  estimateCopies,
  openJournal,
  runJournaledCopies,
} from '../engine/copy-job';
import { clientFor, locateBuckets } from '../client/bucket-regions';
import { InputError } from '../../cli/errors';
import { type ListedObject, listObjects } from '../listing/listing';
import { mergeDiff } from '../listing/merge-diff';
import { readAhead } from '../engine/pool';
import { RunStats } from '../engine/run-stats';

/**
 * Objects to copy that the listing may run ahead of the copies: a few MB of memory, enough to
 * know the total (and so an ETA) at once for buckets of up to this size, and to keep listing
 * latency out of the copy path.
 */
const READ_AHEAD_OBJECTS = 20_000;

export interface BackfillOptions extends CopyJobOptions {
  readonly sourceBucket: string;
  readonly destinationBucket: string;
  /**
   * List the destination and copy only what is missing (needs s3:ListBucket on it). Without it,
   * every source object is sent and If-None-Match: * alone keeps existing objects (a 412 each).
   * @default true
   */
  readonly listDestination?: boolean;
  /** Dry run: called for each object that would be copied. */
  readonly onWouldCopy?: (object: ListedObject) => void;
  /** Called for each key whose destination object differs in size (never overwritten). */
  readonly onConflict?: (source: ListedObject, destination: ListedObject) => void;
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
    throw new InputError(
      `source and destination are the same bucket (${sourceBucket}); the backfill copies to another bucket only`,
      'destinationBucket',
    );
  }
  await locateBuckets(client, [sourceBucket, destinationBucket]);
  const stats = options.stats ?? new RunStats();
  const listDestination = options.listDestination ?? true;
  const { journal, resumedAfter } = openJournal(options, {
    tool: 'backfill',
    source: sourceBucket,
    destination: destinationBucket,
    prefix,
  });
  const countListing = { onRequest: (type: string) => stats.countRequest(type) };

  async function* sourceObjects(): AsyncGenerator<ListedObject> {
    for await (const object of listObjects(clientFor(client, sourceBucket), {
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
    const destination = listObjects(clientFor(client, destinationBucket), {
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
    const dryRun = await estimateCopies(missingObjects(), {
      multipartThresholdBytes: options.multipartThresholdBytes,
      partSizeBytes: options.partSizeBytes,
      signal: options.signal,
      requestsSoFar: stats.requests,
      onItem: options.onWouldCopy,
    });
    return {
      stats,
      conflicts,
      resumedAfter,
      complete: false,
      interrupted: options.signal?.aborted === true,
      dryRun,
    };
  }

  async function* tasks(): AsyncGenerator<CopyTask> {
    for await (const object of readAhead(missingObjects(), READ_AHEAD_OBJECTS)) {
      yield toTask(object);
    }
  }

  // Each listed object ends as copied, present, gone or failed: when all have, the run is done
  // (the listing can be over long before the copies are, it reads ahead).
  const isComplete = () =>
    stats.listingDone && stats.objectsFailed === 0 && stats.objectsDone >= stats.objectsListed;
  await runJournaledCopies(
    tasks(),
    engineOptionsOf(options, stats, 'bucket-owner-full-control'),
    journal,
    resumedAfter,
    isComplete,
  );
  return {
    stats,
    conflicts,
    resumedAfter,
    complete: isComplete(),
    interrupted: options.signal?.aborted === true && !isComplete(),
    journalPath: journal?.path,
  };
}
