import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutBucketVersioningCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { main as restoreMain } from '../../../scripts/restore';
import { createS3Client } from '../../../s3/client/clients';
import { listObjects } from '../../../s3/listing/listing';
import { checkRestore } from '../../../s3/restore/check';
import { restore } from '../../../s3/restore/restore';
import { compareUtf8 } from '../../../s3/listing/utf8-order';
import { listObjectVersions } from '../../../s3/listing/version-listing';
import {
  killMidRun,
  putObjects,
  runCli,
  type SeedObject,
  withEnv,
} from '../../support/cli-harness';
import { sseHeadersOf, startFaultProxy } from '../../../bench/fault-proxy';
import {
  createBucket,
  createLocalUser,
  deleteBucket,
  emptyAndDeleteVersionedBucket,
  type S3TestServer,
  uniqueBucketName,
  useS3Server,
  usingExternalEndpoint,
} from '../../support/s3-server';

const BULK = 120;
const MIB = 1024 ** 2;
const BIG_KEY = 'big/multipart.bin';
const UNICODE_KEYS = ['special/é中文', 'special/\u{1F600}-astral', 'special/\uFFFD-replacement'];

/** What the backup held at one point: key -> bytes and metadata. */
type Snapshot = Map<string, { body: Buffer; metadata?: Record<string, string> }>;

interface RestoreSummary {
  complete: boolean;
  resumedAfter: string | null;
  plan: {
    keysSeen: number;
    existedAtAsOf: { objects: number; bytes: number };
    deletedAtAsOf: { count: number; keys: string[] };
    createdAfterAsOf: { count: number; keys: string[] };
    unchanged: { objects: number };
    differing: { count: number; keys: string[] };
    onlyInTarget: { count: number; keys: string[] };
  };
  written: { objects: number };
  conflicts: number;
  failed: { objects: number };
  requests: Record<string, number>;
  verify?: { ok: boolean; matching: number; sizeOnly: number };
  dryRun?: { objects: number; requests: Record<string, number>; requestCostUsd: number };
  batchEngine?: { objects: number; requests: Record<string, number>; usd: number };
}

const md5 = (body: Buffer) => createHash('md5').update(body).digest('hex');
const sha256 = (body: Uint8Array) => createHash('sha256').update(body).digest('hex');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function countObjects(client: S3Client, bucket: string): Promise<number> {
  let n = 0;
  for await (const object of listObjects(client, { bucket })) n += object.size >= 0 ? 1 : 0;
  return n;
}

async function bodyOf(client: S3Client, bucket: string, key: string): Promise<Uint8Array> {
  const response = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return (await response.Body?.transformToByteArray()) ?? new Uint8Array();
}

