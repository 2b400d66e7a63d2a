import { randomUUID } from 'node:crypto';
import {
  CreateJobCommand,
  type CreateJobCommandInput,
  DescribeJobCommand,
  type JobProgressSummary,
  type S3ControlClient,
} from '@aws-sdk/client-s3-control';
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
