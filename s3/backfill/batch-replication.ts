import { randomUUID } from 'node:crypto';
import {
  CreateJobCommand,
  type CreateJobCommandInput,
  DescribeJobCommand,
  type JobProgressSummary,
  type S3ControlClient,
} from '@aws-sdk/client-s3-control';
import { InputError } from '../../cli/errors';
import { RegionalS3Clients } from '../client/bucket-regions';
import { assumedRoleCredentials } from '../client/clients';
import { sleep } from '../client/retry';

/** Default name of the role S3 Batch Operations assumes (config/types.ts RoleNamesConfig). */
export const DEFAULT_BATCH_REPLICATION_ROLE_NAME = 's3-bastion-batch-replication';

export interface BatchReplicationJobOptions {
  /** The primary account that owns the source bucket and runs the job. */
  readonly accountId: string;
  readonly sourceBucket: string;
  readonly prefix?: string;
  readonly partition?: string;
  /** @default arn:<partition>:iam::<accountId>:role/s3-bastion-batch-replication */
  readonly roleArn?: string;
  /** Bucket for the completion report of failed tasks; no report when absent. */
  readonly reportBucket?: string;
  readonly priority?: number;
  /** Makes CreateJob idempotent across retries of the tool. @default a random UUID */
  readonly clientRequestToken?: string;
}

/**
 * The CreateJob request of an S3 Batch Replication job: S3 generates the manifest itself (every
 * object eligible for replication that was never replicated or whose replication failed) and
 * replicates it through the bucket's own replication configuration, as the batch-replication role.
 * The destination is the one in the replication rule, not an argument.
 */
export function batchReplicationJobRequest(
  options: BatchReplicationJobOptions,
): CreateJobCommandInput {
  const partition = options.partition ?? 'aws';
  const roleArn =
    options.roleArn ??
    `arn:${partition}:iam::${options.accountId}:role/${DEFAULT_BATCH_REPLICATION_ROLE_NAME}`;
  return {
    AccountId: options.accountId,
    ConfirmationRequired: false,
    Priority: options.priority ?? 10,
    RoleArn: roleArn,
    ClientRequestToken: options.clientRequestToken ?? randomUUID(),
    Description: `s3-bastion-backup backfill of s3://${options.sourceBucket}/${options.prefix ?? ''}`,
    Operation: { S3ReplicateObject: {} },
    ManifestGenerator: {
      S3JobManifestGenerator: {
        ExpectedBucketOwner: options.accountId,
        SourceBucket: `arn:${partition}:s3:::${options.sourceBucket}`,
        EnableManifestOutput: false,
        Filter: {
          EligibleForReplication: true,
          // NONE: existed before replication was turned on; FAILED: replication gave up on it.
          ObjectReplicationStatuses: ['NONE', 'FAILED'],
          ...(options.prefix ? { KeyNameConstraint: { MatchAnyPrefix: [options.prefix] } } : {}),
        },
      },
    },
    Report:
      options.reportBucket === undefined
        ? { Enabled: false }
        : {
            Enabled: true,
            Bucket: `arn:${partition}:s3:::${options.reportBucket}`,
            Format: 'Report_CSV_20180820',
            Prefix: 's3-bastion-backup/batch-replication',
            ReportScope: 'FailedTasksOnly',
          },
  };
}

export async function startBatchReplicationJob(
  client: S3ControlClient,
  options: BatchReplicationJobOptions,
): Promise<string> {
  const response = await client.send(new CreateJobCommand(batchReplicationJobRequest(options)));
  if (response.JobId === undefined) throw new Error('S3 Control CreateJob returned no JobId');
  return response.JobId;
}

const FINAL_STATUSES = new Set(['Complete', 'Failed', 'Cancelled']);

