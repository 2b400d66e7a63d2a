// The S3 Control API (CreateJob) has no local implementation: RGW has no Batch Operations. These
// tests check the request the tool builds and sends, through the SDK's own middleware stack, not
// a server's answer.
import { Readable } from 'node:stream';
import { S3ControlClient } from '@aws-sdk/client-s3-control';
import { main as backfillMain } from '../../../scripts/backfill';
import { runCli } from '../../support/cli-harness';
import {
  batchReplicationJobRequest,
  startBatchReplicationJob,
} from '../../../s3/backfill/batch-replication';

describe('S3 Batch Replication job request', () => {
  it('replicates objects never replicated or failed, with an S3-generated manifest, as the batch role', () => {
    const request = batchReplicationJobRequest({
      accountId: '111111111111',
      sourceBucket: 'example-prod-assets',
      prefix: 'images/',
      reportBucket: 'example-reports',
      clientRequestToken: 'token-1',
    });
    expect(request).toEqual({
      AccountId: '111111111111',
      ConfirmationRequired: false,
      Priority: 10,
      RoleArn: 'arn:aws:iam::111111111111:role/s3-bastion-batch-replication',
      ClientRequestToken: 'token-1',
      Description: 's3-bastion-backup backfill of s3://example-prod-assets/images/',
      Operation: { S3ReplicateObject: {} },
      ManifestGenerator: {
        S3JobManifestGenerator: {
          ExpectedBucketOwner: '111111111111',
          SourceBucket: 'arn:aws:s3:::example-prod-assets',
          EnableManifestOutput: false,
          Filter: {
            EligibleForReplication: true,
            ObjectReplicationStatuses: ['NONE', 'FAILED'],
            KeyNameConstraint: { MatchAnyPrefix: ['images/'] },
          },
        },
      },
      Report: {
        Enabled: true,
        Bucket: 'arn:aws:s3:::example-reports',
        Format: 'Report_CSV_20180820',
        Prefix: 's3-bastion-backup/batch-replication',
        ReportScope: 'FailedTasksOnly',
      },
    });
  });

  it('takes a named role and partition, and no prefix filter without a prefix', () => {
    const request = batchReplicationJobRequest({
      accountId: '111111111111',
      sourceBucket: 'b',
      partition: 'aws-us-gov',
      roleArn: 'arn:aws-us-gov:iam::111111111111:role/custom',
    });
    expect(request.RoleArn).toBe('arn:aws-us-gov:iam::111111111111:role/custom');
    expect(request.ManifestGenerator?.S3JobManifestGenerator?.SourceBucket).toBe(
      'arn:aws-us-gov:s3:::b',
    );
    expect(request.ManifestGenerator?.S3JobManifestGenerator?.Filter).not.toHaveProperty(
      'KeyNameConstraint',
    );
    expect(request.Report).toEqual({ Enabled: false });
  });

  it('sends CreateJob to the account-scoped S3 Control endpoint and returns the job id', async () => {
    const sent: { url: string; body: string }[] = [];
    // MOCK of the S3 Control service, which has no local implementation: a request handler that
    // records the signed HTTP request and answers as S3 Control documents it.
    const client = new S3ControlClient({
      region: 'us-east-1',
      credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
      requestHandler: {
        handle: (request: { hostname: string; path: string; body: unknown }) => {
          sent.push({ url: `${request.hostname}${request.path}`, body: String(request.body) });
          return Promise.resolve({
            response: {
              statusCode: 200,
              headers: { 'content-type': 'application/xml' },
              body: Readable.from([
                Buffer.from('<CreateJobResult><JobId>job-123</JobId></CreateJobResult>'),
              ]),
            },
          });
        },
      } as never,
    });
    const jobId = await startBatchReplicationJob(client, {
      accountId: '111111111111',
      sourceBucket: 'example-prod-assets',
      clientRequestToken: 'token-2',
    }).catch((error: unknown) => error);
    expect(sent).toHaveLength(1);
    expect(sent[0].url).toBe('111111111111.s3-control.us-east-1.amazonaws.com/v20180820/jobs');
    expect(sent[0].body).toContain('<Operation><S3ReplicateObject/></Operation>');
    expect(sent[0].body).toContain(
      '<RoleArn>arn:aws:iam::111111111111:role/s3-bastion-batch-replication</RoleArn>',
    );
    expect(sent[0].body).toContain(
      '<ObjectReplicationStatuses><member>NONE</member><member>FAILED</member></ObjectReplicationStatuses>',
    );
    expect(jobId).toBe('job-123');
  });

  it('--engine batch --dry-run prints the CreateJob request and sends nothing', async () => {
    const run = await runCli(backfillMain, [
      ...['--source', 'example-prod-assets', '--destination', 'example-bastion-prod-assets'],
      ...['--engine', 'batch', '--account-id', '111111111111', '--prefix', 'logs/', '--dry-run'],
    ]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const request = JSON.parse(run.stdout) as ReturnType<typeof batchReplicationJobRequest>;
    expect(request.RoleArn).toBe('arn:aws:iam::111111111111:role/s3-bastion-batch-replication');
    expect(request.ManifestGenerator?.S3JobManifestGenerator?.Filter?.KeyNameConstraint).toEqual({
      MatchAnyPrefix: ['logs/'],
    });
  });
});
