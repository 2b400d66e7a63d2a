/**
 * The S3 server of the integration tests: the user's own endpoint when AWS_ENDPOINT_URL_S3 and
 * credentials are set before jest starts, otherwise the project's local Ceph RGW
 * (scripts/test-s3-server.sh), started by the first test file that needs it and stopped by
 * jest's globalTeardown. Test files that never call `useS3Server` never start it.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';

export const REPO_ROOT = join(__dirname, '..', '..');
const SERVER_SCRIPT = join(REPO_ROOT, 'scripts', 'test-s3-server.sh');
export const LOCAL_SERVER_DIR = process.env.S3_SERVER_DIR ?? join(tmpdir(), 's3-bastion-rgw');
/** Written when this jest run started the server, so that globalTeardown stops only its own. */
export const STARTED_BY_MARKER = join(LOCAL_SERVER_DIR, 'started-by-jest-run');

/** True when the user pointed the tests at their own S3 endpoint. */
export const usingExternalEndpoint =
  Boolean(process.env.AWS_ENDPOINT_URL_S3) && Boolean(process.env.AWS_ACCESS_KEY_ID);

export interface S3TestServer {
  readonly endpoint: string;
  /** Environment for child processes (the CLI) to reach the server. */
  readonly env: Record<string, string>;
  readonly local: boolean;
  client(credentials?: { accessKeyId: string; secretAccessKey: string }): S3Client;
}

function parseExports(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const match of text.matchAll(/^export (\w+)=(.*)$/gm)) env[match[1]] = match[2];
  return env;
}

async function withLock<T>(lockDir: string, body: () => T): Promise<T> {
  for (let waited = 0; ; waited += 200) {
    try {
      mkdirSync(lockDir);
      break;
    } catch {
      if (waited > 180_000) throw new Error(`timed out waiting for ${lockDir}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  try {
    return body();
  } finally {
    rmdirSync(lockDir);
  }
}

function serverIsUp(): boolean {
  return existsSync(join(LOCAL_SERVER_DIR, 'run', 'rgw.fgpid'));
}

/** Starts (or joins) the local RGW and returns its environment. */
async function startLocalServer(): Promise<Record<string, string>> {
  mkdirSync(join(LOCAL_SERVER_DIR, '..'), { recursive: true });
  return withLock(`${LOCAL_SERVER_DIR}.lock`, () => {
    const wasUp = serverIsUp();
    const output = execFileSync(SERVER_SCRIPT, ['start', LOCAL_SERVER_DIR], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
      timeout: 600_000,
    });
    if (!wasUp && process.env.S3_BASTION_JEST_RUN !== undefined) {
      writeFileSync(STARTED_BY_MARKER, process.env.S3_BASTION_JEST_RUN);
    }
    return parseExports(output);
  });
}

/** Creates an S3 user on the local server (access-denied tests). */
export function createLocalUser(name: string, accessKeyId: string, secretAccessKey: string): void {
  execFileSync(SERVER_SCRIPT, ['user', name, accessKeyId, secretAccessKey, LOCAL_SERVER_DIR], {
    stdio: 'ignore',
  });
}

export async function useS3Server(): Promise<S3TestServer> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  const base: Record<string, string> = usingExternalEndpoint
    ? {
        AWS_ENDPOINT_URL_S3: process.env.AWS_ENDPOINT_URL_S3 ?? '',
        AWS_ACCESS_KEY_ID: process.env.AWS_ACCESS_KEY_ID ?? '',
        AWS_SECRET_ACCESS_KEY: process.env.AWS_SECRET_ACCESS_KEY ?? '',
        ...(process.env.AWS_SESSION_TOKEN
          ? { AWS_SESSION_TOKEN: process.env.AWS_SESSION_TOKEN }
          : {}),
        AWS_REGION: process.env.AWS_REGION ?? 'us-east-1',
      }
    : await startLocalServer();
  const env: Record<string, string> = {
    ...base,
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
  Object.assign(process.env, env);
  return {
    endpoint: env.AWS_ENDPOINT_URL_S3,
    env,
    local: !usingExternalEndpoint,
    client: (credentials) =>
      new S3Client({
        endpoint: env.AWS_ENDPOINT_URL_S3,
        region: env.AWS_REGION,
        forcePathStyle: true,
        credentials: credentials ?? {
          accessKeyId: env.AWS_ACCESS_KEY_ID,
          secretAccessKey: env.AWS_SECRET_ACCESS_KEY,
          sessionToken: env.AWS_SESSION_TOKEN,
        },
      }),
  };
}

/** A bucket name no other test file or earlier run uses. */
export function uniqueBucketName(label: string): string {
  return `${label}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}

export async function createBucket(client: S3Client, bucket: string): Promise<void> {
  await client.send(new CreateBucketCommand({ Bucket: bucket }));
}

export { deleteBucket, emptyAndDeleteVersionedBucket } from '../../bench/scratch-buckets';

/** globalTeardown side: stops the server if this jest run started it. */
export function stopLocalServerIfOurs(runId: string | undefined): void {
  if (runId === undefined || !existsSync(STARTED_BY_MARKER)) return;
  if (readFileSync(STARTED_BY_MARKER, 'utf8') !== runId) return;
  execFileSync(SERVER_SCRIPT, ['stop', LOCAL_SERVER_DIR], { stdio: 'inherit' });
}
