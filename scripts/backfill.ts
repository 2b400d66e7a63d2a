/**
 * Copies every object of a source bucket that the backup bucket lacks, server side, without ever
 * overwriting or deleting anything. Thin entry over s3/backfill/backfill.ts.
 *
 *   npm run backfill -- --source <bucket> --destination <bucket> [--prefix P] [--role-arn ARN]
 *     [--source-region R] [--destination-region R] [--endpoint-url URL] [--dry-run] [--json]
 */
import {
  bucketFlag,
  CONNECTION_FLAGS,
  parseFlags,
  regionFlag,
  roleArnFlag,
  urlFlag,
} from '../cli/args';
import { backfill, type BackfillResult } from '../s3/backfill/backfill';
import {
  EXIT_INCOMPLETE,
  EXIT_INTERRUPTED,
  EXIT_OK,
  type Output,
  reportError,
  runInterruptibleMain,
} from '../cli/runtime';
import {
  describeBucketRegions,
  locateBuckets,
  RegionalS3Clients,
} from '../s3/client/bucket-regions';
import { assumedRoleCredentials } from '../s3/client/clients';
import { UsageError } from '../s3/client/errors';
import { formatBytes, formatCount } from '../cli/format';
import { defaultStateDir } from '../s3/engine/journal';
import { requestCostUsd } from '../s3/engine/pricing';
import { ProgressReporter } from '../cli/progress';
import { RunStats } from '../s3/engine/run-stats';
import { parseCopySettings } from '../s3/engine/copy-settings';

const USAGE = `usage: npm run backfill -- --source <bucket> --destination <bucket> [options]

Copies the objects of --source that --destination lacks, server side (CopyObject with
If-None-Match: * and ACL bucket-owner-full-control, metadata and tags kept). Never overwrites,
never deletes, never writes to the source. Interrupted, run it again: it resumes.

  --prefix P                  only keys under P
  --role-arn ARN              assume this role first (the backfill role, s3-bastion-backfill)
  --source-region R           region of --source; --destination-region R: of --destination.
                              Without them each bucket's region is looked up (HeadBucket) and
                              every request goes to its bucket's region; copies to the
                              destination's
  --region R                  where look-ups and STS go, and the region of a bucket whose server
                              names none (default: AWS_REGION / profile, else us-east-1)
  --endpoint-url URL          an S3-compatible endpoint (default: AWS_ENDPOINT_URL_S3)
  --concurrency N             copies in flight (default 128)
  --dry-run                   list what would be copied, with counts, bytes and request cost
  --json                      print the summary as JSON on stdout, no progress
  --if-none-match-only        do not list the destination (for a role without s3:ListBucket on
                              it): send every object and let If-None-Match: * refuse existing ones
  --multipart-threshold SIZE  copy larger objects with UploadPartCopy (default 5GiB)
  --part-size SIZE            part size of multipart copies (default 512MiB)
  --acl bucket-owner-full-control|none   (default bucket-owner-full-control)
  --sdk-copy                  send CopyObject through the AWS SDK instead of the lean signed
                              request (same request, about 4x the CPU)
  --state-dir DIR             where the resume journal lives (default ~/.s3-bastion-backup)
  --restart                   ignore the journal of an interrupted run and diff from the start
  --engine local|batch        batch: start an S3 Batch Replication job instead (above ~5 million
                              objects or 1 TB); needs replication configured on the source
  --account-id ID             batch: the source account (default: from sts:GetCallerIdentity)
  --batch-role-arn ARN        batch: role of the job (default <account>:role/s3-bastion-batch-replication)
  --report-bucket B           batch: bucket for the report of failed tasks
  --wait                      batch: report the job's progress until it ends
`;

const FLAGS = {
  ...CONNECTION_FLAGS,
  source: { type: 'string' },
  destination: { type: 'string' },
  'source-region': { type: 'string' },
  'destination-region': { type: 'string' },
  prefix: { type: 'string', default: '' },
  concurrency: { type: 'string' },
  'dry-run': { type: 'boolean', default: false },
  'if-none-match-only': { type: 'boolean', default: false },
  'multipart-threshold': { type: 'string' },
  'part-size': { type: 'string' },
  acl: { type: 'string', default: 'bucket-owner-full-control' },
  'state-dir': { type: 'string' },
  restart: { type: 'boolean', default: false },
  engine: { type: 'string', default: 'local' },
  'account-id': { type: 'string' },
  'batch-role-arn': { type: 'string' },
  'report-bucket': { type: 'string' },
  wait: { type: 'boolean', default: false },
  'sdk-copy': { type: 'boolean', default: false },
} as const;

