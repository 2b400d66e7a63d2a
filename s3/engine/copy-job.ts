import type { S3Clients } from '../client/bucket-regions';
import {
  CopyEngine,
  type CopyEngineOptions,
  type CopyTask,
  MAX_SINGLE_COPY_BYTES,
} from './copy-engine';
import { type JournalState, ResumeJournal, Watermark } from './journal';
import { requestCostUsd } from './pricing';
import type { AdaptiveRateLimiter } from '../client/rate-limiter';
import type { RetryPolicy } from '../client/retry';
import type { RunStats } from './run-stats';
import type { CopyObjectSender } from '../client/signed-copy';

/**
 * What backfill and restore share around the copy engine: the dry-run estimate, and a run whose
 * progress is kept in a resume journal.
 */

/** The options of a copy job (backfill, restore) that tune the copy engine. */
export interface CopyJobOptions {
  /** The client of each bucket (RegionalS3Clients), or one client for all. */
  readonly client: S3Clients;
  readonly prefix?: string;
  /** @default 128 */
  readonly concurrency?: number;
  readonly dryRun?: boolean;
  readonly multipartThresholdBytes?: number;
  readonly partSizeBytes?: number;
  readonly acl?: 'bucket-owner-full-control' | 'none';
  /** Where the resume journal lives; no journal when undefined. */
  readonly stateDir?: string;
  /** Forget the journal of an interrupted run and start from the first key. */
  readonly restart?: boolean;
  readonly signal?: AbortSignal;
  readonly stats?: RunStats;
  readonly retryPolicy?: RetryPolicy;
  readonly rateLimiter?: AdaptiveRateLimiter;
  /** How single copies are sent (see CopyEngineOptions.copyObject). */
  readonly copyObject?: CopyObjectSender;
}

/** The copy engine's options for a job; `defaultAcl` is the tool's (restore: none). */
export function engineOptionsOf(
  options: CopyJobOptions,
  stats: RunStats,
  defaultAcl: 'bucket-owner-full-control' | 'none',
): Omit<CopyEngineOptions, 'onTaskStart' | 'onTaskDone'> {
  return {
    client: options.client,
    concurrency: options.concurrency ?? 128,
    multipartThresholdBytes: options.multipartThresholdBytes,
    partSizeBytes: options.partSizeBytes,
    acl: options.acl ?? defaultAcl,
    stats,
    signal: options.signal,
    retryPolicy: options.retryPolicy,
    rateLimiter: options.rateLimiter,
    copyObject: options.copyObject,
  };
}

/**
 * The job's resume journal, named by what makes two runs the same work, and the key the last run
 * got to. None for a dry run (it writes nothing) or without a state dir; `restart` forgets it.
 */
export function openJournal(
  options: CopyJobOptions,
  identity: Omit<JournalState, 'version' | 'watermark' | 'updatedAt'>,
): { journal: ResumeJournal | undefined; resumedAfter: string | undefined } {
  if (options.stateDir === undefined || options.dryRun) {
    return { journal: undefined, resumedAfter: undefined };
  }
  const journal = new ResumeJournal(options.stateDir, identity);
  if (options.restart) journal.remove();
  return { journal, resumedAfter: journal.load()?.watermark };
}

export interface DryRunEstimate {
  readonly objects: number;
  readonly bytes: number;
  /** Requests a real run would send, by type, and their price at list prices. */
  readonly requests: Record<string, number>;
  readonly requestCostUsd: number;
}

const DEFAULT_PART_SIZE_BYTES = 512 * 1024 ** 2;

/**
 * Counts what copying `items` would send, without sending it: one CopyObject per object, or the
 * multipart sequence above the threshold. `requestsSoFar` (the listings) are added in.
 */
export async function estimateCopies<T extends { readonly size: number }>(
  items: AsyncIterable<T>,
  options: {
    readonly multipartThresholdBytes?: number;
    readonly partSizeBytes?: number;
    readonly signal?: AbortSignal;
    readonly requestsSoFar: Readonly<Record<string, number>>;
    readonly onItem?: (item: T) => void;
  },
): Promise<DryRunEstimate> {
  const threshold = options.multipartThresholdBytes ?? MAX_SINGLE_COPY_BYTES;
  const partSize = options.partSizeBytes ?? DEFAULT_PART_SIZE_BYTES;
  const requests: Record<string, number> = {};
  const add = (type: string, n: number) => (requests[type] = (requests[type] ?? 0) + n);
  let objects = 0;
  let bytes = 0;
  for await (const item of items) {
    if (options.signal?.aborted) break;
    objects++;
    bytes += item.size;
    if (item.size > threshold) {
      // The multipart path reads metadata and tags first: CreateMultipartUpload copies neither.
      for (const type of ['HeadObject', 'GetObjectTagging', 'CreateMultipartUpload']) add(type, 1);
      add('UploadPartCopy', Math.ceil(item.size / Math.max(partSize, item.size / 10_000)));
      add('CompleteMultipartUpload', 1);
    } else {
      add('CopyObject', 1);
    }
    options.onItem?.(item);
  }
  for (const [type, n] of Object.entries(options.requestsSoFar)) add(type, n);
  return { objects, bytes, requests, requestCostUsd: requestCostUsd(requests) };
}

/** Seconds between journal saves: a crash redoes at most this much work, which the diff skips. */
const JOURNAL_SAVE_INTERVAL_MS = 1000;

/**
 * Runs the engine over tasks in key order and keeps the watermark (every key up to it is done)
 * in the journal: saved every second, removed when `isFinished()` says the job is over, kept
 * otherwise so that the next run resumes after it.
 */
export async function runJournaledCopies(
  tasks: AsyncIterable<CopyTask>,
  options: Omit<CopyEngineOptions, 'onTaskStart' | 'onTaskDone'>,
  journal: ResumeJournal | undefined,
  resumedAfter: string | undefined,
  isFinished: () => boolean,
): Promise<void> {
  const watermark = new Watermark(resumedAfter);
  const tickets = new Map<CopyTask, number>();
  let lastSaved = Date.now();
  const engine = new CopyEngine({
    ...options,
    onTaskStart: (task) => tickets.set(task, watermark.start(task.sourceKey)),
    onTaskDone: (task, outcome) => {
      watermark.finish(tickets.get(task) ?? -1, outcome !== 'failed');
      tickets.delete(task);
      if (journal !== undefined && Date.now() - lastSaved > JOURNAL_SAVE_INTERVAL_MS) {
        lastSaved = Date.now();
        journal.save(watermark.value);
      }
    },
  });
  try {
    await engine.run(tasks);
  } finally {
    // Nothing done yet (a run that failed on its first request) leaves nothing to resume either.
    if (isFinished() || watermark.value === undefined) journal?.remove();
    else journal?.save(watermark.value);
  }
}
