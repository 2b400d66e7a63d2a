import { BastionConfig } from '../config';
import type { Expectations } from './expectations';
import type { CheckSession } from './session';

/** Prefix of every canary key: reserved, so that nothing else in a bucket is ever touched. */
export const CANARY_PREFIX = '.s3-bastion-canary/';

export interface CheckContext {
  readonly config: BastionConfig;
  readonly session: CheckSession;
  readonly expectations: Expectations;
  /** Names this run's canaries: `.s3-bastion-canary/<runId>/...`. */
  readonly runId: string;
  /** Longest wait for replication of one canary or delete marker. */
  readonly waitSeconds: number;
  /** Time between two looks while waiting. */
  readonly pollMs: number;
  /** A progress line (stderr), never a result. */
  readonly progress: (line: string) => void;
  /** Ctrl-C: stop waiting, skip the probes not yet run, still remove the canaries. */
  readonly signal: AbortSignal;
}

/** A canary written to a source bucket, and what the probes learnt about it. */
export interface Canary {
  readonly key: string;
  readonly versionId?: string;
  /** x-amz-replication-status the source finally reported. */
  replicationStatus?: string;
  /** The replica's version id in the backup bucket (same as the source's on AWS). */
  replicaVersionId?: string;
}

export function canaryKey(runId: string, name: string): string {
  return `${CANARY_PREFIX}${runId}/${name}`;
}

/**
 * Polls `look` until it returns a value or the wait ends; one progress line every ~10 s so that a
 * long wait is never silent. Returns undefined on timeout.
 */
export async function waitFor<T>(
  context: CheckContext,
  what: string,
  look: () => Promise<{ done: T | undefined; state: string }>,
): Promise<{ value: T | undefined; state: string; seconds: number }> {
  const started = Date.now();
  let lastLine = started;
  for (;;) {
    const { done, state } = await look();
    const seconds = Math.round((Date.now() - started) / 1000);
    if (done !== undefined) return { value: done, state, seconds };
    if (context.signal.aborted)
      return { value: undefined, state: `${state}, interrupted`, seconds };
    if (Date.now() - started >= context.waitSeconds * 1000) {
      return { value: undefined, state, seconds };
    }
    if (Date.now() - lastLine >= 10_000) {
      context.progress(`waiting for ${what}: ${state} (${seconds} s of ${context.waitSeconds} s)`);
      lastLine = Date.now();
    }
    await new Promise((resolve) => setTimeout(resolve, context.pollMs));
  }
}

/** `AccessDenied`, `NoSuchKey`, ... or `HTTP 403` when S3 sends no body (a HEAD). */
export function answerOf(error: unknown): string {
  const e = error as { name?: string; Code?: string; $metadata?: { httpStatusCode?: number } };
  const name = e?.Code ?? e?.name;
  const status = e?.$metadata?.httpStatusCode;
  if (name !== undefined && name !== 'Error' && !/^\d+$/.test(name)) return name;
  return status === undefined ? String(error) : `HTTP ${status}`;
}

export function isAccessDenied(error: unknown): boolean {
  const e = error as { name?: string; Code?: string; $metadata?: { httpStatusCode?: number } };
  const name = e?.Code ?? e?.name;
  return (
    name === 'AccessDenied' ||
    name === 'AuthorizationError' ||
    name === 'AccessDeniedException' ||
    e?.$metadata?.httpStatusCode === 403
  );
}
