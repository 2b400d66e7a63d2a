import type { DryRunEstimate } from './copy-job';
import { requestCostUsd } from './pricing';
import type { RunStats } from './run-stats';

/**
 * What every copying run reports, in the order the JSON summaries print it: failures, requests
 * and their list price, retries, duration. Backfill and restore summaries add their own fields
 * around it (s3/backfill/summary.ts, s3/restore/summary.ts); cli/summary.ts renders them as text.
 */
export function runCounters(stats: RunStats) {
  return {
    sourceGone: stats.objectsSourceGone,
    failed: { objects: stats.objectsFailed, first: stats.failed.slice(0, 20) },
    requests: stats.requests,
    requestCostUsd: Number(requestCostUsd(stats.requests).toFixed(6)),
    retries: stats.retries,
    throttles: stats.throttles,
    durationSeconds: Number(stats.elapsedSeconds.toFixed(3)),
  };
}

export type RunCounters = ReturnType<typeof runCounters>;

/** `{ dryRun: ... }` for a dry run, `{}` otherwise: spread last into a summary. */
export function dryRunPart(dryRun: DryRunEstimate | undefined) {
  return dryRun === undefined
    ? {}
    : {
        dryRun: {
          objects: dryRun.objects,
          bytes: dryRun.bytes,
          requests: dryRun.requests,
          requestCostUsd: Number(dryRun.requestCostUsd.toFixed(6)),
        },
      };
}
