// `npm run restore`: a backup bucket as it was at a point in time, into a target (s3/restore/).
import { instantFlag, positiveIntegerFlag } from '../cli/args';
import { bucketPairFlags, locateBucketPair, parseCopySettings } from '../cli/copy-settings';
import { EXIT_INTERRUPTED, EXIT_OK, EXIT_PROBLEM } from '../cli/exit-codes';
import { CONNECTION_FLAGS, copyFlags, maxKeysFlag, RESTORE_FLAGS } from '../cli/flags';
import { AWS_ENV, CONFIG_ENV, STATE_DIR_ENV } from '../cli/help';
import { withProgress } from '../cli/progress';
import { RESTORE_ENGINE_FLAG, restoreEngineCommand, restoreEngineMain } from '../cli/restore-batch';
import { type Command, runMain } from '../cli/runtime';
import { restoreSummaryText } from '../cli/summary';
import { loadConfig } from '../config';
import { restore, restoreTargetProblem } from '../s3/restore/restore';
import { restoreSummary } from '../s3/restore/summary';

const FLAGS = {
  ...RESTORE_FLAGS,
  ...CONNECTION_FLAGS,
  ...copyFlags('none', ': the restore role has no s3:PutObjectAcl'),
  ...maxKeysFlag(100),
  ...RESTORE_ENGINE_FLAG,
} as const;

export const restoreCommand: Command<typeof FLAGS> = {
  name: 'restore',
  usage: 'npm run restore -- --backup <bucket> --target <bucket> --as-of <time> [options]',
  description:
    'Restores --backup as it was at --as-of into --target: for each key, the newest version at or before that time, copied server side by version id. A key whose newest entry then was a delete marker did not exist and is not restored. Never writes to the backup bucket, never deletes from the target: keys in the target that did not exist at --as-of are reported, not removed. Interrupted, run it again with the same arguments: it resumes.',
  flags: FLAGS,
  env: [...AWS_ENV, CONFIG_ENV, STATE_DIR_ENV],
  problem: 'objects failed, conflicts were left alone, or --verify found differences',
  interruptible: true,
  flagOf: { targetBucket: 'target', overwriteDiffering: 'into-production', asOf: 'as-of' },
  async run(values, { output, signal }) {
    const pair = bucketPairFlags(
      values,
      ['backup', 'target'],
      'a restore never writes to the backup: restore into another bucket',
    );
    const [backup, target] = [pair.first, pair.second];
    const targetProblem = restoreTargetProblem(loadConfig(), target, values['into-production']);
    if (targetProblem !== undefined) throw targetProblem;
    const asOf = instantFlag(values['as-of'], 'as-of');
    const copy = parseCopySettings(values, pair.regions);
    await locateBucketPair('restore', copy.client, pair, output, values.json);
    const result = await withProgress(values.json || values['dry-run'], (stats) =>
      restore({
        ...copy,
        backupBucket: backup,
        targetBucket: target,
        asOf,
        prefix: values.prefix,
        pageSize: positiveIntegerFlag(values['page-size'], 'page-size', 1000),
        maxKeysReported: positiveIntegerFlag(values['max-keys'], 'max-keys', 100),
        overwriteDiffering: values['into-production'],
        dryRun: values['dry-run'],
        check: values.verify,
        restart: values.restart,
        signal,
        stats,
        onPlanned:
          values.json || !values['dry-run']
            ? undefined
            : (key, action, size) =>
                output.stdout.write(`would ${action} ${JSON.stringify(key)} (${size} bytes)\n`),
      }),
    );
    const summary = restoreSummary(backup, target, values.prefix, asOf, result);
    output.stdout.write(
      values.json
        ? `${JSON.stringify(summary)}\n`
        : restoreSummaryText(summary, '--into-production'),
    );
    if (result.interrupted || signal.aborted) return EXIT_INTERRUPTED;
    return result.dryRun || summary.complete ? EXIT_OK : EXIT_PROBLEM;
  },
};

export const main = restoreEngineMain(restoreCommand);
if (require.main === module) runMain(restoreEngineCommand(process.argv, restoreCommand));
