import {
  DeleteObjectCommand,
  GetObjectCommand,
  GetObjectTaggingCommand,
  HeadObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main as backfillMain } from '../../../scripts/backfill';
import { main as verifyMain } from '../../../scripts/verify';
import { listObjects, type ListedObject } from '../../../s3/listing/listing';
import { putObjects, runCli, type SeedObject } from '../../support/cli-harness';
import { startFaultProxy } from '../../../bench/fault-proxy';
import {
  createBucket,
  deleteBucket,
  type S3TestServer,
  uniqueBucketName,
  useS3Server,
} from '../../support/s3-server';

// Keys that break naive tools: URL-special characters, every UTF-8 length, the characters whose
// UTF-16 and UTF-8 orders disagree, and keys of S3's maximum length (1,024 bytes).
const SPECIAL_KEYS = [
  'special/with spaces in it.txt',
  'special/plus+sign',
  'special/percent%20not-a-space',
  'special/question?mark',
  'special/hash#tag',
  'special/ampersand&equals=',
  "special/sub-delims (1)!*'~$;,:@",
  'special/é中文',
  'special/\u{1F600}-astral',
  'special/\u{10000}',
  'special/\uE000-private-use',
  'special/\uFFFD-replacement',
  'special/\uFFFD\u{1F600}',
  'special/\u{1F600}\uFFFD',
  `long/${'k'.repeat(1019)}`,
  `long/${'é'.repeat(509)}x`,
];
const GENERIC_OBJECTS = 2_500;
const PRESENT_BEFORE = 100;

function datasetObjects(): SeedObject[] {
  const objects: SeedObject[] = [];
  for (let i = 0; i < GENERIC_OBJECTS; i++) {
    // Several prefixes and pages; every 50th object is empty.
    objects.push({
      Key: `p${i % 8}/object-${String(i).padStart(5, '0')}`,
      Body: 'x'.repeat(i % 50),
    });
  }
  for (const key of SPECIAL_KEYS) objects.push({ Key: key, Body: `body of ${key}` });
  objects.push({ Key: 'empty/zero-a', Body: '' }, { Key: 'empty/zero-b', Body: '' });
  objects.push({
    Key: 'meta/tagged and described',
    Body: 'with metadata',
    ContentType: 'text/plain; charset=utf-8',
    CacheControl: 'max-age=60',
    Metadata: { owner: 'alice', purpose: 'backfill-test' },
    Tagging: 'team=blue&env=prod%20eu',
  });
  return objects;
}

async function listAll(client: S3Client, bucket: string): Promise<ListedObject[]> {
  const objects: ListedObject[] = [];
  for await (const object of listObjects(client, { bucket })) objects.push(object);
  return objects;
}

async function bodyOf(client: S3Client, bucket: string, key: string): Promise<string> {
  const response = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return (await response.Body?.transformToString()) ?? '';
}

