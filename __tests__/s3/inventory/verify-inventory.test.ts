import { DeleteObjectCommand, PutBucketVersioningCommand, type S3Client } from '@aws-sdk/client-s3';
import {
  rowOfObject,
  rowOfVersion,
  s3Sink,
  writeInventoryReport,
} from '../../../bench/inventory-report';
import { main as verifyMain } from '../../../scripts/verify';
import type { InventoryRow } from '../../../s3/inventory/format';
import { S3ReportStore } from '../../../s3/inventory/store';
import { verifyInventory } from '../../../s3/inventory/verify-inventory';
import { listObjects } from '../../../s3/listing/listing';
import { listObjectVersions } from '../../../s3/listing/version-listing';
import { putObjects, runCli } from '../../support/cli-harness';
import {
  createBucket,
  type S3TestServer,
  uniqueBucketName,
  useS3Server,
} from '../../support/s3-server';

// verify --inventory against reports in the real formats (gzip CSV with URL-encoded keys, Parquet
// with the s3.inventory schema), generated from buckets on the local RGW, which has no S3
// Inventory itself. Rows are shuffled over several small files: S3 promises no order.
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/storage-inventory.html

const TRICKY_KEYS = [
  'tricky/with spaces.txt',
  'tricky/plus+sign',
  'tricky/percent%20literal',
  'tricky/comma,and"quote',
  "tricky/sub-delims (1)!*'~$;:@&=",
  'tricky/é中文',
  'tricky/\u{1F600}-astral',
  'tricky/\uFFFD-replacement',
  'tricky/\uE000-private-use',
];
const GENERIC = Array.from({ length: 30 }, (_, i) => `generic/${String(i).padStart(3, '0')}`);
const body = (key: string) => `body of ${key}`;

