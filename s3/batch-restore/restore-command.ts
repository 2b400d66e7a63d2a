import { S3ControlClient } from '@aws-sdk/client-s3-control';
import { loadConfig } from '../../config';
import {
  bucketFlag,
  CONNECTION_FLAGS,
  parseFlags,
  positiveIntegerFlag,
  roleArnFlag,
  urlFlag,
} from '../../cli/args';
import { formatBytes, formatCount } from '../../cli/format';
import { EXIT_INCOMPLETE, EXIT_OK, type Output, reportError } from '../../cli/runtime';
import { BATCH_RESTORE_PREFIX, partitionOf, roleArn } from '../../policies/arns';
import { assumedRoleCredentials, createS3Client } from '../client/clients';
import { UsageError } from '../client/errors';
import { restoreTargetProblem } from '../restore/restore';
import { S3ReportStore } from '../inventory/store';
import { locationOf } from '../inventory/verify-command';
import { type BatchRestoreResult, batchRestore } from './batch-restore';

export const BATCH_RESTORE_USAGE = `usage: npm run restore -- --engine batch --backup <bucket> --target <bucket> --as-of <time> [options]

Restores --backup as it was at --as-of into --target with S3 Batch Operations: the versions are
chosen as the local engine chooses them (for each key the newest version at or before --as-of; a
delete marker then means the key did not exist), from ListObjectVersions of the backup bucket
(or, with --versions-from-inventory, from its all-versions S3 Inventory report),
written as a CSV manifest (bucket,key,versionId; keys URL-encoded) to
s3://<manifest-bucket>/${BATCH_RESTORE_PREFIX}<run>/manifest.csv, then copied by one S3PutObjectCopy
job that runs as the batch-restore role. The job copies every chosen version (it does not compare
with the target first) and overwrites a key that exists; versions above 5 GB are left out and
listed (use the local engine with --prefix for them). Never writes to the backup bucket.

  --as-of TIME            ISO 8601 with a time zone: 2025-03-01T12:00:00Z
  --prefix P              only keys under P
  --dry-run               list the versions and print the manifest summary, the exact CreateJob
                          request and the cost of both engines; upload and start nothing
  --wait                  follow the job (DescribeJob every 15 s) and summarise the failed tasks
                          of its completion report
  --account-id ID         the backup account that runs the job (default: the config's)
  --batch-role-arn ARN    role of the job (default: the config's s3-bastion-batch-restore)
  --manifest-bucket B     where the manifest and the report go (default: --target; the
                          batch-restore role reads and writes there under ${BATCH_RESTORE_PREFIX})
  --versions-from-inventory L   choose the versions from the backup bucket's newest all-versions
                          S3 Inventory report instead of ListObjectVersions (no LIST requests;
                          --as-of must be before the report was taken): s3://<inventory-bucket>/
                          inventory/<backup>/s3-bastion-backup/, a manifest.json, or a local copy
  --into-production       allow a production bucket of the config as --target
  --role-arn ARN          assume this role first (the restore role, s3-bastion-restore)
  --region R              region of the buckets and of the job
  --endpoint-url URL      an S3-compatible endpoint for S3 (default: AWS_ENDPOINT_URL_S3)
  --tmp-dir DIR           where the manifest is written before the upload (default: system temp)
  --max-keys N            keys of each kind to print (default 100; counts are always complete)
  --json                  print the result as JSON

Environment: BASTION_CONFIG (the config module), AWS_* (credentials, region, AWS_ENDPOINT_URL_S3).
Exit codes: 0 job created (or complete with --wait, or a dry run); 1 the job ended with failed
tasks or not Complete; 2 usage or input error; 3 an AWS error ended the run.
`;

const FLAGS = {
  ...CONNECTION_FLAGS,
  engine: { type: 'string' },
  backup: { type: 'string' },
  target: { type: 'string' },
  'as-of': { type: 'string' },
  prefix: { type: 'string', default: '' },
  'dry-run': { type: 'boolean', default: false },
  wait: { type: 'boolean', default: false },
  'account-id': { type: 'string' },
  'batch-role-arn': { type: 'string' },
  'manifest-bucket': { type: 'string' },
  'into-production': { type: 'boolean', default: false },
  'tmp-dir': { type: 'string' },
  'max-keys': { type: 'string' },
  'page-size': { type: 'string' },
  'versions-from-inventory': { type: 'string' },
} as const;

/** The value of --engine in an argument list (`--engine batch` or `--engine=batch`). */
export function engineOf(argv: readonly string[]): string | undefined {
  const i = argv.findIndex((a) => a === '--engine' || a.startsWith('--engine='));
  if (i < 0) return undefined;
  return argv[i].includes('=') ? argv[i].slice('--engine='.length) : argv[i + 1];
}

const usd = (n: number) => `$${n.toFixed(n < 1 ? 4 : 2)}`;

