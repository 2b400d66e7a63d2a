import { batchBackfill } from '../s3/backfill/batch-replication';
import { regionFlag, roleArnFlag, urlFlag } from './args';
import { EXIT_OK, EXIT_PROBLEM } from './exit-codes';
import type { BATCH_FLAGS, CONNECTION_FLAGS } from './flags';
import type { FlagValues, Output } from './runtime';

type BatchFlagValues = FlagValues<typeof CONNECTION_FLAGS & typeof BATCH_FLAGS> & {
  readonly 'dry-run': boolean;
  readonly 'source-region'?: string;
};

/**
 * `npm run backfill -- --engine batch`: starts an S3 Batch Replication job over `source`
 * (s3/backfill/batch-replication.ts) and prints what it does; the exit code.
 */
export async function runBatchEngine(
  values: BatchFlagValues,
  source: string,
  output: Output,
): Promise<number> {
  const result = await batchBackfill({
    sourceBucket: source,
    prefix: values.prefix,
    region: regionFlag(values.region, 'region'),
    sourceRegion: regionFlag(values['source-region'], 'source-region'),
    endpointUrl: urlFlag(values['endpoint-url'], 'endpoint-url'),
    roleArn: roleArnFlag(values['role-arn'], 'role-arn'),
    accountId: values['account-id'],
    jobRoleArn: roleArnFlag(values['batch-role-arn'], 'batch-role-arn'),
    reportBucket: values['report-bucket'],
    dryRun: values['dry-run'],
    wait: values.wait,
    onStarted: (jobId, accountId) =>
      output.stdout.write(
        values.json
          ? `${JSON.stringify({ jobId, accountId })}\n`
          : `started S3 Batch Replication job ${jobId}\n`,
      ),
    onProgress: (jobId, status, progress) =>
      output.stderr.write(
        `job ${jobId}: ${status}, ${progress?.NumberOfTasksSucceeded ?? 0} succeeded, ${progress?.NumberOfTasksFailed ?? 0} failed of ${progress?.TotalNumberOfTasks ?? '?'}\n`,
      ),
  });
  if (result.kind === 'dry-run') {
    output.stdout.write(`${JSON.stringify(result.request, null, 2)}\n`);
    return EXIT_OK;
  }
  if (values.json && result.final) {
    output.stdout.write(`${JSON.stringify({ jobId: result.jobId, ...result.final })}\n`);
  }
  return result.ok ? EXIT_OK : EXIT_PROBLEM;
}
