import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetObjectCommand, HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { main as backfillMain } from '../../../scripts/backfill';
import { main as verifyMain } from '../../../scripts/verify';
import { backfill } from '../../../s3/backfill/backfill';
import { createS3Client } from '../../../s3/client/clients';
import { listObjects } from '../../../s3/listing/listing';
import { signedCopyObjectSender } from '../../../s3/client/signed-copy';
import { verify } from '../../../s3/backfill/verify';
import {
  journalWatermark,
  killMidRun,
  putObjects,
  runCli,
  waitForJournal,
  withEnv,
} from '../../support/cli-harness';
import { sseHeadersOf, startFaultProxy } from '../../../bench/fault-proxy';
import {
  createBucket,
  createLocalUser,
  deleteBucket,
  REPO_ROOT,
  type S3TestServer,
  uniqueBucketName,
  useS3Server,
  usingExternalEndpoint,
} from '../../support/s3-server';

async function countObjects(client: S3Client, bucket: string, prefix?: string): Promise<number> {
  let n = 0;
  for await (const object of listObjects(client, { bucket, prefix }))
    n += object.key === '' ? 0 : 1;
  return n;
}

async function sha256Of(client: S3Client, bucket: string, key: string): Promise<string> {
  const response = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  const bytes = await response.Body?.transformToByteArray();
  return createHash('sha256')
    .update(bytes ?? new Uint8Array())
    .digest('hex');
}

