import { errorName, httpStatus } from './errors';

const RETRYABLE_NAMES = new Set([
  'SlowDown',
  'ServiceUnavailable',
  'InternalError',
  'RequestTimeout',
  'RequestTimeTooSkewed',
  'Throttling',
  'ThrottlingException',
  'TooManyRequests',
  'TimeoutError',
  'RequestTimeoutException',
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ECONNABORTED',
  'UND_ERR_SOCKET',
]);

/** True for errors that a later attempt of the same request can succeed after. */
export function isRetryable(error: unknown): boolean {
  const name = errorName(error);
  if (RETRYABLE_NAMES.has(name)) return true;
  const status = httpStatus(error);
  if (status !== undefined) return status >= 500 || status === 429;
  // Sockets closed mid-response surface without a status and with varied names.
  const message = error instanceof Error ? error.message : '';
  return /socket hang up|ECONNRESET|EPIPE|timed? ?out|premature close|aborted/i.test(message);
}

/** True for the errors that mean "send fewer requests per second". */
export function isThrottle(error: unknown): boolean {
  const name = errorName(error);
  return (
    name === 'SlowDown' ||
    name === 'Throttling' ||
    name === 'ThrottlingException' ||
    name === 'TooManyRequests' ||
    httpStatus(error) === 503 ||
    httpStatus(error) === 429
  );
}

export interface RetryPolicy {
  /** Attempts per request including the first. Large by default: dropping an object is worse than waiting. */
  readonly maxAttempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 15,
  baseDelayMs: 100,
  maxDelayMs: 20_000,
};

/** "Full jitter" backoff: spreads retries of many workers so that they do not return in step. */
export function backoffDelayMs(
  attempt: number,
  policy: RetryPolicy,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return Math.floor(random() * ceiling);
}

export const sleep = (ms: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Calls `attempt` until it succeeds, a non-retryable error happens, or the policy runs out.
 * `onRetry` lets callers count retries and slow their request rate on throttling.
 */
export async function withRetries<T>(
  attempt: (attemptNumber: number) => Promise<T>,
  policy: RetryPolicy,
  onRetry?: (error: unknown, attemptNumber: number) => void,
): Promise<T> {
  for (let attemptNumber = 1; ; attemptNumber++) {
    try {
      return await attempt(attemptNumber);
    } catch (error) {
      if (attemptNumber >= policy.maxAttempts || !isRetryable(error)) throw error;
      onRetry?.(error, attemptNumber);
      await sleep(backoffDelayMs(attemptNumber, policy));
    }
  }
}
