import { compareRestoreEngines } from '../batch-restore/cost';
import { dryRunPart, runCounters } from '../engine/run-summary';
import type { RestoreResult } from './restore';

/**
 * The same restore through `--engine batch`, for a dry run to weigh the engines: S3 Batch
 * Operations copies every version the manifest names (all that existed at as-of: it does not
 * compare with the target), and bills per job and per object on top of the copies.
 */
function batchEngineEstimate(result: RestoreResult) {
  if (result.dryRun === undefined) return {};
  const listRequests = result.dryRun.requests.ListObjectVersions ?? 0;
  const objects = result.plan.existedAtAsOf.objects;
  const batch = compareRestoreEngines(listRequests, objects).find((e) => e.engine === 'batch');
  return batch === undefined
    ? {}
    : { batchEngine: { objects, requests: batch.requests, usd: Number(batch.usd.toFixed(6)) } };
}

/** The summary of a restore run (and of its check, if one ran), as `--json` prints it. */
export function restoreSummary(
  backup: string,
  target: string,
  prefix: string,
  asOf: Date,
  result: RestoreResult,
) {
  const { stats, plan, check } = result;
  return {
    backup,
    target,
    prefix,
    asOf: asOf.toISOString(),
    complete:
      stats.listingDone &&
      stats.objectsFailed === 0 &&
      result.conflicts === 0 &&
      !result.interrupted &&
      (check?.ok ?? true),
    resumedAfter: result.resumedAfter ?? null,
    plan,
    written: { objects: stats.objectsCopied, bytes: stats.bytesCopied },
    conflicts: result.conflicts,
    ...runCounters(stats),
    ...(check === undefined ? {} : { verify: check }),
    ...dryRunPart(result.dryRun),
    ...batchEngineEstimate(result),
  };
}

export type RestoreSummary = ReturnType<typeof restoreSummary>;