function summaryJson(source: string, destination: string, prefix: string, result: BackfillResult) {
  const { stats } = result;
  return {
    source,
    destination,
    prefix,
    complete: result.complete,
    resumedAfter: result.resumedAfter ?? null,
    copied: { objects: stats.objectsCopied, bytes: stats.bytesCopied },
    alreadyPresent: { objects: stats.objectsAlreadyPresent, bytes: stats.bytesAlreadyPresent },
    sizeConflicts: result.conflicts,
    sourceGone: stats.objectsSourceGone,
    failed: { objects: stats.objectsFailed, first: stats.failed.slice(0, 20) },
    requests: stats.requests,
    requestCostUsd: Number(requestCostUsd(stats.requests).toFixed(6)),
    retries: stats.retries,
    throttles: stats.throttles,
    durationSeconds: Number(stats.elapsedSeconds.toFixed(3)),
    ...(result.dryRun === undefined
      ? {}
      : {
          dryRun: {
            objects: result.dryRun.objects,
            bytes: result.dryRun.bytes,
            requests: result.dryRun.requests,
            requestCostUsd: Number(result.dryRun.requestCostUsd.toFixed(6)),
          },
        }),
  };
}

function summaryText(source: string, destination: string, prefix: string, result: BackfillResult) {
  const s = summaryJson(source, destination, prefix, result);
  const requests = Object.entries(s.requests)
    .map(([type, n]) => `${type} ${formatCount(n)}`)
    .join(', ');
  const lines = [
    `backfill s3://${source}/${prefix} -> s3://${destination}/${prefix}: ${
      result.dryRun ? 'dry run, nothing written' : s.complete ? 'complete' : 'NOT complete'
    }${s.resumedAfter === null ? '' : ` (resumed after ${JSON.stringify(s.resumedAfter)})`}`,
  ];
  if (result.dryRun) {
    const requestsNeeded = Object.entries(result.dryRun.requests)
      .map(([type, n]) => `${type} ${formatCount(n)}`)
      .join(', ');
    lines.push(
      `  would copy       ${formatCount(result.dryRun.objects)} objects, ${formatBytes(result.dryRun.bytes)}`,
      `  already present  ${formatCount(s.alreadyPresent.objects)} objects, ${formatBytes(s.alreadyPresent.bytes)}`,
      `  requests         ${requestsNeeded}`,
      `  request cost     $${result.dryRun.requestCostUsd.toFixed(4)} at S3 Standard us-east-1 list prices (data transfer not included)`,
    );
  } else {
    lines.push(
      `  copied           ${formatCount(s.copied.objects)} objects, ${formatBytes(s.copied.bytes)}`,
      `  already present  ${formatCount(s.alreadyPresent.objects)} objects, ${formatBytes(s.alreadyPresent.bytes)}`,
      `  failed           ${formatCount(s.failed.objects)} objects`,
    );
    for (const failure of s.failed.first) lines.push(`    ${failure.key}: ${failure.error}`);
    if (s.sourceGone > 0) lines.push(`  deleted from the source while copying: ${s.sourceGone}`);
    lines.push(
      `  requests         ${requests} ($${s.requestCostUsd.toFixed(4)} at list prices)`,
      `  retries          ${formatCount(s.retries)} (${formatCount(s.throttles)} throttled)`,
    );
  }
  if (s.sizeConflicts > 0) {
    lines.push(
      `  size conflicts   ${formatCount(s.sizeConflicts)} keys exist in the destination with another size (left alone; see npm run verify)`,
    );
  }
  const rate = s.durationSeconds > 0 ? (s.copied.objects / s.durationSeconds).toFixed(0) : '0';
  lines.push(`  duration         ${s.durationSeconds.toFixed(1)} s (${rate} objects/s copied)`);
  return lines.join('\n') + '\n';
}