/** Polls DescribeJob until the job ends, reporting its progress summary on the way. */
export async function waitForBatchJob(
  client: S3ControlClient,
  accountId: string,
  jobId: string,
  onProgress: (status: string, progress: JobProgressSummary | undefined) => void,
  pollIntervalMs = 15_000,
): Promise<{ status: string; progress?: JobProgressSummary }> {
  for (;;) {
    const { Job } = await client.send(
      new DescribeJobCommand({ AccountId: accountId, JobId: jobId }),
    );
    const status = Job?.Status ?? 'Unknown';
    onProgress(status, Job?.ProgressSummary);
    if (FINAL_STATUSES.has(status)) return { status, progress: Job?.ProgressSummary };
    await sleep(pollIntervalMs);
  }
}

export interface BatchBackfillOptions {
  readonly sourceBucket: string;
  readonly prefix?: string;
  /** Where STS and the region look-up go. */
  readonly region?: string;
  /** The source bucket's region, where the job runs. @default looked up (HeadBucket) */
  readonly sourceRegion?: string;
  readonly endpointUrl?: string;
  /** A role to assume first for S3 Control and STS. */
  readonly roleArn?: string;
  /** @default the caller's account (sts:GetCallerIdentity) */
  readonly accountId?: string;
  /** The role the job runs as. @default see BatchReplicationJobOptions.roleArn */
  readonly jobRoleArn?: string;
  readonly reportBucket?: string;
  /** Only build the CreateJob request, send nothing. */
  readonly dryRun?: boolean;
  /** Poll the job until it ends. */
  readonly wait?: boolean;
  readonly onStarted?: (jobId: string, accountId: string) => void;
  readonly onProgress?: (jobId: string, status: string, progress?: JobProgressSummary) => void;
}

export type BatchBackfillResult =
  | { readonly kind: 'dry-run'; readonly request: CreateJobCommandInput }
  | {
      readonly kind: 'started';
      readonly jobId: string;
      readonly accountId: string;
      /** When waited for: the final status; `ok` when it completed with no failed task. */
      readonly final?: { status: string; progress?: JobProgressSummary };
      readonly ok: boolean;
    };

/** The backfill's batch engine: an S3 Batch Replication job over the source bucket. */
export async function batchBackfill(options: BatchBackfillOptions): Promise<BatchBackfillResult> {
  // Loaded only for this engine: the local engine starts faster without S3 Control and STS.
  const { S3ControlClient } = await import('@aws-sdk/client-s3-control');
  const { GetCallerIdentityCommand, STSClient } = await import('@aws-sdk/client-sts');
  const { region } = options;
  const credentials =
    options.roleArn === undefined ? undefined : assumedRoleCredentials(options.roleArn, region);
  const accountId =
    options.accountId ??
    (await new STSClient({ region, credentials }).send(new GetCallerIdentityCommand({}))).Account;
  if (accountId === undefined || !/^\d{12}$/.test(accountId)) {
    throw new InputError(
      `accountId must be a 12-digit account id, got '${accountId}'`,
      'accountId',
    );
  }
  const jobOptions = {
    accountId,
    sourceBucket: options.sourceBucket,
    prefix: options.prefix || undefined,
    roleArn: options.jobRoleArn,
    reportBucket: options.reportBucket,
  };
  if (options.dryRun) return { kind: 'dry-run', request: batchReplicationJobRequest(jobOptions) };
  // The job runs in the source bucket's region, where its manifest is generated.
  const regions = new RegionalS3Clients({
    region,
    endpointUrl: options.endpointUrl,
    credentials,
    bucketRegions: { [options.sourceBucket]: options.sourceRegion },
  });
  const { region: jobRegion } = await regions.locate(options.sourceBucket);
  regions.destroy();
  const control = new S3ControlClient({ region: jobRegion, credentials });
  const jobId = await startBatchReplicationJob(control, jobOptions);
  options.onStarted?.(jobId, accountId);
  if (!options.wait) return { kind: 'started', jobId, accountId, ok: true };
  const final = await waitForBatchJob(control, accountId, jobId, (status, progress) =>
    options.onProgress?.(jobId, status, progress),
  );
  const ok = final.status === 'Complete' && (final.progress?.NumberOfTasksFailed ?? 0) === 0;
  return { kind: 'started', jobId, accountId, final, ok };
}
