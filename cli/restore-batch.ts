import { S3ControlClient } from '@aws-sdk/client-s3-control';
import { loadConfig } from '../config';
import { BATCH_RESTORE_PREFIX, partitionOf, roleArn } from '../policies/arns';
import { type BatchRestoreResult, batchRestore } from '../s3/batch-restore/batch-restore';
import { assumedRoleCredentials, createS3Client } from '../s3/client/clients';
import { S3ReportStore } from '../s3/inventory/store';
import { restoreTargetProblem } from '../s3/restore/restore';
import {
  bucketFlag,
  choiceFlag,
  instantFlag,
  positiveIntegerFlag,
  regionFlag,
  roleArnFlag,
  urlFlag,
} from './args';
import { UsageError } from './errors';
import { EXIT_OK, EXIT_PROBLEM } from './exit-codes';
import { CONNECTION_FLAGS, maxKeysFlag, RESTORE_FLAGS } from './flags';
import { formatBytes, formatCount } from './format';
import { AWS_ENV, CONFIG_ENV, type FlagSpecs } from './help';
import { locationOf } from './inventory-verify';
import { type Command, type Output, runCommand } from './runtime';

/** The local restore's `--engine`: where it points to this mode. */
export const RESTORE_ENGINE_FLAG = {
  engine: {
    type: 'string',
    default: 'local',
    value: 'local|batch',
    description:
      'batch: one S3 Batch Operations Copy job instead of local copies, for millions of keys (its flags: npm run restore -- --engine batch --help)',
  },
} as const satisfies FlagSpecs;

/** `npm run restore -- --engine batch`: the flags of the S3 Batch Operations restore. */
const FLAGS = {
  engine: {
    type: 'string',
    default: 'batch',
    value: 'batch',
    description: 'batch: this mode (one S3 Batch Operations Copy job instead of local copies)',
  },
  backup: RESTORE_FLAGS.backup,
  target: RESTORE_FLAGS.target,
  'as-of': RESTORE_FLAGS['as-of'],
  'dry-run': {
    type: 'boolean',
    default: false,
    description:
      'list the versions and print the manifest summary, the exact CreateJob request and the cost of both engines; upload and start nothing',
  },
  wait: {
    type: 'boolean',
    default: false,
    description:
      'follow the job (DescribeJob every 15 s) and summarise the failed tasks of its completion report',
  },
  'account-id': {
    type: 'string',
    value: 'ID',
    description: "the backup account that runs the job (default: the config's)",
  },
  'batch-role-arn': {
    type: 'string',
    value: 'ARN',
    description: "role of the job (default: the config's s3-bastion-batch-restore)",
  },
  'manifest-bucket': {
    type: 'string',
    value: 'B',
    description: `where the manifest and the report go (default: --target; the batch-restore role reads and writes there under ${BATCH_RESTORE_PREFIX})`,
  },
  'versions-from-inventory': {
    type: 'string',
    value: 'L',
    description:
      "choose the versions from the backup bucket's newest all-versions S3 Inventory report instead of ListObjectVersions (no LIST requests; --as-of must be before the report was taken): s3://<inventory-bucket>/inventory/<backup>/s3-bastion-backup/, a manifest.json, or a local copy",
  },
  'into-production': {
    type: 'boolean',
    default: false,
    description: 'allow a production bucket of the config as --target',
  },
  'tmp-dir': {
    type: 'string',
    value: 'DIR',
    description: 'where the manifest is written before the upload (default: system temp)',
  },
  'page-size': RESTORE_FLAGS['page-size'],
  ...CONNECTION_FLAGS,
  'role-arn': {
    type: 'string',
    value: 'ARN',
    description: 'assume this role first (the restore role, s3-bastion-restore)',
  },
  region: { type: 'string', value: 'R', description: 'region of the buckets and of the job' },
  ...maxKeysFlag(100),
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

/**
 * `npm run restore -- --engine batch`: the local engine's version choice as a Batch Operations
 * manifest, copied by one S3PutObjectCopy job (s3/batch-restore/batch-restore.ts).
 */
export const batchRestoreCommand: Command<typeof FLAGS> = {
  name: 'restore',
  usage:
    'npm run restore -- --engine batch --backup <bucket> --target <bucket> --as-of <time> [options]',
  description: `Restores --backup as it was at --as-of into --target with S3 Batch Operations: the versions are chosen as the local engine chooses them (for each key the newest version at or before --as-of; a delete marker then means the key did not exist), from ListObjectVersions of the backup bucket (or, with --versions-from-inventory, from its all-versions S3 Inventory report), written as a CSV manifest (bucket,key,versionId; keys URL-encoded) to s3://<manifest-bucket>/${BATCH_RESTORE_PREFIX}<run>/manifest.csv, then copied by one S3PutObjectCopy job that runs as the batch-restore role. The job copies every chosen version (it does not compare with the target first) and overwrites a key that exists; versions above 5 GB are left out and listed (use the local engine with --prefix for them). Never writes to the backup bucket. Exit 0 also means the job was created (without --wait) or a dry run.`,
  flags: FLAGS,
  env: [CONFIG_ENV, ...AWS_ENV],
  problem: 'the job ended with failed tasks or not Complete',
  flagOf: { targetBucket: 'target', asOf: 'as-of' },
  async run(values, { output }) {
    choiceFlag(values.engine, 'engine', ['local', 'batch']);
    const config = loadConfig();
    const backup = bucketFlag(values.backup, 'backup');
    const target = bucketFlag(values.target, 'target');
    const problem = restoreTargetProblem(config, target, values['into-production']);
    if (problem !== undefined) throw problem;
    const asOf = instantFlag(values['as-of'], 'as-of');
    const accountId = values['account-id'] ?? config.backup.accountId;
    if (!/^\d{12}$/.test(accountId)) {
      throw new UsageError(`--account-id '${accountId}' is not a 12-digit account id`);
    }
    const region = regionFlag(values.region, 'region');
    const role = roleArnFlag(values['role-arn'], 'role-arn');
    // One AssumeRole session for both clients (each would otherwise assume the role itself).
    const credentials = role === undefined ? undefined : assumedRoleCredentials(role, region);
    const client = createS3Client({
      region,
      endpointUrl: urlFlag(values['endpoint-url'], 'endpoint-url'),
      credentials,
      maxSockets: 8,
    });
    const control = values['dry-run'] ? undefined : new S3ControlClient({ region, credentials });
    const versionsFrom = values['versions-from-inventory'];
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
        versionsFrom === undefined
          ? undefined
          : await locationOf(versionsFrom, 'versions-from-inventory', (bucket: string) =>
              Promise.resolve(new S3ReportStore(client, bucket)),
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
      : EXIT_PROBLEM;
  },
};

/**
 * The command of a restore's arguments: `local` without `--engine` or with `--engine local`, else
 * this one (which refuses an engine other than batch), with flags of its own.
 */
export function restoreEngineCommand(
  argv: readonly string[],
  local: Command<FlagSpecs>,
): Command<FlagSpecs> {
  const engine = engineOf(argv);
  return engine === undefined || engine === 'local' ? local : batchRestoreCommand;
}

/** `(argv, output, signal) => exit code` of `npm run restore`, either engine: what tests call. */
export function restoreEngineMain(local: Command<FlagSpecs>) {
  return (argv: readonly string[], output?: Output, signal?: AbortSignal) =>
    runCommand(restoreEngineCommand(argv, local), argv, output, signal);
}
