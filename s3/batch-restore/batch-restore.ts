import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import {
  CreateJobCommand,
  type CreateJobCommandInput,
  type JobProgressSummary,
  type S3ControlClient,
} from '@aws-sdk/client-s3-control';
import { waitForBatchJob } from '../backfill/batch-replication';
import { InputError } from '../../cli/errors';
import { s3RunError } from '../client/errors';
import { keysAtTime, listObjectVersions } from '../listing/version-listing';
import type { ExternalSortOptions } from '../inventory/external-sort';
import type { InventoryLocation } from '../inventory/verify-inventory';
import { compareRestoreEngines, type EngineEstimate } from './cost';
import { inventoryVersionsAt } from './inventory-versions';
import {
  batchRestoreJobRequest,
  failedResultKeys,
  type FailureSummary,
  summariseFailures,
} from './job';
import { type ManifestSummary, writeRestoreManifest } from './manifest';

/** PutObject's single-request limit: a larger manifest must be split with --prefix. */
const MAX_MANIFEST_BYTES = 5 * 1024 ** 3;

export interface BatchRestoreOptions {
  readonly client: S3Client;
  /** S3 Control, for CreateJob and DescribeJob; not needed for a dry run. */
  readonly control?: S3ControlClient;
  readonly partition: string;
  /** The backup account, which runs the job. */
  readonly accountId: string;
  readonly backupBucket: string;
  readonly targetBucket: string;
  readonly asOf: Date;
  readonly prefix?: string;
  /** The batch-restore role that S3 Batch Operations assumes. */
  readonly roleArn: string;
  /** Bucket of the manifest and the completion report (the restore role writes there). */
  readonly manifestBucket: string;
  /** Key prefix of manifests and reports, e.g. s3-bastion-restore/. */
  readonly manifestPrefix: string;
  readonly dryRun?: boolean;
  /** Follow the job until it ends and summarise its failures. */
  readonly wait?: boolean;
  readonly pollIntervalMs?: number;
  readonly pageSize?: number;
  readonly maxKeysReported?: number;
  readonly tmpDir?: string;
  readonly onRequest?: (type: string) => void;
  readonly onJobProgress?: (status: string, progress: JobProgressSummary | undefined) => void;
  /**
   * Choose the versions from the backup bucket's newest all-versions inventory report instead of
   * ListObjectVersions: no LIST requests, but --as-of must be before the report was taken.
   * @default - ListObjectVersions of the backup bucket
   */
  readonly versionsFrom?: InventoryLocation;
  readonly sort?: ExternalSortOptions;
}

export interface BatchRestoreResult {
  readonly manifest: ManifestSummary & { readonly uri: string };
  /** Which source chose the versions: ListObjectVersions, or the inventory report named. */
  readonly versionSource: string;
  readonly listRequests: number;
  readonly request: CreateJobCommandInput;
  readonly estimates: readonly EngineEstimate[];
  readonly dryRun: boolean;
  readonly jobId?: string;
  readonly status?: string;
  readonly progress?: JobProgressSummary;
  readonly failures?: FailureSummary;
}

function fail(error: unknown, action: string, bucket: string, key?: string): never {
  throw s3RunError(error, { action, bucket, key });
}

/**
 * A point-in-time restore run by S3 Batch Operations: the versions are chosen exactly as the
 * local restore chooses them (newest version at or before as-of; a delete marker then means the
 * key did not exist), written as a CSV manifest, uploaded next to the target, and copied by one
 * S3PutObjectCopy job as the batch-restore role. A dry run writes nothing and returns the job
 * request it would send. Unlike the local engine it does not compare with the target first: every
 * chosen version is copied, and S3PutObjectCopy overwrites an existing key.
 */