describe('point-in-time restore from a versioned bucket on a real S3 server', () => {
  let server: S3TestServer;
  let client: S3Client;
  let stateDir: string;
  const backup = uniqueBucketName('rs-backup');
  const targets: string[] = [];
  /** The backup at the end of each phase, and the server time of that phase's last write. */
  const points: { asOf: string; snapshot: Snapshot }[] = [];
  const model: Snapshot = new Map();

  async function write(objects: SeedObject[]): Promise<void> {
    await putObjects(client, backup, objects);
    for (const o of objects) {
      model.set(o.Key, {
        body: typeof o.Body === 'string' ? Buffer.from(o.Body) : (o.Body as Buffer),
        metadata: o.Metadata,
      });
    }
  }
  async function remove(keys: string[]): Promise<void> {
    for (const key of keys) {
      await client.send(new DeleteObjectCommand({ Bucket: backup, Key: key }));
      model.delete(key);
    }
  }
  /** Ends a phase: the newest LastModified the server gave (its clock, not ours), then a pause. */
  async function endPhase(): Promise<void> {
    let newest = 0;
    for await (const entry of listObjectVersions(client, { bucket: backup })) {
      newest = Math.max(newest, entry.lastModified.getTime());
    }
    points.push({ asOf: new Date(newest).toISOString(), snapshot: new Map(model) });
    // Longer than a second, so that servers whose LastModified has second resolution still
    // separate the phases.
    await sleep(1100);
  }
  async function freshTarget(label: string): Promise<string> {
    const bucket = uniqueBucketName(label);
    await createBucket(client, bucket);
    targets.push(bucket);
    return bucket;
  }
  /** The target holds exactly the snapshot: keys, sizes, checksums (MD5 ETag or SHA-256). */
  async function expectTargetToHold(bucket: string, snapshot: Snapshot, prefix = '') {
    const listed = [];
    for await (const o of listObjects(client, { bucket, prefix })) listed.push(o);
    const expected = [...snapshot.entries()]
      .filter(([key]) => key.startsWith(prefix))
      .sort(([a], [b]) => compareUtf8(a, b));
    expect(listed.map((o) => [o.key, o.size])).toEqual(
      expected.map(([key, v]) => [key, v.body.length]),
    );
    for (const [i, [key, v]] of expected.entries()) {
      const etag = listed[i].etag?.replace(/"/g, '') ?? '';
      if (etag.includes('-')) {
        // A multipart copy: its ETag is not an MD5 of the bytes, so read them.
        expect(sha256(await bodyOf(client, bucket, key))).toBe(sha256(v.body));
      } else {
        expect([key, etag]).toEqual([key, md5(v.body)]);
      }
    }
  }
  const restoreArgs = (target: string, asOf: string) => [
    '--backup',
    backup,
    '--target',
    target,
    '--as-of',
    asOf,
    '--state-dir',
    stateDir,
  ];

  beforeAll(async () => {
    server = await useS3Server();
    client = server.client();
    stateDir = mkdtempSync(join(tmpdir(), 'restore-state-'));
    await createBucket(client, backup);
    await client.send(
      new PutBucketVersioningCommand({
        Bucket: backup,
        VersioningConfiguration: { Status: 'Enabled' },
      }),
    );
    const bulk = (i: number, version: string) => ({
      Key: `bulk/object-${String(i).padStart(4, '0')}`,
      Body: `bulk ${i} ${version}`,
    });

    // Phase 1: everything is created.
    await write([
      ...Array.from({ length: BULK }, (_, i) => bulk(i, 'v1')),
      { Key: 'docs/a', Body: 'A1', Metadata: { phase: '1' } },
      { Key: 'docs/b', Body: 'B1' },
      { Key: 'gone/d', Body: 'D1' },
      { Key: 'recreated/e', Body: 'E1' },
      ...UNICODE_KEYS.map((Key) => ({ Key, Body: `unicode ${Key}` })),
      { Key: BIG_KEY, Body: randomBytes(5.5 * MIB) },
    ]);
    await endPhase();

    // Phase 2: overwrites (several in a row on one key), deletes, a new key, a new big version.
    await write([
      ...Array.from({ length: BULK / 2 }, (_, i) => bulk(2 * i, 'v2 longer')),
      { Key: 'docs/a', Body: 'A2-two', Metadata: { phase: '2' } },
      { Key: 'new/f', Body: 'F2' },
      { Key: BIG_KEY, Body: randomBytes(5.5 * MIB) },
    ]);
    for (const body of ['B2x', 'B2y', 'B2z']) await write([{ Key: 'docs/b', Body: body }]);
    await remove(['gone/d', 'recreated/e']);
    await endPhase();

    // Phase 3: a deleted key comes back, same-size overwrite, more deletes.
    await write([
      { Key: 'recreated/e', Body: 'E3 again' },
      { Key: 'docs/a', Body: 'A3-six', Metadata: { phase: '3' } },
    ]);
    await remove([
      'docs/b',
      'new/f',
      ...Array.from({ length: BULK / 3 }, (_, i) => bulk(3 * i, '').Key),
    ]);
    await endPhase();
  }, 300_000);

  afterAll(async () => {
    rmSync(stateDir, { recursive: true, force: true });
    if (client === undefined) return;
    for (const target of targets) await deleteBucket(client, target);
    await emptyAndDeleteVersionedBucket(client, backup);
  }, 120_000);

  it('restores each point in time into a fresh bucket exactly as the backup held it then', async () => {
    // A key deleted at a point existed at an earlier point; one created later exists only after.
    const keysUpTo = (i: number) =>
      new Set(points.slice(0, i + 1).flatMap((p) => [...p.snapshot.keys()]));
    const utf8Sorted = (keys: Iterable<string>) => [...keys].sort(compareUtf8);
    for (const [i, { asOf, snapshot }] of points.entries()) {
      const target = await freshTarget(`rs-t${i + 1}`);
      const run = await runCli(restoreMain, [
        ...restoreArgs(target, asOf),
        // Small pages: keys whose versions span pages; the big object goes through UploadPartCopy.
        '--page-size',
        '7',
        '--multipart-threshold',
        '5MiB',
        '--part-size',
        '5MiB',
        '--verify',
        '--json',
      ]);
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      const summary = JSON.parse(run.stdout) as RestoreSummary;
      expect(summary.complete).toBe(true);
      expect(summary.written.objects).toBe(snapshot.size);
      expect(summary.plan.existedAtAsOf.objects).toBe(snapshot.size);
      expect(summary.plan.deletedAtAsOf.keys).toEqual(
        utf8Sorted([...keysUpTo(i)].filter((key) => !snapshot.has(key))),
      );
      expect(summary.plan.createdAfterAsOf.keys).toEqual(
        utf8Sorted([...keysUpTo(points.length - 1)].filter((key) => !keysUpTo(i).has(key))),
      );
      expect(summary.plan.onlyInTarget.count).toBe(0);
      expect(summary.requests.UploadPartCopy).toBe(2);
      expect(summary.requests.CopyObject).toBe(snapshot.size - 1);
      expect(summary.verify).toEqual(
        expect.objectContaining({ ok: true, matching: snapshot.size - 1, sizeOnly: 1 }),
      );
      await expectTargetToHold(target, snapshot);
      // The metadata of the version, not of the current object.
      const head = await client.send(new HeadObjectCommand({ Bucket: target, Key: 'docs/a' }));
      expect(head.Metadata).toEqual({ phase: String(i + 1) });
    }
    // The key deleted in phase 2 and re-created in phase 3 followed the time: E1, absent, E3.
    expect(points.map((p) => p.snapshot.get('recreated/e')?.body.toString())).toEqual([
      'E1',
      undefined,
      'E3 again',
    ]);
    // Three overwrites in a row: the last one is what phase 2 ended with.
    expect(points[1].snapshot.get('docs/b')?.body.toString()).toBe('B2z');
  }, 180_000);

  it('restores only the prefix, never writes to the backup, and refuses the backup as target', async () => {
    const refused = await runCli(restoreMain, restoreArgs(backup, points[1].asOf));
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('never writes to the backup');

    const target = await freshTarget('rs-prefix');
    const proxy = await startFaultProxy(server.endpoint, { recordRequests: true });
    try {
      const run = await runCli(restoreMain, [
        ...restoreArgs(target, points[1].asOf),
        '--prefix',
        'docs/',
        '--endpoint-url',
        proxy.url,
        '--json',
      ]);
      expect(run.code).toBe(0);
      const summary = JSON.parse(run.stdout) as RestoreSummary;
      expect(summary.plan.keysSeen).toBe(2);
      expect(summary.written.objects).toBe(2);
    } finally {
      await proxy.close();
    }
    await expectTargetToHold(target, points[1].snapshot, 'docs/');
    const writes = proxy.requests.filter((r) => r.method !== 'GET' && r.method !== 'HEAD');
    expect(writes.length).toBe(2);
    for (const request of writes) expect(request.url.startsWith(`/${target}/`)).toBe(true);
    expect(proxy.requests.some((r) => r.url.startsWith(`/${backup}`))).toBe(true);
    // The restored copies take the target's default encryption.
    expect(sseHeadersOf(proxy.requests)).toEqual([]);
  });

  it('--dry-run counts what would be written and writes nothing', async () => {
    const target = await freshTarget('rs-dry');
    const run = await runCli(restoreMain, [
      ...restoreArgs(target, points[2].asOf),
      '--json',
      '--dry-run',
    ]);
    expect(run.code).toBe(0);
    const summary = JSON.parse(run.stdout) as RestoreSummary;
    expect(summary.dryRun?.objects).toBe(points[2].snapshot.size);
    expect(summary.dryRun?.requests.CopyObject).toBe(points[2].snapshot.size);
    expect(summary.written.objects).toBe(0);
    // The same restore through S3 Batch Operations, to choose the engine before running either:
    // every version at as-of, the same listing, plus the manifest upload and the job's fees.
    expect(summary.batchEngine?.objects).toBe(points[2].snapshot.size);
    expect(summary.batchEngine?.requests.CopyObject).toBe(points[2].snapshot.size);
    expect(summary.batchEngine?.requests.ListObjectVersions).toBe(
      summary.dryRun?.requests.ListObjectVersions,
    );
    expect(summary.batchEngine?.usd).toBeGreaterThan(0.25);
    const text = await runCli(restoreMain, [...restoreArgs(target, points[2].asOf), '--dry-run']);
    expect(text.stdout).toMatch(/batch engine +\$\d+\.\d{4} with --engine batch: \d+ copies/);
    // Before the first write, nothing existed.
    const early = await runCli(restoreMain, [
      ...restoreArgs(target, '2000-01-01T00:00:00Z'),
      '--json',
      '--dry-run',
    ]);
    const before = JSON.parse(early.stdout) as RestoreSummary;
    expect(before.dryRun?.objects).toBe(0);
    expect(before.plan.createdAfterAsOf.count).toBe(before.plan.keysSeen);
    expect(await countObjects(client, target)).toBe(0);
  });

  it('killed with SIGKILL midway, a rerun resumes after the journal and converges', async () => {
    const { asOf, snapshot } = points[1];
    const target = await freshTarget('rs-resume');
    const resumeState = mkdtempSync(join(tmpdir(), 'restore-resume-'));
    const args = [
      '--backup',
      backup,
      '--target',
      target,
      '--as-of',
      asOf,
      '--state-dir',
      resumeState,
    ];
    // Slow copies, so that the kill lands midway.
    const proxy = await startFaultProxy(server.endpoint, { latencyMs: 100, methods: ['PUT'] });
    try {
      await killMidRun('restore', args, {
        endpointUrl: proxy.url,
        env: server.env,
        stateDir: resumeState,
      });
    } finally {
      await proxy.close();
    }
    const before = await countObjects(client, target);
    expect(before).toBeGreaterThan(0);
    expect(before).toBeLessThan(snapshot.size);

    const rerun = await runCli(restoreMain, [...args, '--json']);
    expect(rerun.code).toBe(0);
    const summary = JSON.parse(rerun.stdout) as RestoreSummary;
    expect(summary.resumedAfter).not.toBeNull();
    expect(summary.complete).toBe(true);
    // Nothing already restored is copied again.
    expect(summary.written.objects).toBe(snapshot.size - before);
    await expectTargetToHold(target, snapshot);
    expect(readdirSync(resumeState)).toEqual([]);
    rmSync(resumeState, { recursive: true, force: true });
  }, 120_000);

  it('into production: without the flag never overwrites; with it writes only differing keys and deletes nothing', async () => {
    const { asOf, snapshot } = points[2];
    const production = await freshTarget('rs-prod');
    const lib = createS3Client({ maxSockets: 16 });
    await restore({
      client: lib,
      backupBucket: backup,
      targetBucket: production,
      asOf: new Date(asOf),
    });
    // The damage: one object overwritten with the same size, one with another, two deleted, one added.
    await putObjects(client, production, [
      { Key: 'docs/a', Body: 'XXXXXX' },
      { Key: 'recreated/e', Body: 'ransomware' },
      { Key: 'extra/added-later', Body: 'kept' },
    ]);
    for (const key of ['bulk/object-0001', 'special/é中文']) {
      await client.send(new DeleteObjectCommand({ Bucket: production, Key: key }));
    }

    const cautious = await runCli(restoreMain, [...restoreArgs(production, asOf), '--json']);
    expect(cautious.code).toBe(1);
    const first = JSON.parse(cautious.stdout) as RestoreSummary;
    expect(first.conflicts).toBe(2);
    expect(first.plan.differing.keys).toEqual(['docs/a', 'recreated/e']);
    expect(first.written.objects).toBe(2);
    expect(first.requests.CopyObject).toBe(2);
    expect(Buffer.from(await bodyOf(client, production, 'docs/a')).toString()).toBe('XXXXXX');

    const run = await runCli(restoreMain, [
      ...restoreArgs(production, asOf),
      '--into-production',
      '--json',
    ]);
    expect(run.code).toBe(0);
    const summary = JSON.parse(run.stdout) as RestoreSummary;
    expect(summary.written.objects).toBe(2);
    // Compared from the listings: one copy per differing key, no HEAD or GET per object.
    expect(Object.keys(summary.requests).sort()).toEqual([
      'CopyObject',
      'ListObjectVersions',
      'ListObjectsV2',
    ]);
    expect(summary.requests.CopyObject).toBe(2);
    expect(summary.plan.unchanged.objects).toBe(snapshot.size - 2);
    expect(summary.plan.onlyInTarget.keys).toEqual(['extra/added-later']);
    const check = await checkRestore({
      client,
      backupBucket: backup,
      targetBucket: production,
      asOf: new Date(asOf),
    });
    expect(check).toEqual(
      expect.objectContaining({
        ok: true,
        onlyInTarget: { count: 1, keys: ['extra/added-later'] },
      }),
    );
    const withExtra = new Map(snapshot);
    withExtra.set('extra/added-later', { body: Buffer.from('kept') });
    await expectTargetToHold(production, withExtra);
  });

  // Needs a second user on the server: created on the local RGW, not on a user's endpoint.
  if (!usingExternalEndpoint) {
    it('credentials without access to the backup stop the run with one line naming the action', async () => {
      createLocalUser('restore-outsider', 'RESTOREOUTSIDERAK', 'RESTOREOUTSIDERSK');
      const target = await freshTarget('rs-denied');
      const run = await withEnv(
        { AWS_ACCESS_KEY_ID: 'RESTOREOUTSIDERAK', AWS_SECRET_ACCESS_KEY: 'RESTOREOUTSIDERSK' },
        () => runCli(restoreMain, restoreArgs(target, points[2].asOf)),
      );
      expect(run.code).toBe(3);
      expect(run.stderr).toContain('AccessDenied');
      expect(run.stderr).toContain(`s3:ListBucketVersions on s3://${backup}`);
      expect(await countObjects(client, target)).toBe(0);
    });
  }
});
