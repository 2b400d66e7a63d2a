import type { BastionConfig } from '../../config';
import { clientFor, locateBuckets } from '../client/bucket-regions';
import { InputError } from '../../cli/errors';
import {
  type CopyJobOptions,
  type DryRunEstimate,
  engineOptionsOf,
  estimateCopies,
  openJournal,
  runJournaledCopies,
} from '../engine/copy-job';
import { RunStats } from '../engine/run-stats';
import { listObjects } from '../listing/listing';
import { keysAtTime, listObjectVersions } from '../listing/version-listing';
import { checkRestore, type RestoreCheckReport } from './check';
import {
  objectsAtTime,
  planEntries,
  type RestorePlanCounts,
  RestoreTally,
  restoreCopies,
} from './plan';

export interface RestoreOptions extends CopyJobOptions {
  /** The versioned backup bucket: only read, never written. */
  readonly backupBucket: string;
  /** Where the restored objects go; never the backup bucket. */
  readonly targetBucket: string;
  /** For each key, the newest version at or before this instant is restored. */
  readonly asOf: Date;
  /**
   * Allow overwriting keys that the target holds with other content (a restore into the live
   * production bucket). Without it an existing key is never overwritten: a differing one is a
   * conflict, reported. Keys with the same content are skipped either way.
   * @default false
   */
  readonly overwriteDiffering?: boolean;
  /** The restore role has no s3:PutObjectAcl, so no ACL by default. @default 'none' */
  readonly acl?: 'bucket-owner-full-control' | 'none';
  /** Entries per listing page (tests use small pages to cross page boundaries). */
  readonly pageSize?: number;
  /** Keys of each reported kind kept for the summary; counts are always complete. @default 100 */
  readonly maxKeysReported?: number;
  /** Called for each key that is (or in a dry run would be) written, with why. */
  readonly onPlanned?: (key: string, action: 'create' | 'overwrite', size: number) => void;
  /**
   * After a run that went through (not a dry run, not interrupted), list both again and check the
   * target against the backup at `asOf`: RestoreResult.check.
   */
  readonly check?: boolean;
}

export interface RestoreResult {
  readonly stats: RunStats;
  readonly plan: RestorePlanCounts;
  /** Differing keys left alone because overwriting was not allowed. */
  readonly conflicts: number;
  readonly resumedAfter?: string;
  readonly interrupted: boolean;
  readonly dryRun?: DryRunEstimate;
  readonly journalPath?: string;
  /** The check of the target after the run, when asked for and the run went through. */
  readonly check?: RestoreCheckReport;
}

/**
 * Restores a prefix of a versioned backup bucket as it was at `asOf` into a target bucket, server
 * side (CopyObject by version id; UploadPartCopy above the threshold). For each key the newest
 * version at or before `asOf` is copied; a key whose newest entry then was a delete marker, or
 * that was created later, is not. Nothing is ever written to the backup bucket and nothing is
 * ever deleted from the target: target keys that did not exist at `asOf` are reported.
 * Interrupted, it leaves a journal; run again with the same arguments it resumes. The stages
 * (listing at `asOf`, plan, copies) are in plan.ts.
 */
export async function restore(options: RestoreOptions): Promise<RestoreResult> {
  const { client, backupBucket, targetBucket, asOf } = options;
  const prefix = options.prefix ?? '';
  if (backupBucket === targetBucket) {
    throw new InputError(
      `the target is the backup bucket (${backupBucket}); a restore never writes to the backup`,
      'targetBucket',
    );
  }
  if (Number.isNaN(asOf.getTime())) {
    throw new InputError('asOf is not a valid date', 'asOf');
  }
  await locateBuckets(client, [backupBucket, targetBucket]);
  const stats = options.stats ?? new RunStats();
  const tally = new RestoreTally(stats, options.maxKeysReported ?? 100);
  const { journal, resumedAfter } = openJournal(options, {
    tool: 'restore',
    source: backupBucket,
    destination: targetBucket,
    prefix,
    scope: `as-of ${asOf.toISOString()}${options.overwriteDiffering ? ' overwrite' : ''}`,
  });
  const listing = {
    prefix,
    pageSize: options.pageSize,
    onRequest: (type: string) => stats.countRequest(type),
  };
  const versions = listObjectVersions(clientFor(client, backupBucket), {
    bucket: backupBucket,
    keyMarker: resumedAfter,
    ...listing,
  });
  const atTime = objectsAtTime(
    keysAtTime(versions, asOf),
    (entry) => tally.sawKey(entry),
    () => (stats.listingDone = true),
  );
  const target = listObjects(clientFor(client, targetBucket), {
    bucket: targetBucket,
    startAfter: resumedAfter,
    ...listing,
  });
  const copies = restoreCopies(planEntries(atTime, target, tally), options, tally);
  const result = { stats, plan: tally.plan, resumedAfter };

  if (options.dryRun) {
    const dryRun = await estimateCopies(copies, {
      multipartThresholdBytes: options.multipartThresholdBytes,
      partSizeBytes: options.partSizeBytes,
      signal: options.signal,
      requestsSoFar: stats.requests,
    });
    return {
      ...result,
      conflicts: tally.conflicts,
      interrupted: options.signal?.aborted === true,
      dryRun,
    };
  }
  await runJournaledCopies(
    copies,
    engineOptionsOf(options, stats, 'none'),
    journal,
    resumedAfter,
    () => stats.listingDone && stats.objectsFailed === 0 && !options.signal?.aborted,
  );
  const interrupted = options.signal?.aborted === true && !stats.listingDone;
  const check =
    options.check && !interrupted && !options.signal?.aborted
      ? await checkRestore({ ...options, ...listing, maxKeysReported: options.maxKeysReported })
      : undefined;
  return { ...result, conflicts: tally.conflicts, interrupted, journalPath: journal?.path, check };
}

/**
 * What the deployment's config says of a restore target: a backup bucket is never a target, and
 * a production (source) bucket is one only when overwriting differing keys is asked for. The
 * error names the option at fault (`targetBucket` or `overwriteDiffering`); undefined when the
 * restore may go on.
 */
export function restoreTargetProblem(
  config: BastionConfig,
  target: string,
  overwriteDiffering: boolean,
): InputError | undefined {
  const backupIndex = config.sourceBuckets.findIndex((b) => b.backupBucketName === target);
  if (backupIndex >= 0) {
    return new InputError(
      `${target} is a backup bucket (sourceBuckets[${backupIndex}].backupBucketName in the config): a restore never writes to a backup`,
      'targetBucket',
    );
  }
  const sourceIndex = config.sourceBuckets.findIndex((b) => b.name === target);
  if (sourceIndex >= 0 && !overwriteDiffering) {
    return new InputError(
      `${target} is a production bucket (sourceBuckets[${sourceIndex}].name in the config): restoring into it must be asked for explicitly, and then only keys whose content differs are written`,
      'overwriteDiffering',
    );
  }
  return undefined;
}
