import type { BackfillOptions } from '../s3/backfill/backfill';
import { loadConfig } from '../config';
import { type RestoreOptions, restoreTargetProblem } from '../s3/restore/restore';
import { instantFlag, positiveIntegerFlag } from './args';
import type { BucketPair } from './copy-settings';
import { EXIT_INTERRUPTED, EXIT_OK, EXIT_PROBLEM } from './exit-codes';
import type { Output } from './runtime';

/**
 * The parts of backfill, restore and verify that are CLI, not entry: their run flags as the
 * library's options, and the end of a run (the summary as --json or text, the exit code).
 */

/** The run flags of `npm run backfill` (the buckets and the client are parsed apart). */
export interface BackfillRunFlags {
  readonly prefix: string;
  readonly 'if-none-match-only': boolean;
  readonly 'dry-run': boolean;
  readonly restart: boolean;
  readonly json: boolean;
}

/** Backfill options of the flags; a dry run off --json names every object it would copy. */
export function backfillRunOptions(
  values: BackfillRunFlags,
  pair: BucketPair,
  output: Output,
): Pick<
  BackfillOptions,
  | 'sourceBucket'
  | 'destinationBucket'
  | 'prefix'
  | 'listDestination'
  | 'dryRun'
  | 'restart'
  | 'onWouldCopy'
> {
  return {
    sourceBucket: pair.first,
    destinationBucket: pair.second,
    prefix: values.prefix,
    listDestination: !values['if-none-match-only'],
    dryRun: values['dry-run'],
    restart: values.restart,
    onWouldCopy: values.json
      ? undefined
      : (object) => output.stdout.write(`would copy ${object.key} (${object.size} bytes)\n`),
  };
}

/** The run flags of `npm run restore` (the buckets and the client are parsed apart). */
export interface RestoreRunFlags {
  readonly 'as-of'?: string;
  readonly prefix: string;
  readonly 'page-size'?: string;
  readonly 'max-keys'?: string;
  readonly 'into-production': boolean;
  readonly 'dry-run': boolean;
  readonly verify: boolean;
  readonly restart: boolean;
  readonly json: boolean;
}

/**
 * Restore options of the flags: a target the config does not allow refused, --as-of, and a dry
 * run off --json naming every key it would write.
 */
export function restoreRunOptions(
  values: RestoreRunFlags,
  pair: BucketPair,
  output: Output,
): Pick<
  RestoreOptions,
  | 'backupBucket'
  | 'targetBucket'
  | 'asOf'
  | 'prefix'
  | 'pageSize'
  | 'maxKeysReported'
  | 'overwriteDiffering'
  | 'dryRun'
  | 'check'
  | 'restart'
  | 'onPlanned'
> {
  const targetProblem = restoreTargetProblem(loadConfig(), pair.second, values['into-production']);
  if (targetProblem !== undefined) throw targetProblem;
  return {
    backupBucket: pair.first,
    targetBucket: pair.second,
    asOf: instantFlag(values['as-of'], 'as-of'),
    prefix: values.prefix,
    pageSize: positiveIntegerFlag(values['page-size'], 'page-size', 1000),
    maxKeysReported: positiveIntegerFlag(values['max-keys'], 'max-keys', 100),
    overwriteDiffering: values['into-production'],
    dryRun: values['dry-run'],
    check: values.verify,
    restart: values.restart,
    onPlanned:
      values.json || !values['dry-run']
        ? undefined
        : (key, action, size) =>
            output.stdout.write(`would ${action} ${JSON.stringify(key)} (${size} bytes)\n`),
  };
}

/**
 * Writes a run's summary, one JSON line with --json or else `text`, and returns the exit code:
 * interrupted 130, else 0 when `ok`, else 1.
 */
export function finishRun<S>(
  output: Output,
  json: boolean,
  summary: S,
  text: (summary: S) => string,
  outcome: { readonly interrupted: boolean; readonly ok: boolean },
): number {
  output.stdout.write(json ? `${JSON.stringify(summary)}\n` : text(summary));
  if (outcome.interrupted) return EXIT_INTERRUPTED;
  return outcome.ok ? EXIT_OK : EXIT_PROBLEM;
}