export function batchRestoreSummaryText(result: BatchRestoreResult): string {
  const m = result.manifest;
  const keys = (list: { count: number; keys: string[] }, label: string) => [
    ...list.keys.map((k) => `    ${label} ${JSON.stringify(k)}`),
    ...(list.count > list.keys.length
      ? [`    ... and ${formatCount(list.count - list.keys.length)} more`]
      : []),
  ];
  const lines = [
    `batch restore ${result.dryRun ? '(dry run, nothing uploaded or started)' : result.jobId ? `job ${result.jobId}` : '(nothing to copy)'}`,
    `  versions from      ${result.versionSource} (${formatCount(result.listRequests)} requests)`,
    `  manifest           ${m.uri}: ${formatCount(m.objects)} versions, ${formatBytes(m.bytes)} (${formatBytes(m.manifestBytes)} of CSV)`,
    `  deleted at as-of   ${formatCount(m.deletedAtAsOf.count)} keys (a delete marker was newest then: not restored)`,
    `  created later      ${formatCount(m.createdAfterAsOf.count)} keys (no version at or before as-of: not restored)`,
    `  above 5 GB         ${formatCount(m.tooLargeForBatchCopy.count)} versions, ${formatBytes(m.tooLargeForBatchCopy.bytes)} (not in the manifest: restore them with the local engine)`,
    ...keys(m.tooLargeForBatchCopy, 'large'),
    '  cost at list prices (requests and Batch Operations fees; no data transfer):',
    ...result.estimates.map(
      (e) =>
        `    ${e.engine.padEnd(6)} ${usd(e.usd).padStart(10)}  ${Object.entries(e.requests)
          .map(([type, n]) => `${type} ${formatCount(n)}`)
          .join(', ')}; ${e.time}`,
    ),
  ];
  if (result.dryRun) lines.push('  CreateJob request:', JSON.stringify(result.request, null, 2));
  if (result.status !== undefined) {
    const p = result.progress;
    lines.push(
      `  job ended          ${result.status}: ${formatCount(p?.NumberOfTasksSucceeded ?? 0)} succeeded, ${formatCount(p?.NumberOfTasksFailed ?? 0)} failed of ${formatCount(p?.TotalNumberOfTasks ?? 0)}`,
    );
  }
  if (result.failures !== undefined) {
    lines.push(
      ...Object.entries(result.failures.byError).map(
        ([error, n]) => `    ${formatCount(n)} failed: ${error}`,
      ),
      ...result.failures.first.map((f) => `    ${JSON.stringify(f.key)}: ${f.error}`),
    );
  }
  return lines.join('\n') + '\n';
}

/** `npm run restore -- --engine batch ...`; `parseAsOf` is the local engine's own parser. */
export async function batchRestoreMain(
  argv: string[],
  output: Output,
  parseAsOf: (value: string | undefined) => Date,
): Promise<number> {
  try {
    const values = parseFlags(argv, FLAGS);
    if (values.help) {
      output.stdout.write(BATCH_RESTORE_USAGE);
      return EXIT_OK;
    }
    const config = loadConfig();
    const backup = bucketFlag(values.backup, 'backup');
    const target = bucketFlag(values.target, 'target');
    const problem = restoreTargetProblem(config, target, values['into-production']);
    if (problem !== undefined) throw new UsageError(problem);
    const asOf = parseAsOf(values['as-of']);
    const accountId = values['account-id'] ?? config.backup.accountId;
    if (!/^\d{12}$/.test(accountId)) {
      throw new UsageError(`--account-id '${accountId}' is not a 12-digit account id`);
    }
    const region = values.region;
    const role = roleArnFlag(values['role-arn'], 'role-arn');
    const client = createS3Client({
      region,
      endpointUrl: urlFlag(values['endpoint-url'], 'endpoint-url'),
      roleArn: role,
      maxSockets: 8,
    });
    const control = values['dry-run']
      ? undefined
      : new S3ControlClient({
          region,
          credentials: role === undefined ? undefined : assumedRoleCredentials(role, region),
        });
    const result = await batchRestore({
      client,
      control,
      partition: partitionOf(config),
      accountId,
      backupBucket: backup,
      targetBucket: target,
      asOf,
      prefix: values.prefix,
      roleArn:
        roleArnFlag(values['batch-role-arn'], 'batch-role-arn') ?? roleArn(config, 'batchRestore'),
      manifestBucket:
        values['manifest-bucket'] === undefined
          ? target
          : bucketFlag(values['manifest-bucket'], 'manifest-bucket'),
      manifestPrefix: BATCH_RESTORE_PREFIX,
      dryRun: values['dry-run'],
      wait: values.wait,
      pageSize: positiveIntegerFlag(values['page-size'], 'page-size', 1000),
      maxKeysReported: positiveIntegerFlag(values['max-keys'], 'max-keys', 100),
      tmpDir: values['tmp-dir'],
      versionsFrom:
        values['versions-from-inventory'] === undefined
          ? undefined
          : await locationOf(
              values['versions-from-inventory'],
              'versions-from-inventory',
              (bucket) => Promise.resolve(new S3ReportStore(client, bucket)),
            ),
      sort: { tmpDir: values['tmp-dir'] },
      onJobProgress: values.json
        ? undefined
        : (status, p) =>
            output.stderr.write(
              `${new Date().toISOString()} job ${status}: ${formatCount(p?.NumberOfTasksSucceeded ?? 0)} succeeded, ${formatCount(p?.NumberOfTasksFailed ?? 0)} failed of ${formatCount(p?.TotalNumberOfTasks ?? 0)}\n`,
            ),
    });
    output.stdout.write(
      values.json ? `${JSON.stringify(result)}\n` : batchRestoreSummaryText(result),
    );
    if (result.status === undefined) return EXIT_OK;
    return result.status === 'Complete' && (result.progress?.NumberOfTasksFailed ?? 0) === 0
      ? EXIT_OK
      : EXIT_INCOMPLETE;
  } catch (error) {
    return reportError('restore', error, output);
  }
}