async function runBatchEngine(
  values: ReturnType<typeof parseFlags<typeof FLAGS>>,
  source: string,
  output: Output,
): Promise<number> {
  // Loaded only for this engine: the local engine starts faster without S3 Control and STS.
  const { S3ControlClient } = await import('@aws-sdk/client-s3-control');
  const { GetCallerIdentityCommand, STSClient } = await import('@aws-sdk/client-sts');
  const { batchReplicationJobRequest, startBatchReplicationJob, waitForBatchJob } =
    await import('../s3/backfill/batch-replication');
  const region = regionFlag(values.region, 'region');
  const credentials =
    values['role-arn'] === undefined
      ? undefined
      : assumedRoleCredentials(values['role-arn'], region);
  const accountId =
    values['account-id'] ??
    (await new STSClient({ region, credentials }).send(new GetCallerIdentityCommand({}))).Account;
  if (accountId === undefined || !/^\d{12}$/.test(accountId)) {
    throw new UsageError(`--account-id must be a 12-digit account id, got '${accountId}'`);
  }
  const options = {
    accountId,
    sourceBucket: source,
    prefix: values.prefix || undefined,
    roleArn: roleArnFlag(values['batch-role-arn'], 'batch-role-arn'),
    reportBucket: values['report-bucket'],
  };
  if (values['dry-run']) {
    output.stdout.write(`${JSON.stringify(batchReplicationJobRequest(options), null, 2)}\n`);
    return EXIT_OK;
  }
  // The job runs in the source bucket's region, where its manifest is generated.
  const regions = new RegionalS3Clients({
    region,
    endpointUrl: urlFlag(values['endpoint-url'], 'endpoint-url'),
    credentials,
    bucketRegions: { [source]: regionFlag(values['source-region'], 'source-region') },
  });
  const { region: jobRegion } = await regions.locate(source);
  regions.destroy();
  const control = new S3ControlClient({ region: jobRegion, credentials });
  const jobId = await startBatchReplicationJob(control, options);
  output.stdout.write(
    values.json
      ? `${JSON.stringify({ jobId, accountId })}\n`
      : `started S3 Batch Replication job ${jobId}\n`,
  );
  if (!values.wait) return EXIT_OK;
  const final = await waitForBatchJob(control, accountId, jobId, (status, progress) => {
    output.stderr.write(
      `job ${jobId}: ${status}, ${progress?.NumberOfTasksSucceeded ?? 0} succeeded, ${progress?.NumberOfTasksFailed ?? 0} failed of ${progress?.TotalNumberOfTasks ?? '?'}\n`,
    );
  });
  if (values.json) output.stdout.write(`${JSON.stringify({ jobId, ...final })}\n`);
  return final.status === 'Complete' && (final.progress?.NumberOfTasksFailed ?? 0) === 0
    ? EXIT_OK
    : EXIT_INCOMPLETE;
}

export async function main(
  argv: string[],
  output: Output = process,
  signal?: AbortSignal,
): Promise<number> {
  try {
    const values = parseFlags(argv, FLAGS);
    if (values.help) {
      output.stdout.write(USAGE);
      return EXIT_OK;
    }
    const source = bucketFlag(values.source, 'source');
    const destination = bucketFlag(values.destination, 'destination');
    if (source === destination) {
      throw new UsageError(
        `--source and --destination are the same bucket (${source}); the backfill only copies to another bucket`,
      );
    }
    if (values.engine === 'batch') return await runBatchEngine(values, source, output);
    if (values.engine !== 'local') {
      throw new UsageError(`--engine must be 'local' or 'batch', got '${values.engine}'`);
    }
    const copy = parseCopySettings(values, {
      [source]: ['source-region', values['source-region']],
      [destination]: ['destination-region', values['destination-region']],
    });
    const stateDir = values['state-dir'] ?? defaultStateDir();
    await locateBuckets(copy.client, [source, destination]);
    if (!values.json) output.stderr.write(describeBucketRegions('backfill', copy.client.regions()));

    const stats = new RunStats();
    const progress = new ProgressReporter(stats);
    if (!values.json && !values['dry-run']) progress.start();
    try {
      const result = await backfill({
        client: copy.client,
        sourceBucket: source,
        destinationBucket: destination,
        prefix: values.prefix,
        concurrency: copy.concurrency,
        listDestination: !values['if-none-match-only'],
        dryRun: values['dry-run'],
        multipartThresholdBytes: copy.multipartThresholdBytes,
        partSizeBytes: copy.partSizeBytes,
        acl: copy.acl,
        stateDir,
        restart: values.restart,
        signal,
        stats,
        copyObject: copy.copyObject,
        onWouldCopy: values.json
          ? undefined
          : (object) => output.stdout.write(`would copy ${object.key} (${object.size} bytes)\n`),
      });
      progress.stop();
      output.stdout.write(
        values.json
          ? `${JSON.stringify(summaryJson(source, destination, values.prefix, result))}\n`
          : summaryText(source, destination, values.prefix, result),
      );
      if (result.interrupted || signal?.aborted) return EXIT_INTERRUPTED;
      return stats.objectsFailed > 0 ? EXIT_INCOMPLETE : EXIT_OK;
    } finally {
      progress.stop();
    }
  } catch (error) {
    return reportError('backfill', error, output);
  }
}

if (require.main === module) {
  runInterruptibleMain('backfill', (signal) => main(process.argv.slice(2), process, signal));
}
