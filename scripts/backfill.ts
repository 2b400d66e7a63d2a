// `npm run backfill`: copies what the backup bucket lacks (s3/backfill/backfill.ts), or starts an
// S3 Batch Replication job (--engine batch, cli/batch-engine.ts).
import { choiceFlag } from '../cli/args';
import { runBatchEngine } from '../cli/batch-engine';
import { backfillRunOptions, finishRun } from '../cli/copy-run';
import { bucketPairFlags, pairCopySettings } from '../cli/copy-settings';
import { BACKFILL_FLAGS, BATCH_FLAGS, CONNECTION_FLAGS, copyFlags } from '../cli/flags';
import { AWS_ENV, STATE_DIR_ENV } from '../cli/help';
import { withProgress } from '../cli/progress';
import { type Command, commandMain, runMain } from '../cli/runtime';
import { backfillSummaryText } from '../cli/summary';
import { backfill } from '../s3/backfill/backfill';
import { backfillSummary } from '../s3/backfill/summary';

const FLAGS = {
  ...BACKFILL_FLAGS,
  ...CONNECTION_FLAGS,
  ...copyFlags('bucket-owner-full-control', ''),
  ...BATCH_FLAGS,
} as const;

export const backfillCommand: Command<typeof FLAGS> = {
  name: 'backfill',
  usage: 'npm run backfill -- --source <bucket> --destination <bucket> [options]',
  description:
    'Copies the objects of --source that --destination lacks, server side (CopyObject with If-None-Match: * and ACL bucket-owner-full-control, metadata and tags kept). Never overwrites, never deletes, never writes to the source. Interrupted, run it again: it resumes.',
  flags: FLAGS,
  env: [...AWS_ENV, STATE_DIR_ENV],
  problem: 'objects failed (listed in the summary), or the batch job did not complete',
  interruptible: true,
  flagOf: { accountId: 'account-id', destinationBucket: 'destination' },
  async run(values, { output, signal }) {
    const pair = bucketPairFlags(
      values,
      ['source', 'destination'],
      'the backfill only copies to another bucket',
    );
    if (choiceFlag(values.engine, 'engine', ['local', 'batch']) === 'batch') {
      return runBatchEngine(values, pair.first, output);
    }
    const copy = await pairCopySettings('backfill', values, pair, output);
    const result = await withProgress(values.json || values['dry-run'], (stats) =>
      backfill({ ...copy, ...backfillRunOptions(values, pair, output), signal, stats }),
    );
    const summary = backfillSummary(pair.first, pair.second, values.prefix, result);
    return finishRun(output, values.json, summary, backfillSummaryText, {
      interrupted: result.interrupted || signal.aborted,
      ok: result.stats.objectsFailed === 0,
    });
  },
};

export const main = commandMain(backfillCommand);
if (require.main === module) runMain(backfillCommand);
