import type { CreateJobCommandInput } from '@aws-sdk/client-s3-control';
import { parseCsvLine } from '../inventory/format';

/**
 * The S3 Batch Operations Copy job of a restore, and what its completion report says.
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_control_CreateJob.html
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/batch-ops-create-job.html
 */

export interface BatchRestoreJobOptions {
  readonly partition: string;
  /** The backup account: it owns the job, the role and the manifest's bucket. */
  readonly accountId: string;
  readonly roleArn: string;
  readonly targetBucket: string;
  /** Bucket and key of the uploaded manifest, and its ETag (CreateJob requires it). */
  readonly manifestBucket: string;
  readonly manifestKey: string;
  readonly manifestEtag: string;
  /** Where the completion report of failed tasks goes (bucket, prefix). */
  readonly reportBucket: string;
  readonly reportPrefix: string;
  /** Makes CreateJob idempotent across retries of the tool. */
  readonly clientRequestToken: string;
  readonly description: string;
  /** @default 10 */
  readonly priority?: number;
}

/**
 * The CreateJob request: S3PutObjectCopy of every `bucket,key,versionId` line of the manifest
 * into the target under the same key, metadata and tags copied with the object (the operation's
 * defaults), a report of failed tasks only, and no confirmation step (the dry run is the review).
 */
export function batchRestoreJobRequest(options: BatchRestoreJobOptions): CreateJobCommandInput {
  const arn = (bucket: string) => `arn:${options.partition}:s3:::${bucket}`;
  return {
    AccountId: options.accountId,
    ConfirmationRequired: false,
    Priority: options.priority ?? 10,
    RoleArn: options.roleArn,
    ClientRequestToken: options.clientRequestToken,
    Description: options.description.slice(0, 256),
    Operation: { S3PutObjectCopy: { TargetResource: arn(options.targetBucket) } },
    Manifest: {
      Spec: { Format: 'S3BatchOperations_CSV_20180820', Fields: ['Bucket', 'Key', 'VersionId'] },
      Location: {
        ObjectArn: `${arn(options.manifestBucket)}/${options.manifestKey}`,
        ETag: options.manifestEtag.replace(/"/g, ''),
      },
    },
    Report: {
      Enabled: true,
      Bucket: arn(options.reportBucket),
      Prefix: options.reportPrefix.replace(/\/$/, ''),
      Format: 'Report_CSV_20180820',
      ReportScope: 'FailedTasksOnly',
    },
  };
}

/** The failed-task results files named by a completion report's manifest.json. */
export function failedResultKeys(reportManifest: string): { bucket: string; key: string }[] {
  const json = JSON.parse(reportManifest) as {
    Results?: { TaskExecutionStatus?: string; Bucket?: string; Key?: string }[];
  };
  return (json.Results ?? [])
    .filter((r) => r.TaskExecutionStatus === 'failed' && r.Bucket && r.Key)
    .map((r) => ({ bucket: r.Bucket as string, key: r.Key as string }));
}

export interface FailureSummary {
  /** Failed tasks per error (error code and HTTP status as the report gives them). */
  readonly byError: Record<string, number>;
  /** The first failed keys, decoded, with their error. */
  readonly first: { key: string; error: string }[];
  count: number;
}

/**
 * Adds the lines of one failed-tasks CSV (`Bucket, Key, VersionId, TaskStatus, ErrorCode,
 * HTTPStatusCode, ResultMessage`) to a summary.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/batch-ops-examples-reports.html
 */
export function summariseFailures(
  csv: string,
  summary: FailureSummary = { byError: {}, first: [], count: 0 },
  max = 20,
): FailureSummary {
  for (const line of csv.split('\n')) {
    if (line.trim() === '') continue;
    const [, key = '', , , code = '', status = '', message = ''] = parseCsvLine(line);
    const error = [code, status].filter((v) => v !== '').join(' ') || 'unknown';
    summary.count++;
    summary.byError[error] = (summary.byError[error] ?? 0) + 1;
    if (summary.first.length < max) {
      let decoded = key;
      try {
        decoded = decodeURIComponent(key);
      } catch {
        // A key the report did not encode: shown as it is.
      }
      summary.first.push({ key: decoded, error: message === '' ? error : `${error}: ${message}` });
    }
  }
  return summary;
}