export async function batchRestore(options: BatchRestoreOptions): Promise<BatchRestoreResult> {
  const prefix = options.prefix ?? '';
  if (options.backupBucket === options.targetBucket) {
    throw new InputError(
      `the target is the backup bucket (${options.backupBucket}); a restore never writes to the backup`,
      'targetBucket',
    );
  }
  const runId = `${options.asOf.toISOString().replace(/[:.]/g, '-')}-${randomUUID().slice(0, 8)}`;
  const base = `${options.manifestPrefix}${runId}`;
  const manifestKey = `${base}/manifest.csv`;
  let listRequests = 0;
  const dir = await mkdtemp(join(options.tmpDir ?? tmpdir(), 's3-bastion-batch-restore-'));
  try {
    const file = join(dir, 'manifest.csv');
    const out = createWriteStream(file);
    const source =
      options.versionsFrom === undefined
        ? {
            describe: 'ListObjectVersions',
            choices: keysAtTime(
              listObjectVersions(options.client, {
                bucket: options.backupBucket,
                prefix,
                pageSize: options.pageSize,
                onRequest: (type) => {
                  listRequests++;
                  options.onRequest?.(type);
                },
              }),
              options.asOf,
            ),
          }
        : await inventoryVersionsAt(
            options.versionsFrom,
            options.backupBucket,
            options.asOf,
            prefix,
            options.sort,
          );
    const summary = await writeRestoreManifest(
      source.choices,
      options.backupBucket,
      out,
      options.maxKeysReported,
    );
    out.end();
    await once(out, 'finish');
    const size = (await stat(file)).size;
    if (size > MAX_MANIFEST_BYTES) {
      throw new InputError(
        `the manifest is ${size} bytes, above the 5 GiB of one PutObject: restore in parts with --prefix`,
      );
    }
    const request = (etag: string) =>
      batchRestoreJobRequest({
        partition: options.partition,
        accountId: options.accountId,
        roleArn: options.roleArn,
        targetBucket: options.targetBucket,
        manifestBucket: options.manifestBucket,
        manifestKey,
        manifestEtag: etag,
        reportBucket: options.manifestBucket,
        reportPrefix: `${base}/report`,
        clientRequestToken: runId,
        description: `s3-bastion-backup restore of s3://${options.backupBucket}/${prefix} as of ${options.asOf.toISOString()} into s3://${options.targetBucket}`,
      });
    const result = {
      manifest: { ...summary, uri: `s3://${options.manifestBucket}/${manifestKey}` },
      versionSource: source.describe,
      listRequests,
      estimates: compareRestoreEngines(listRequests, summary.objects),
    };
    if (options.dryRun || summary.objects === 0) {
      return {
        ...result,
        request: request('<ETag of the uploaded manifest>'),
        dryRun: options.dryRun === true,
      };
    }
    if (options.control === undefined) throw new Error('batchRestore needs an S3 Control client');
    options.onRequest?.('PutObject');
    const put = await options.client
      .send(
        new PutObjectCommand({
          Bucket: options.manifestBucket,
          Key: manifestKey,
          Body: createReadStream(file),
          ContentLength: size,
          ContentType: 'text/csv',
        }),
      )
      .catch((error: unknown) => fail(error, 's3:PutObject', options.manifestBucket, manifestKey));
    if (put.ETag === undefined) throw new Error(`PutObject of ${manifestKey} returned no ETag`);
    const input = request(put.ETag);
    const created = await options.control
      .send(new CreateJobCommand(input))
      .catch((error: unknown) => fail(error, 's3:CreateJob', options.manifestBucket));
    if (created.JobId === undefined) throw new Error('S3 Control CreateJob returned no JobId');
    if (!options.wait) return { ...result, request: input, dryRun: false, jobId: created.JobId };
    const ended = await waitForBatchJob(
      options.control,
      options.accountId,
      created.JobId,
      options.onJobProgress ?? (() => undefined),
      options.pollIntervalMs,
    );
    const failures =
      (ended.progress?.NumberOfTasksFailed ?? 0) > 0
        ? await readFailures(
            options.client,
            options.manifestBucket,
            `${base}/report/job-${created.JobId}/manifest.json`,
          )
        : undefined;
    return { ...result, request: input, dryRun: false, jobId: created.JobId, ...ended, failures };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Reads a completion report (its manifest.json, then each failed-tasks CSV) into a summary. */
export async function readFailures(
  client: S3Client,
  bucket: string,
  key: string,
): Promise<FailureSummary> {
  const text = async (b: string, k: string) => {
    const response = await client
      .send(new GetObjectCommand({ Bucket: b, Key: k }))
      .catch((error: unknown) => fail(error, 's3:GetObject', b, k));
    return (await response.Body?.transformToString('utf8')) ?? '';
  };
  let summary: FailureSummary = { byError: {}, first: [], count: 0 };
  for (const result of failedResultKeys(await text(bucket, key))) {
    summary = summariseFailures(await text(result.bucket, result.key), summary);
  }
  return summary;
}
