import { spawn } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { PutObjectCommand, type PutObjectCommandInput, type S3Client } from '@aws-sdk/client-s3';
import { forEachBounded } from '../../s3/engine/pool';
import { REPO_ROOT } from './s3-server';

/** Output streams that keep what a CLI main writes, for assertions. */
export function captureOutput() {
  const chunks = { stdout: '', stderr: '' };
  const sink = (name: 'stdout' | 'stderr') =>
    new Writable({
      write(chunk: Buffer, _encoding, callback) {
        chunks[name] += chunk.toString();
        callback();
      },
    });
  return { output: { stdout: sink('stdout'), stderr: sink('stderr') }, chunks };
}

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a CLI main in-process with its output captured. */
export async function runCli(
  main: (argv: string[], output: { stdout: Writable; stderr: Writable }) => Promise<number>,
  argv: string[],
): Promise<CliRun> {
  const { output, chunks } = captureOutput();
  const code = await main(argv, output);
  return { code, stdout: chunks.stdout, stderr: chunks.stderr };
}

/** Runs `body` with some environment variables replaced (credentials of another user). */
export async function withEnv<T>(vars: Record<string, string>, body: () => Promise<T>): Promise<T> {
  const saved: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(vars)) {
    saved[name] = process.env[name];
    process.env[name] = value;
  }
  try {
    return await body();
  } finally {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
}

export type SeedObject = Omit<PutObjectCommandInput, 'Bucket'> & { Key: string };

/** Writes test objects, 32 at a time. */
export async function putObjects(
  client: S3Client,
  bucket: string,
  objects: Iterable<SeedObject>,
): Promise<void> {
  await forEachBounded(objects, 32, async (object) => {
    // A Buffer with its length: the SDK warns about (and streams) bodies of unknown length.
    const body = typeof object.Body === 'string' ? Buffer.from(object.Body) : object.Body;
    const length = Buffer.isBuffer(body) ? body.length : undefined;
    await client.send(
      new PutObjectCommand({ Bucket: bucket, ...object, Body: body, ContentLength: length }),
    );
  });
}

/** The watermark in the (single) resume journal of a state dir, once one has been written. */
export function journalWatermark(stateDir: string): string | undefined {
  if (!existsSync(stateDir)) return undefined;
  const file = readdirSync(stateDir).find((name) => name.endsWith('.json'));
  if (file === undefined) return undefined;
  return (JSON.parse(readFileSync(join(stateDir, file), 'utf8')) as { watermark?: string })
    .watermark;
}

/** Waits until a running tool has saved a watermark: it is midway, with work done and left. */
export async function waitForJournal(stateDir: string, tool: string): Promise<void> {
  for (let waited = 0; journalWatermark(stateDir) === undefined; waited += 100) {
    if (waited > 60_000) throw new Error(`the ${tool} never wrote its journal`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * Starts `scripts/<tool>.ts` as its own process (4 copies in flight, through `endpointUrl`),
 * waits until it is midway and kills it with SIGKILL: a crash, with no chance to clean up.
 */
export async function killMidRun(
  tool: 'backfill' | 'restore',
  args: readonly string[],
  options: { endpointUrl: string; env: Record<string, string>; stateDir: string },
): Promise<void> {
  const child = spawn(
    process.execPath,
    [
      ...['--import', 'tsx', join(REPO_ROOT, 'scripts', `${tool}.ts`), ...args],
      ...['--concurrency', '4', '--endpoint-url', options.endpointUrl],
    ],
    { env: { ...process.env, ...options.env }, stdio: 'ignore', cwd: REPO_ROOT },
  );
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  try {
    await waitForJournal(options.stateDir, tool);
  } finally {
    child.kill('SIGKILL');
    await exited;
  }
}
