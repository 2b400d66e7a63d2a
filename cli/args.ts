import { UsageError } from './errors';

/** Parsers of flag values: each names its flag in the error, so the message says what to fix. */

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

/** An ISO 8601 date-time with an explicit zone: a bare local time would depend on the machine. */
export function instantFlag(value: string | undefined, flag: string): Date {
  const text = requireFlag(value, flag);
  const iso =
    /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/i.exec(text) !== null;
  const date = new Date(text);
  if (!iso || Number.isNaN(date.getTime())) {
    throw new UsageError(
      `--${flag} '${text}' is not an ISO 8601 time with a zone, such as 2025-03-01T12:00:00Z`,
    );
  }
  return date;
}

/** One of a fixed set of words. */
export function choiceFlag<T extends string>(
  value: string | undefined,
  flag: string,
  choices: readonly T[],
): T {
  if (!choices.includes(value as T)) {
    throw new UsageError(
      `--${flag} must be ${choices.map((c) => `'${c}'`).join(' or ')}, got '${value}'`,
    );
  }
  return value as T;
}
