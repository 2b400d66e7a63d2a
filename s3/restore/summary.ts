import { dryRunPart, runCounters } from '../engine/run-summary';
import type { RestoreResult } from './restore';

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
  };
}

export type RestoreSummary = ReturnType<typeof restoreSummary>;
