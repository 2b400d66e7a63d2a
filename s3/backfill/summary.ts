import { dryRunPart, runCounters } from '../engine/run-summary';
import type { BackfillResult } from './backfill';

/** The summary of a backfill run, as `npm run backfill -- --json` prints it. */
export function backfillSummary(
  source: string,
  destination: string,
  prefix: string,
  result: BackfillResult,
) {
  const { stats } = result;
  return {
    source,
    destination,
    prefix,
    complete: result.complete,
    resumedAfter: result.resumedAfter ?? null,
    copied: { objects: stats.objectsCopied, bytes: stats.bytesCopied },
    alreadyPresent: { objects: stats.objectsAlreadyPresent, bytes: stats.bytesAlreadyPresent },
    sizeConflicts: result.conflicts,
    ...runCounters(stats),
    ...dryRunPart(result.dryRun),
  };
}

export type BackfillSummary = ReturnType<typeof backfillSummary>;
