/**
 * Times one point-in-time restore on the local RGW (or the endpoint in AWS_ENDPOINT_URL_S3):
 * a versioned bucket with N objects, a third of them overwritten and a sixth deleted after the
 * restore point, restored as of that point into a fresh bucket with the default settings.
 *
 *   npm run bench:restore [-- --objects 3000 --size 1024 --concurrency 128]
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import {
  CreateBucketCommand,
  DeleteObjectCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { forEachBounded } from '../s3/engine/pool';
import { checkRestore } from '../s3/restore/check';
import { emptyAndDeleteVersionedBucket } from './scratch-buckets';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** `npm run restore` in-process: argv and output streams in, exit code out. */
export type RestoreMain = (
  argv: readonly string[],
  output: { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream },
) => Promise<number>;

/**
 * `npm run bench:restore`: prints the timings as JSON. Runs the restore command as a user would
 * (`restoreMain`, handed in by the entry), then checks the target. True when the restore
 * succeeded and the target matches the backup at the restore point.
 */
export async function benchRestore(
  options: { readonly objects: number; readonly size: number; readonly concurrency: number },
  restoreMain: RestoreMain,
): Promise<boolean> {
  const { objects, size, concurrency } = options;
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  if (!process.env.AWS_ENDPOINT_URL_S3) {
    const text = execFileSync(join(__dirname, '..', 'scripts', 'test-s3-server.sh'), ['start'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    for (const m of text.matchAll(/^export (\w+)=(.*)$/gm)) process.env[m[1]] = m[2];
  }
  const client = new S3Client({
    endpoint: process.env.AWS_ENDPOINT_URL_S3,
    region: process.env.AWS_REGION ?? 'us-east-1',
    forcePathStyle: true,
  });
  const stamp = Date.now().toString(36);
  const backup = `bench-restore-backup-${stamp}`;
  const target = `bench-restore-target-${stamp}`;
  const stateDir = mkdtempSync(join(tmpdir(), 'bench-restore-'));
  await client.send(new CreateBucketCommand({ Bucket: backup }));
  await client.send(
    new PutBucketVersioningCommand({
      Bucket: backup,
      VersioningConfiguration: { Status: 'Enabled' },
    }),
  );
  await client.send(new CreateBucketCommand({ Bucket: target }));
  try {
    const key = (i: number) => `p${i % 8}/object-${String(i).padStart(6, '0')}`;
    const body = (i: number, v: string) => Buffer.alloc(size, `${v}${i}`);
    const indexes = Array.from({ length: objects }, (_, i) => i);
    process.stderr.write(`seeding ${objects} objects of ${size} bytes...\n`);
    await forEachBounded(indexes, 32, async (i) => {
      await client.send(new PutObjectCommand({ Bucket: backup, Key: key(i), Body: body(i, 'v1') }));
    });
    await sleep(1100);
    const asOf = new Date().toISOString();
    await sleep(1100);
    await forEachBounded(indexes, 32, async (i) => {
      if (i % 3 === 0) {
        await client.send(
          new PutObjectCommand({ Bucket: backup, Key: key(i), Body: body(i, 'v2') }),
        );
      } else if (i % 6 === 1) {
        await client.send(new DeleteObjectCommand({ Bucket: backup, Key: key(i) }));
      }
    });

    const chunks: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        chunks.push(chunk.toString());
        callback();
      },
    });
    const args = ['--backup', backup, '--target', target, '--as-of', asOf, '--state-dir', stateDir];
    // The listings alone (both of them, no copy): what a --dry-run costs.
    const listingStarted = performance.now();
    await restoreMain([...args, '--dry-run', '--json'], {
      stdout: new Writable({ write: (_chunk, _encoding, callback) => callback() }),
      stderr: process.stderr,
    });
    const listingSeconds = (performance.now() - listingStarted) / 1000;
    const started = performance.now();
    const code = await restoreMain([...args, '--concurrency', String(concurrency), '--json'], {
      stdout: sink,
      stderr: process.stderr,
    });
    const wallSeconds = (performance.now() - started) / 1000;
    const summary = JSON.parse(chunks.join('')) as {
      written: { objects: number };
      requests: Record<string, number>;
    };
    const check = await checkRestore({
      client,
      backupBucket: backup,
      targetBucket: target,
      asOf: new Date(asOf),
    });
    const result = {
      objects,
      versionsAndDeleteMarkers: objects + Math.ceil(objects / 3) + Math.floor((objects + 4) / 6),
      restored: summary.written.objects,
      exitCode: code,
      wallSeconds: Number(wallSeconds.toFixed(2)),
      dryRunSeconds: Number(listingSeconds.toFixed(2)),
      objectsPerSecond: Math.round(summary.written.objects / wallSeconds),
      requests: summary.requests,
      verified: check.ok && check.matching === objects,
    };
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    return code === 0 && result.verified;
  } finally {
    rmSync(stateDir, { recursive: true, force: true });
    await emptyAndDeleteVersionedBucket(client, backup);
    await emptyAndDeleteVersionedBucket(client, target);
  }
}
