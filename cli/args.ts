import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from '../s3/client/errors';

/** Flags every S3 tool takes to reach its buckets. */
export const CONNECTION_FLAGS = {
  region: { type: 'string' },
  'endpoint-url': { type: 'string' },
  'role-arn': { type: 'string' },
  json: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const satisfies ParseArgsConfig['options'];

/** util.parseArgs, strict, with its errors turned into one-line usage errors. */
export function parseFlags<T extends NonNullable<ParseArgsConfig['options']>>(
  argv: string[],
  options: T,
) {
  try {
    return parseArgs({ args: argv, options, strict: true, allowPositionals: false }).values;
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

export function requireFlag(value: string | undefined, flag: string): string {
  if (value === undefined || value === '') throw new UsageError(`missing required --${flag}`);
  return value;
}

export function positiveIntegerFlag(
  value: string | undefined,
  flag: string,
  fallback: number,
): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) {
    throw new UsageError(`--${flag} must be a positive whole number, got '${value}'`);
  }
  return n;
}

/** A size such as 5GiB, 64MiB, 8MB or a number of bytes. */
export function byteSizeFlag(value: string | undefined, flag: string, fallback: number): number {
  if (value === undefined) return fallback;
  const m = /^(\d+(?:\.\d+)?)\s*(B|KB|KiB|MB|MiB|GB|GiB|TB|TiB)?$/i.exec(value.trim());
  if (!m) throw new UsageError(`--${flag} must be a size such as 64MiB or 5GiB, got '${value}'`);
  const units: Record<string, number> = {
    b: 1,
    kb: 1e3,
    kib: 1024,
    mb: 1e6,
    mib: 1024 ** 2,
    gb: 1e9,
    gib: 1024 ** 3,
    tb: 1e12,
    tib: 1024 ** 4,
  };
  return Math.floor(Number(m[1]) * units[(m[2] ?? 'b').toLowerCase()]);
}

const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

export function bucketFlag(value: string | undefined, flag: string): string {
  const name = requireFlag(value, flag)
    .replace(/^s3:\/\//, '')
    .replace(/\/$/, '');
  if (!BUCKET_NAME.test(name)) {
    throw new UsageError(`--${flag} '${value}' is not an S3 bucket name`);
  }
  return name;
}

export function urlFlag(value: string | undefined, flag: string): string | undefined {
  if (value === undefined) return undefined;
  try {
    new URL(value);
  } catch {
    throw new UsageError(`--${flag} '${value}' is not a URL`);
  }
  return value;
}

const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/;

export function roleArnFlag(value: string | undefined, flag: string): string | undefined {
  if (value === undefined) return undefined;
  if (!ROLE_ARN.test(value)) {
    throw new UsageError(
      `--${flag} '${value}' is not an IAM role ARN (arn:aws:iam::<account>:role/<name>)`,
    );
  }
  return value;
}

/** An AWS region name (eu-west-1); S3-compatible servers name theirs freely, so loosely checked. */
const REGION_NAME = /^[a-z0-9][a-z0-9-]{0,40}$/;

export function regionFlag(value: string | undefined, flag: string): string | undefined {
  if (value === undefined) return undefined;
  if (!REGION_NAME.test(value)) {
    throw new UsageError(`--${flag} '${value}' is not a region name such as eu-west-1`);
  }
  return value;
}
