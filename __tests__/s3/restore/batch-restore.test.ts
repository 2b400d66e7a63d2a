import { Writable } from 'node:stream';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import {
  CreateJobCommand,
  type CreateJobCommandInput,
  DescribeJobCommand,
  type S3ControlClient,
} from '@aws-sdk/client-s3-control';
import { main as restoreMain } from '../../../scripts/restore';
import { batchRestore } from '../../../s3/batch-restore/batch-restore';
import { createS3Client } from '../../../s3/client/clients';
import { writeRestoreManifest } from '../../../s3/batch-restore/manifest';
import { inventoryVersionsAt } from '../../../s3/batch-restore/inventory-versions';
import { S3ReportStore } from '../../../s3/inventory/store';
import { rowOfVersion, s3Sink, writeInventoryReport } from '../../../bench/inventory-report';
import { keysAtTime, listObjectVersions } from '../../../s3/listing/version-listing';
import { runCli } from '../../support/cli-harness';
import {
  createBucket,
  type S3TestServer,
  uniqueBucketName,
  useS3Server,
} from '../../support/s3-server';

// restore --engine batch: the manifest is built from a real version listing on the local RGW
// (overwrites, deletes, re-creations, tricky keys); S3 Control (CreateJob, DescribeJob) is not
// served by RGW, so its answers are recorded responses, shaped as the API reference documents:
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_control_CreateJob.html
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_control_DescribeJob.html

const TRICKY = [
  'tricky/with space',
  'tricky/comma,key',
  'tricky/plus+%25',
  'tricky/é\u{1F600}',
  'tricky/new\nline',
];

let server: S3TestServer;
let client: S3Client;
const backup = uniqueBucketName('br-backup');
const target = uniqueBucketName('br-target');
let asOf: Date;
/** key -> the version id the manifest must name. */
const expected = new Map<string, string>();

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function put(key: string, body: string): Promise<string> {
  const response = await client.send(
    new PutObjectCommand({ Bucket: backup, Key: key, Body: body }),
  );
  return response.VersionId ?? 'null';
}
async function del(key: string): Promise<void> {
  await client.send(new DeleteObjectCommand({ Bucket: backup, Key: key }));
}

beforeAll(async () => {
  server = await useS3Server();
  client = server.client();
  await createBucket(client, backup);
  await createBucket(client, target);
  await client.send(
    new PutBucketVersioningCommand({
      Bucket: backup,
      VersioningConfiguration: { Status: 'Enabled' },
    }),
  );
  for (const key of ['kept', 'overwritten', 'deleted-after', ...TRICKY]) {
    expected.set(key, await put(key, `v1 ${key}`));
  }
  await put('deleted-before', 'v1');
  await del('deleted-before');
  await put('recreated-after', 'v1');
  await del('recreated-after');
  await put('recreated-before', 'v1');
  await del('recreated-before');
  expected.set('recreated-before', await put('recreated-before', 'v2'));
  await sleep(1100);
  asOf = new Date();
  await sleep(1100);
  await put('overwritten', 'v2');
  await del('deleted-after');
  await put('recreated-after', 'v2');
  await put('created-after', 'v1');
});

/** A Writable that keeps what is written. */
function collector(): { stream: Writable; text: () => string } {
  let text = '';
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      text += chunk.toString();
      callback();
    },
  });
  return { stream, text: () => text };
}

function parseManifest(text: string): Map<string, string> {
  const lines = text.split('\n').filter((l) => l !== '');
  for (const line of lines) expect(line.split(',')).toHaveLength(3);
  return new Map(
    lines.map((line) => {
      const [bucket, key, versionId] = line.split(',');
      expect(bucket).toBe(backup);
      return [decodeURIComponent(key), versionId];
    }),
  );
}

/** `npm run restore -- --engine batch --dry-run` of the test's buckets, in-process. */
const dryRun = (...extra: string[]) => dryRunInto(target, ...extra);
const dryRunInto = (into: string, ...extra: string[]) =>
  runCli(
    (argv, output) => restoreMain(argv, output),
    [
      '--engine',
      'batch',
      '--backup',
      backup,
      '--target',
      into,
      '--as-of',
      asOf.toISOString(),
      '--dry-run',
      ...extra,
    ],
  );

