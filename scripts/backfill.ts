// `npm run backfill`: copies what the backup bucket lacks (s3/backfill/backfill.ts), or starts an
// S3 Batch Replication job (--engine batch, cli/batch-engine.ts).
import { choiceFlag } from '../cli/args';
import { runBatchEngine } from '../cli/batch-engine';
import { bucketPairFlags, locateBucketPair, parseCopySettings } from '../cli/copy-settings';
import { EXIT_INTERRUPTED, EXIT_OK, EXIT_PROBLEM } from '../cli/exit-codes';
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
    const [source, destination] = [pair.first, pair.second];
    if (choiceFlag(values.engine, 'engine', ['local', 'batch']) === 'batch') {
      return runBatchEngine(values, source, output);
    }
    const copy = parseCopySettings(values, pair.regions);
    await locateBucketPair('backfill', copy.client, pair, output, values.json);
    const result = await withProgress(values.json || values['dry-run'], (stats) =>
      backfill({
        ...copy,
        sourceBucket: source,
        destinationBucket: destination,
        prefix: values.prefix,
        listDestination: !values['if-none-match-only'],
        dryRun: values['dry-run'],
        restart: values.restart,
        signal,
        stats,
        onWouldCopy: values.json
          ? undefined
          : (object) => output.stdout.write(`would copy ${object.key} (${object.size} bytes)\n`),
      }),
    );
    const summary = backfillSummary(source, destination, values.prefix, result);
    output.stdout.write(
      values.json ? `${JSON.stringify(summary)}\n` : backfillSummaryText(summary),
    );
    if (result.interrupted || signal.aborted) return EXIT_INTERRUPTED;
    return result.stats.objectsFailed > 0 ? EXIT_PROBLEM : EXIT_OK;
  },
};

export const main = commandMain(backfillCommand);
if (require.main === module) runMain(backfillCommand);