describe('backfill under faults, interruption and errors', () => {
  let server: S3TestServer;
  let client: S3Client;
  let stateDir: string;
  const source = uniqueBucketName('bff-src');
  const destination = uniqueBucketName('bff-dst');
  const objectsPerPrefix = { flaky: 400, resume: 400, interrupt: 300 };

  beforeAll(async () => {
    server = await useS3Server();
    client = server.client();
    stateDir = mkdtempSync(join(tmpdir(), 'backfill-faults-'));
    await createBucket(client, source);
    await createBucket(client, destination);
    const small = (prefix: string, n: number) =>
      Array.from({ length: n }, (_, i) => ({
        Key: `${prefix}/object-${String(i).padStart(4, '0')}`,
        Body: `${prefix} ${i}`,
      }));
    await putObjects(client, source, [
      ...small('flaky-signed', objectsPerPrefix.flaky),
      ...small('flaky-sdk', objectsPerPrefix.flaky),
      ...small('resume', objectsPerPrefix.resume),
      ...small('interrupt', objectsPerPrefix.interrupt),
    ]);
  }, 300_000);

  afterAll(async () => {
    rmSync(stateDir, { recursive: true, force: true });
    if (client === undefined) return;
    await deleteBucket(client, source);
    await deleteBucket(client, destination);
  }, 120_000);

  it('copies objects above a lowered threshold with UploadPartCopy, bytes, metadata and tags intact', async () => {
    const big = [
      { Key: 'big/six-mib', Body: randomBytes(6 * 1024 ** 2) },
      { Key: 'big/eleven mib+', Body: randomBytes(11 * 1024 ** 2) },
    ];
    await putObjects(client, source, [
      {
        ...big[0],
        Metadata: { origin: 'multipart-test' },
        ContentType: 'application/x-test',
        Tagging: 'size=big',
      },
      big[1],
    ]);
    // Through a recording proxy: RGW (Ceph 16) ignores x-amz-tagging on CreateMultipartUpload,
    // so the tags are checked on the request, which S3 honours.
    const proxy = await startFaultProxy(server.endpoint, { recordRequests: true });
    const run = await runCli(backfillMain, [
      ...['--source', source, '--destination', destination, '--prefix', 'big/'],
      ...['--multipart-threshold', '5MiB', '--part-size', '5MiB', '--state-dir', stateDir],
      ...['--endpoint-url', proxy.url, '--json'],
    ]).finally(() => proxy.close());
    // The tool never writes to the source: every request that is not a read targets the destination.
    const writes = proxy.requests.filter((r) => r.method !== 'GET' && r.method !== 'HEAD');
    expect(writes.length).toBeGreaterThan(0);
    expect(writes.filter((r) => !r.url.startsWith(`/${destination}/`))).toEqual([]);
    // No SSE header on CreateMultipartUpload or UploadPartCopy: the copy takes the backup bucket's
    // default encryption (with SSE-KMS backups, the backup key), never AES256 forced on it.
    expect(sseHeadersOf(proxy.requests)).toEqual([]);
    const creates = proxy.requests.filter((r) => r.method === 'POST' && r.url.includes('?uploads'));
    expect(
      creates
        .map((r) => [decodeURIComponent(r.url.split('?')[0]), r.headers['x-amz-tagging']])
        .sort(),
    ).toEqual([
      [`/${destination}/big/eleven mib+`, undefined],
      [`/${destination}/big/six-mib`, 'size=big'],
    ]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const summary = JSON.parse(run.stdout) as {
      copied: { objects: number };
      requests: Record<string, number>;
    };
    expect(summary.copied.objects).toBe(2);
    // 6 MiB in 2 parts, 11 MiB in 3 parts.
    expect(summary.requests.UploadPartCopy).toBe(5);
    expect(summary.requests.CompleteMultipartUpload).toBe(2);
    expect(summary.requests.CopyObject).toBeUndefined();
    for (const object of big) {
      expect(await sha256Of(client, destination, object.Key)).toBe(
        createHash('sha256').update(object.Body).digest('hex'),
      );
    }
    const head = await client.send(
      new HeadObjectCommand({ Bucket: destination, Key: 'big/six-mib' }),
    );
    expect(head.Metadata).toEqual({ origin: 'multipart-test' });
    expect(head.ContentType).toBe('application/x-test');
  });

  it.each(['signed', 'sdk'] as const)(
    'loses nothing behind 503 SlowDown, 500, errors in a 200 and dropped connections (%s CopyObject)',
    async (sender) => {
      const prefix = `flaky-${sender}/`;
      const proxy = await startFaultProxy(server.endpoint, {
        slowDownEvery: 7,
        internalErrorEvery: 11,
        copyErrorIn200Every: 17,
        // Forwarded, then dropped: the copy happened but the tool never heard; the retry gets 412.
        dropConnectionEvery: 13,
        emulateCopyIfNoneMatch: { client },
      });
      try {
        const proxiedClient = createS3Client({ endpointUrl: proxy.url, maxSockets: 40 });
        const result = await backfill({
          client: proxiedClient,
          copyObject:
            sender === 'signed'
              ? signedCopyObjectSender(proxiedClient, { endpointUrl: proxy.url })
              : undefined,
          sourceBucket: source,
          destinationBucket: destination,
          prefix,
          concurrency: 32,
          stateDir,
          retryPolicy: { maxAttempts: 20, baseDelayMs: 5, maxDelayMs: 200 },
        });
        expect(proxy.injected.slowDown).toBeGreaterThan(20);
        expect(proxy.injected.internalError).toBeGreaterThan(20);
        expect(proxy.injected.errorIn200).toBeGreaterThan(5);
        expect(proxy.injected.dropped).toBeGreaterThan(20);
        expect(result.stats.objectsFailed).toBe(0);
        expect(result.stats.throttles).toBeGreaterThan(0);
        expect(result.stats.objectsCopied + result.stats.objectsAlreadyPresent).toBe(
          objectsPerPrefix.flaky,
        );
      } finally {
        await proxy.close();
      }
      const report = await verify({
        client,
        sourceBucket: source,
        destinationBucket: destination,
        prefix,
      });
      expect(report.ok).toBe(true);
      expect(report.destination.objects).toBe(objectsPerPrefix.flaky);
    },
  );

  it('killed with SIGKILL midway, a rerun resumes after the journal watermark and converges', async () => {
    // Slow the copies down so that the kill lands midway.
    const proxy = await startFaultProxy(server.endpoint, { latencyMs: 40, methods: ['PUT'] });
    const resumeState = mkdtempSync(join(tmpdir(), 'backfill-resume-'));
    const args = [
      '--source',
      source,
      '--destination',
      destination,
      '--prefix',
      'resume/',
      '--state-dir',
      resumeState,
    ];
    try {
      await killMidRun('backfill', args, {
        endpointUrl: proxy.url,
        env: server.env,
        stateDir: resumeState,
      });
    } finally {
      await proxy.close();
    }
    const copiedBeforeKill = await countObjects(client, destination, 'resume/');
    expect(copiedBeforeKill).toBeGreaterThan(0);
    expect(copiedBeforeKill).toBeLessThan(objectsPerPrefix.resume);

    const rerun = await runCli(backfillMain, [...args, '--json']);
    expect(rerun.code).toBe(0);
    const summary = JSON.parse(rerun.stdout) as {
      resumedAfter: string | null;
      copied: { objects: number };
      complete: boolean;
    };
    expect(summary.resumedAfter).toMatch(/^resume\/object-\d{4}$/);
    expect(summary.complete).toBe(true);
    // Nothing finished is copied again: exactly the objects that were not there yet.
    expect(summary.copied.objects).toBe(objectsPerPrefix.resume - copiedBeforeKill);
    const verified = await runCli(verifyMain, [
      '--source',
      source,
      '--destination',
      destination,
      '--prefix',
      'resume/',
    ]);
    expect(verified.code).toBe(0);
    // A finished run leaves no journal behind: the next run diffs from the start.
    expect(readdirSync(resumeState)).toEqual([]);
    rmSync(resumeState, { recursive: true, force: true });
  }, 120_000);

  it('stopped with SIGINT (Ctrl-C), it finishes the copies in flight, keeps its journal and exits 130', async () => {
    const proxy = await startFaultProxy(server.endpoint, { latencyMs: 40, methods: ['PUT'] });
    const interruptState = mkdtempSync(join(tmpdir(), 'backfill-interrupt-'));
    const args = [
      ...['--source', source, '--destination', destination, '--prefix', 'interrupt/'],
      ...['--state-dir', interruptState],
    ];
    try {
      const child = spawn(
        process.execPath,
        [
          ...['--import', 'tsx', join(REPO_ROOT, 'scripts', 'backfill.ts'), ...args],
          ...['--concurrency', '4', '--endpoint-url', proxy.url],
        ],
        {
          env: { ...process.env, ...server.env },
          stdio: ['ignore', 'pipe', 'pipe'],
          cwd: REPO_ROOT,
        },
      );
      let stdout = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      const exitCode = new Promise<number | null>((resolve) => child.on('exit', resolve));
      await waitForJournal(interruptState, 'backfill');
      child.kill('SIGINT');
      expect(await exitCode).toBe(130);
      expect(stdout).toMatch(/NOT complete/);
      expect(journalWatermark(interruptState)).toMatch(/^interrupt\/object-\d{4}$/);
    } finally {
      await proxy.close();
    }
    const rerun = await runCli(backfillMain, [...args, '--json']);
    expect(rerun.code).toBe(0);
    expect(
      (JSON.parse(rerun.stdout) as { resumedAfter: string | null }).resumedAfter,
    ).not.toBeNull();
    expect(await countObjects(client, destination, 'interrupt/')).toBe(objectsPerPrefix.interrupt);
    rmSync(interruptState, { recursive: true, force: true });
  }, 120_000);

  describe('errors: one line and a non-zero exit', () => {
    const oneLine = (text: string) => text.trim().split('\n');

    it('a missing bucket', async () => {
      const run = await runCli(backfillMain, [
        '--source',
        'no-such-bucket-s3-bastion',
        '--destination',
        destination,
      ]);
      expect(run.code).toBe(3);
      expect(oneLine(run.stderr)).toEqual([
        "backfill: NoSuchBucket: bucket 'no-such-bucket-s3-bastion' does not exist (s3:ListBucket on s3://no-such-bucket-s3-bastion)",
      ]);
      const verified = await runCli(verifyMain, [
        '--source',
        source,
        '--destination',
        'no-such-bucket-s3-bastion',
      ]);
      expect(verified.code).toBe(3);
      expect(oneLine(verified.stderr)[0]).toMatch(
        /^verify: NoSuchBucket: bucket 'no-such-bucket-s3-bastion'/,
      );
    });

    it.each([
      [['--destination', 'b-dst'], 'missing required --source'],
      [
        ['--source', 'same-bucket', '--destination', 'same-bucket'],
        'are the same bucket (same-bucket)',
      ],
      [
        ['--source', 'a-src', '--destination', 'b-dst', '--concurrency', 'many'],
        '--concurrency must be a positive whole number',
      ],
      [['--source', 'a-src', '--destination', 'b-dst', '--bogus'], "Unknown option '--bogus'"],
      [
        ['--source', 'Not_A_Bucket', '--destination', 'b-dst'],
        "--source 'Not_A_Bucket' is not an S3 bucket name",
      ],
      [
        ['--source', 'a-src', '--destination', 'b-dst', '--role-arn', 'admin'],
        "--role-arn 'admin' is not an IAM role ARN",
      ],
    ])('bad arguments %j', async (argv, message) => {
      const run = await runCli(backfillMain, argv);
      expect(run.code).toBe(2);
      expect(oneLine(run.stderr)).toHaveLength(1);
      expect(run.stderr).toContain(message);
    });

    // Needs a second user on the server: created on the local RGW, not on a user's endpoint.
    if (!usingExternalEndpoint) {
      it('access denied names the action: listing a bucket, then copying into one', async () => {
        createLocalUser('stranger', 'STRANGERAK', 'STRANGERSK');
        const strangerEnv = {
          AWS_ACCESS_KEY_ID: 'STRANGERAK',
          AWS_SECRET_ACCESS_KEY: 'STRANGERSK',
        };
        const strangersBucket = uniqueBucketName('stranger');
        const stranger = server.client({
          accessKeyId: 'STRANGERAK',
          secretAccessKey: 'STRANGERSK',
        });
        await createBucket(stranger, strangersBucket);
        await putObjects(stranger, strangersBucket, [{ Key: 'a', Body: 'a' }]);
        try {
          const listDenied = await withEnv(strangerEnv, () =>
            runCli(backfillMain, [
              '--source',
              source,
              '--destination',
              strangersBucket,
              '--state-dir',
              stateDir,
            ]),
          );
          expect(listDenied.code).toBe(3);
          expect(oneLine(listDenied.stderr)).toEqual([
            `backfill: AccessDenied: the credentials are not allowed s3:ListBucket on s3://${source}; grant s3:ListBucket or use --role-arn`,
          ]);
          const copyDenied = await withEnv(strangerEnv, () =>
            runCli(backfillMain, [
              ...[
                '--source',
                strangersBucket,
                '--destination',
                destination,
                '--if-none-match-only',
              ],
              ...['--state-dir', stateDir],
            ]),
          );
          expect(copyDenied.code).toBe(3);
          expect(oneLine(copyDenied.stderr)).toHaveLength(1);
          expect(copyDenied.stderr).toMatch(
            /^backfill: AccessDenied: .* need s3:GetObject .* s3:PutObject/,
          );
        } finally {
          await deleteBucket(stranger, strangersBucket);
        }
      });
    }
  });
});