describe('restore --engine batch', () => {
  it('writes the manifest of the versions the local restore would choose, keys URL-encoded', async () => {
    const out = collector();
    const summary = await writeRestoreManifest(
      keysAtTime(listObjectVersions(client, { bucket: backup, pageSize: 3 }), asOf),
      backup,
      out.stream,
    );
    expect(parseManifest(out.text())).toEqual(expected);
    expect(out.text()).toContain(`${backup},tricky/comma%2Ckey,`);
    expect(out.text()).toContain(`${backup},tricky/with%20space,`);
    expect(out.text()).toContain(`${backup},tricky/new%0Aline,`);
    expect(summary).toMatchObject({
      objects: expected.size,
      deletedAtAsOf: { count: 2, keys: ['deleted-before', 'recreated-after'] },
      createdAfterAsOf: { count: 1, keys: ['created-after'] },
      tooLargeForBatchCopy: { count: 0 },
    });
  });

  it('--dry-run prints the manifest summary, the exact CreateJob request and both engines cost', async () => {
    const run = await dryRun('--json');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout) as {
      request: CreateJobCommandInput;
      manifest: { objects: number; uri: string };
      estimates: { engine: string; usd: number }[];
      versionSource: string;
    };
    expect(result.versionSource).toBe('ListObjectVersions');
    expect(result.manifest.objects).toBe(expected.size);
    const runPrefix = result.manifest.uri
      .replace(`s3://${target}/`, '')
      .replace(/\/manifest\.csv$/, '');
    expect(runPrefix).toMatch(/^s3-bastion-restore\/\d{4}-\d\d-\d\dT[\d-]+Z-[0-9a-f]{8}$/);
    expect(result.request).toEqual({
      AccountId: '222222222222',
      ConfirmationRequired: false,
      Priority: 10,
      RoleArn: 'arn:aws:iam::222222222222:role/s3-bastion-batch-restore',
      ClientRequestToken: runPrefix.replace('s3-bastion-restore/', ''),
      Description: `s3-bastion-backup restore of s3://${backup}/ as of ${asOf.toISOString()} into s3://${target}`,
      Operation: { S3PutObjectCopy: { TargetResource: `arn:aws:s3:::${target}` } },
      Manifest: {
        Spec: { Format: 'S3BatchOperations_CSV_20180820', Fields: ['Bucket', 'Key', 'VersionId'] },
        Location: {
          ObjectArn: `arn:aws:s3:::${target}/${runPrefix}/manifest.csv`,
          ETag: '<ETag of the uploaded manifest>',
        },
      },
      Report: {
        Enabled: true,
        Bucket: `arn:aws:s3:::${target}`,
        Prefix: `${runPrefix}/report`,
        Format: 'Report_CSV_20180820',
        ReportScope: 'FailedTasksOnly',
      },
    });
    expect(result.estimates.map((e) => e.engine)).toEqual(['local', 'batch']);
    // Batch Operations adds $0.25 per job and $1 per million objects to the same copies.
    expect(result.estimates[1].usd).toBeGreaterThan(result.estimates[0].usd);
    const text = await dryRun();
    expect(text.stdout).toContain('versions from      ListObjectVersions');
    expect(text.stdout).toMatch(/local\s+\$\d/);
    expect(text.stdout).toContain('"S3PutObjectCopy"');
  });

  it('uploads the manifest, creates the job and summarises the failed tasks of its report', async () => {
    let created: CreateJobCommandInput | undefined;
    const jobId = '00e123a4-c0d8-41f4-a0eb-b46f9ba5b07c';
    // Recorded S3 Control responses (RGW serves no S3 Control); on CreateJob the stand-in also
    // writes the completion report that S3 would write, in the documented layout.
    const control = {
      send: async (command: unknown) => {
        if (command instanceof CreateJobCommand) {
          created = command.input;
          const prefix = command.input.Report?.Prefix ?? '';
          const results = `${prefix}/job-${jobId}/results/5f1b.csv`;
          await client.send(
            new PutObjectCommand({
              Bucket: target,
              Key: `${prefix}/job-${jobId}/manifest.json`,
              Body: JSON.stringify({
                Format: 'Report_CSV_20180820',
                ReportCreationDate: '2026-11-28T12:00:00.000Z',
                Results: [
                  { TaskExecutionStatus: 'failed', Bucket: target, MD5Checksum: 'x', Key: results },
                ],
                ReportSchema:
                  'Bucket, Key, VersionId, TaskStatus, ErrorCode, HTTPStatusCode, ResultMessage',
              }),
            }),
          );
          await client.send(
            new PutObjectCommand({
              Bucket: target,
              Key: results,
              Body: `${backup},tricky/comma%2Ckey,${expected.get('tricky/comma,key')},failed,AccessDenied,403,"Access Denied"\n`,
            }),
          );
          return { JobId: jobId };
        }
        if (command instanceof DescribeJobCommand) {
          return {
            Job: {
              JobId: jobId,
              Status: 'Complete',
              ProgressSummary: {
                TotalNumberOfTasks: expected.size,
                NumberOfTasksSucceeded: expected.size - 1,
                NumberOfTasksFailed: 1,
              },
            },
          };
        }
        throw new Error('unexpected S3 Control command');
      },
    } as unknown as S3ControlClient;
    const result = await batchRestore({
      // The tool's own client: streams the manifest with a known length, no chunked checksum.
      client: createS3Client(),
      control,
      partition: 'aws',
      accountId: '222222222222',
      backupBucket: backup,
      targetBucket: target,
      asOf,
      roleArn: 'arn:aws:iam::222222222222:role/s3-bastion-batch-restore',
      manifestBucket: target,
      manifestPrefix: 's3-bastion-restore/',
      wait: true,
      pollIntervalMs: 10,
    });
    expect(result).toMatchObject({ jobId, status: 'Complete', dryRun: false });
    expect(result.failures).toEqual({
      byError: { 'AccessDenied 403': 1 },
      first: [{ key: 'tricky/comma,key', error: 'AccessDenied 403: Access Denied' }],
      count: 1,
    });
    // The manifest the job names is the one uploaded, by its ETag.
    const key = (created?.Manifest?.Location?.ObjectArn ?? '').replace(
      `arn:aws:s3:::${target}/`,
      '',
    );
    const head = await client.send(new HeadObjectCommand({ Bucket: target, Key: key }));
    expect(created?.Manifest?.Location?.ETag).toBe(head.ETag?.replace(/"/g, ''));
    const body = await client.send(new GetObjectCommand({ Bucket: target, Key: key }));
    expect(parseManifest(await body.Body!.transformToString())).toEqual(expected);
  });

  it('chooses the same versions from an all-versions inventory report, and refuses a stale one', async () => {
    const inventory = uniqueBucketName('br-inventory');
    await createBucket(client, inventory);
    const rows = [];
    for await (const v of listObjectVersions(client, { bucket: backup }))
      rows.push(rowOfVersion(v));
    const spec = { sourceBucket: backup, destinationBucket: inventory, versions: 'All' as const };
    const fresh = await writeInventoryReport(
      s3Sink(client, inventory),
      { ...spec, format: 'Parquet', createdAt: new Date(Date.now() + 60_000), rowsPerFile: 4 },
      rows.reverse(),
    );
    const store = new S3ReportStore(client, inventory);
    const { choices, describe } = await inventoryVersionsAt(
      { store, path: fresh },
      backup,
      asOf,
      '',
      { runRows: 3, maxOpenRuns: 2 },
    );
    expect(describe).toContain(`S3 Inventory s3://${inventory}/${fresh}`);
    const out = collector();
    const summary = await writeRestoreManifest(choices, backup, out.stream);
    expect(parseManifest(out.text())).toEqual(expected);
    expect(summary.deletedAtAsOf.keys).toEqual(['deleted-before', 'recreated-after']);
    const stale = await writeInventoryReport(
      s3Sink(client, inventory),
      { ...spec, format: 'CSV', createdAt: new Date(asOf.getTime() - 60_000) },
      rows,
    );
    await expect(inventoryVersionsAt({ store, path: stale }, backup, asOf, '')).rejects.toThrow(
      /is after the report was taken/,
    );
  });

  it('refuses a backup bucket of the config as the target', async () => {
    const run = await dryRunInto('example-bastion-prod-assets');
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('is a backup bucket');
  });
});