/** A fixed shuffle, so that a failure reproduces. */
function shuffled<T>(items: readonly T[]): T[] {
  const out = [...items];
  let seed = 42;
  for (let i = out.length - 1; i > 0; i--) {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    const j = seed % (i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

let server: S3TestServer;
let client: S3Client;
const source = uniqueBucketName('inv-source');
const backup = uniqueBucketName('inv-backup');
const inventory = uniqueBucketName('inv-reports');
let sourceRows: InventoryRow[];
let backupRows: InventoryRow[];

beforeAll(async () => {
  server = await useS3Server();
  client = server.client();
  for (const bucket of [source, backup, inventory]) await createBucket(client, bucket);
  await client.send(
    new PutBucketVersioningCommand({
      Bucket: backup,
      VersioningConfiguration: { Status: 'Enabled' },
    }),
  );
  const keys = [...TRICKY_KEYS, ...GENERIC];
  const special = [
    'gone/missing',
    'gone/failed',
    'gone/pending',
    'gone/deleted',
    'diff/size',
    'diff/etag',
    'failed/but-present',
  ];
  await putObjects(
    client,
    source,
    [...keys, ...special].map((Key) => ({ Key, Body: body(Key) })),
  );
  // Older versions first, then the current ones: the report holds both.
  await putObjects(
    client,
    backup,
    [...keys, 'gone/deleted'].map((Key) => ({ Key, Body: `old ${Key}` })),
  );
  await putObjects(client, backup, [
    ...[...keys, 'gone/deleted', 'failed/but-present'].map((Key) => ({ Key, Body: body(Key) })),
    { Key: 'diff/size', Body: `${body('diff/size')} and more` },
    { Key: 'diff/etag', Body: body('diff/etag').replace('body', 'BODY') },
    { Key: 'extra/only-in-backup', Body: 'x' },
  ]);
  await client.send(new DeleteObjectCommand({ Bucket: backup, Key: 'gone/deleted' }));

  const status: Record<string, string> = {
    'gone/failed': 'FAILED',
    'gone/pending': 'PENDING',
    'failed/but-present': 'FAILED',
  };
  sourceRows = [];
  for await (const o of listObjects(client, { bucket: source })) {
    sourceRows.push(rowOfObject(o, { replicationStatus: status[o.key] ?? 'COMPLETED' }));
  }
  backupRows = [];
  for await (const v of listObjectVersions(client, { bucket: backup })) {
    backupRows.push(rowOfVersion(v, { replicationStatus: 'REPLICA' }));
  }
});

async function deliver(
  bucket: string,
  rows: InventoryRow[],
  format: 'CSV' | 'Parquet',
  versions: 'All' | 'Current',
  createdAt: Date,
): Promise<string> {
  return writeInventoryReport(
    s3Sink(client, inventory),
    {
      sourceBucket: bucket,
      destinationBucket: inventory,
      format,
      versions,
      createdAt,
      rowsPerFile: 7,
    },
    shuffled(rows),
  );
}

// gone/failed: FAILED and missing, so it is both.
const expectedProblems = {
  missing: { count: 2, keys: ['gone/failed', 'gone/missing'] },
  deletedInBackup: { count: 1, keys: ['gone/deleted'] },
  sizeDiffers: { count: 1, keys: ['diff/size'] },
  etagDiffers: { count: 1, keys: ['diff/etag'] },
  replicationFailed: { count: 1, keys: ['gone/failed'] },
  replicationFailedButPresent: 1,
  inFlight: 1,
  onlyInBackup: 1,
  ok: false,
};

describe('verify --inventory on reports generated from RGW buckets', () => {
  const later = () => new Date(Date.now() + 60_000);

  it.each([
    ['CSV', 'Parquet'],
    ['Parquet', 'CSV'],
  ] as const)('finds every difference: source %s, backup %s (all versions)', async (sf, bf) => {
    const sourcePath = await deliver(source, sourceRows, sf, 'Current', later());
    const backupPath = await deliver(backup, backupRows, bf, 'All', later());
    expect(sourcePath).toMatch(
      /^inventory\/.*\/s3-bastion-backup\/\d{4}-\d\d-\d\dT\d\d-\d\dZ\/manifest\.json$/,
    );
    const run = await runCli(verifyMain, [
      '--inventory',
      '--source-inventory',
      `s3://${inventory}/${sourcePath}`,
      '--backup-inventory',
      `s3://${inventory}/${backupPath}`,
      '--json',
    ]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout) as Record<string, unknown>;
    expect(report).toMatchObject(expectedProblems);
    expect(report.source).toMatchObject({ bucket: source, format: sf, objects: 46 });
    // Every tricky key came back from both formats and matched.
    expect(report.backup).toMatchObject({ bucket: backup, format: bf, objects: 43 });
  });

  it('reads the newest delivery under a config folder, and prints the fix', async () => {
    const sourcePath = await deliver(
      source,
      sourceRows,
      'CSV',
      'Current',
      new Date(Date.now() + 120_000),
    );
    await deliver(backup, backupRows, 'Parquet', 'All', new Date(Date.now() + 120_000));
    const folder = (bucket: string) => `s3://${inventory}/inventory/${bucket}/s3-bastion-backup/`;
    const run = await runCli(verifyMain, [
      '--inventory',
      '--source-inventory',
      folder(source),
      '--backup-inventory',
      folder(backup),
    ]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(`source s3://${source}/: 46 objects`);
    expect(run.stdout).toContain(`${sourcePath}`);
    expect(run.stdout).toContain(
      `fix: npm run backfill -- --source ${source} --destination ${backup} --engine batch --wait`,
    );
    expect(run.stdout).toContain('FAILED: the backup does not hold every source object');
    expect(run.stderr).toMatch(/source report: file 1\/\d+ inventory\//);
  });

  it('gives the same answer when the sort spills to disk and merges in passes', async () => {
    const sourcePath = await deliver(source, sourceRows, 'CSV', 'Current', later());
    const backupPath = await deliver(backup, backupRows, 'Parquet', 'All', later());
    const store = new S3ReportStore(client, inventory);
    const report = await verifyInventory({
      source: { store, path: sourcePath },
      backup: { store, path: backupPath },
      sort: { runRows: 4, maxOpenRuns: 3 },
    });
    expect(report).toMatchObject(expectedProblems);
    const prefixed = await verifyInventory({
      source: { store, path: sourcePath },
      backup: { store, path: backupPath },
      prefix: 'tricky/',
    });
    expect(prefixed).toMatchObject({ ok: true, source: { objects: TRICKY_KEYS.length } });
  });

  it('refuses a manifest that is not an inventory manifest, naming every field', async () => {
    await putObjects(client, inventory, [
      { Key: 'bad/manifest.json', Body: JSON.stringify({ sourceBucket: 'x', fileFormat: 'ORC' }) },
    ]);
    const run = await runCli(verifyMain, [
      '--inventory',
      '--source-inventory',
      `s3://${inventory}/bad/manifest.json`,
      '--backup-inventory',
      `s3://${inventory}/bad/manifest.json`,
    ]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('is not an S3 Inventory manifest');
    for (const field of ['destinationBucket', 'creationTimestamp', "fileFormat 'ORC'", 'files']) {
      expect(run.stderr).toContain(field);
    }
  });
});