describe('backfill and verify against a real S3 server', () => {
  let server: S3TestServer;
  let client: S3Client;
  let stateDir: string;
  const source = uniqueBucketName('bf-src');
  const destination = uniqueBucketName('bf-dst');
  const dataset = datasetObjects();
  const connection = () => [
    '--source',
    source,
    '--destination',
    destination,
    '--state-dir',
    stateDir,
  ];

  beforeAll(async () => {
    server = await useS3Server();
    client = server.client();
    stateDir = mkdtempSync(join(tmpdir(), 'backfill-state-'));
    await createBucket(client, source);
    await createBucket(client, destination);
    await putObjects(client, source, dataset);
    // Some objects are already backed up (replication or an earlier partial run).
    await putObjects(
      client,
      destination,
      dataset.filter((_, i) => i % 25 === 0).slice(0, PRESENT_BEFORE),
    );
  }, 300_000);

  afterAll(async () => {
    rmSync(stateDir, { recursive: true, force: true });
    if (client === undefined) return;
    await deleteBucket(client, source);
    await deleteBucket(client, destination);
  }, 120_000);

  it('lists keys in UTF-8 byte order, across pages', async () => {
    const keys = (await listAll(client, source)).map((o) => o.key);
    expect(keys).toHaveLength(dataset.length);
    const byBytes = [...keys].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
    expect(keys).toEqual(byBytes);
  });

  it('--dry-run counts what would be copied, prices it and writes nothing', async () => {
    const run = await runCli(backfillMain, [...connection(), '--dry-run', '--json']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const summary = JSON.parse(run.stdout) as {
      dryRun: {
        objects: number;
        bytes: number;
        requests: Record<string, number>;
        requestCostUsd: number;
      };
      alreadyPresent: { objects: number };
    };
    expect(summary.dryRun.objects).toBe(dataset.length - PRESENT_BEFORE);
    expect(summary.alreadyPresent.objects).toBe(PRESENT_BEFORE);
    expect(summary.dryRun.requests.CopyObject).toBe(dataset.length - PRESENT_BEFORE);
    expect(summary.dryRun.requestCostUsd).toBeGreaterThan(0.012);
    expect(await listAll(client, destination)).toHaveLength(PRESENT_BEFORE);
  });

  it('copies every missing object with exactly one CopyObject each, then verify passes', async () => {
    const run = await runCli(backfillMain, [...connection(), '--concurrency', '32', '--json']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const summary = JSON.parse(run.stdout) as {
      complete: boolean;
      copied: { objects: number };
      alreadyPresent: { objects: number };
      failed: { objects: number };
      requests: Record<string, number>;
    };
    expect(summary.complete).toBe(true);
    expect(summary.copied.objects).toBe(dataset.length - PRESENT_BEFORE);
    expect(summary.alreadyPresent.objects).toBe(PRESENT_BEFORE);
    expect(summary.failed.objects).toBe(0);
    // No HEAD per object: one CopyObject per copied object, and the listings, nothing else.
    expect(summary.requests).toEqual({
      ListObjectsV2: expect.any(Number) as number,
      CopyObject: dataset.length - PRESENT_BEFORE,
    });
    expect(summary.requests.ListObjectsV2).toBeGreaterThanOrEqual(4);

    const verified = await runCli(verifyMain, [
      '--source',
      source,
      '--destination',
      destination,
      '--json',
    ]);
    expect(verified.code).toBe(0);
    const report = JSON.parse(verified.stdout) as {
      ok: boolean;
      source: { objects: number; bytes: number };
      destination: { objects: number; bytes: number };
    };
    expect(report.ok).toBe(true);
    expect(report.destination).toEqual(report.source);
    expect(report.source.objects).toBe(dataset.length);
  });

  it('every object matches in size and checksum, with metadata and tags kept', async () => {
    const sourceObjects = await listAll(client, source);
    const destinationObjects = await listAll(client, destination);
    const strip = (o: ListedObject) => ({
      key: o.key,
      size: o.size,
      etag: o.etag?.replace(/"/g, ''),
    });
    // Single-part ETags are the MD5 of the content: equal ETags, equal bytes.
    expect(destinationObjects.map(strip)).toEqual(sourceObjects.map(strip));
    for (const key of SPECIAL_KEYS) {
      expect(await bodyOf(client, destination, key)).toBe(`body of ${key}`);
    }
    const key = 'meta/tagged and described';
    const head = await client.send(new HeadObjectCommand({ Bucket: destination, Key: key }));
    expect(head.Metadata).toEqual({ owner: 'alice', purpose: 'backfill-test' });
    expect(head.ContentType).toBe('text/plain; charset=utf-8');
    expect(head.CacheControl).toBe('max-age=60');
    const tags = await client.send(new GetObjectTaggingCommand({ Bucket: destination, Key: key }));
    expect(tags.TagSet).toEqual(
      expect.arrayContaining([
        { Key: 'team', Value: 'blue' },
        { Key: 'env', Value: 'prod eu' },
      ]),
    );
  });

  it('a second run copies nothing', async () => {
    const run = await runCli(backfillMain, [...connection(), '--json']);
    expect(run.code).toBe(0);
    const summary = JSON.parse(run.stdout) as {
      copied: { objects: number };
      alreadyPresent: { objects: number };
      requests: Record<string, number>;
    };
    expect(summary.copied.objects).toBe(0);
    expect(summary.alreadyPresent.objects).toBe(dataset.length);
    expect(Object.keys(summary.requests)).toEqual(['ListObjectsV2']);
  });

  it('without listing the destination, If-None-Match: * answers 412 for every present object', async () => {
    // RGW ignores conditions on CopyObject (docs/DESIGN.md), so the proxy plays S3's part: a MOCK that
    // answers 412 when the target exists. What is tested is how the tool treats the 412.
    const proxy = await startFaultProxy(server.endpoint, { emulateCopyIfNoneMatch: { client } });
    try {
      const run = await runCli(backfillMain, [
        ...connection(),
        '--if-none-match-only',
        '--prefix',
        'special/',
        '--endpoint-url',
        proxy.url,
        '--json',
      ]);
      expect(run.code).toBe(0);
      const summary = JSON.parse(run.stdout) as {
        copied: { objects: number };
        alreadyPresent: { objects: number };
        requests: Record<string, number>;
      };
      const specialCount = SPECIAL_KEYS.filter((k) => k.startsWith('special/')).length;
      expect(summary.copied.objects).toBe(0);
      expect(summary.alreadyPresent.objects).toBe(specialCount);
      expect(summary.requests.CopyObject).toBe(specialCount);
      expect(proxy.injected.preconditionFailed).toBe(specialCount);
    } finally {
      await proxy.close();
    }
  });

  it('verify names missing keys and size differences and exits non-zero', async () => {
    const missingKey = 'special/\u{1F600}-astral';
    const changedKey = 'p3/object-00003';
    await client.send(
      new DeleteObjectCommand({
        Bucket: destination,
        Key: missingKey,
      }),
    );
    await putObjects(client, destination, [{ Key: changedKey, Body: 'different length' }]);
    const run = await runCli(verifyMain, ['--source', source, '--destination', destination]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(`missing ${JSON.stringify(missingKey)}`);
    expect(run.stdout).toContain(`size ${JSON.stringify(changedKey)}: source 3, destination 16`);
    expect(run.stdout).toContain('missing in destination: 1');
    expect(run.stdout).toContain('FAILED');
  });
});
