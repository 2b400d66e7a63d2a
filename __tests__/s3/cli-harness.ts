import { Writable } from 'node:stream';
import { PutObjectCommand, type PutObjectCommandInput, type S3Client } from '@aws-sdk/client-s3';
import { forEachBounded } from '../../scripts/lib/pool';

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
