// `npm run restore`: a backup bucket as it was at a point in time, into a target (s3/restore/).
import { finishRun, restoreRunOptions } from '../cli/copy-run';
import { bucketPairFlags, pairCopySettings } from '../cli/copy-settings';
import { CONNECTION_FLAGS, copyFlags, maxKeysFlag, RESTORE_FLAGS } from '../cli/flags';
import { AWS_ENV, CONFIG_ENV, STATE_DIR_ENV } from '../cli/help';
import { withProgress } from '../cli/progress';
import { RESTORE_ENGINE_FLAG, restoreEngineCommand, restoreEngineMain } from '../cli/restore-batch';
import { type Command, runMain } from '../cli/runtime';
import { restoreSummaryText } from '../cli/summary';
import { restore } from '../s3/restore/restore';
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
    const options = restoreRunOptions(values, pair, output);
    const copy = await pairCopySettings('restore', values, pair, output);
    const result = await withProgress(values.json || values['dry-run'], (stats) =>
      restore({ ...copy, ...options, signal, stats }),
    );
    const summary = restoreSummary(pair.first, pair.second, values.prefix, options.asOf, result);
    return finishRun(output, values.json, summary, restoreSummaryText, {
      interrupted: result.interrupted || signal.aborted,
      ok: result.dryRun !== undefined || summary.complete,
    });
  },
};

export const main = restoreEngineMain(restoreCommand);
if (require.main === module) runMain(restoreEngineCommand(process.argv, restoreCommand));
