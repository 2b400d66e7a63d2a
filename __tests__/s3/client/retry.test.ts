import { backoffDelayMs, isRetryable, isThrottle, withRetries } from '../../../s3/client/retry';
import { s3Error } from '../../support/s3-error';

describe('retries', () => {
  it('retries throttling, 5xx and dropped connections but not client errors', () => {
    expect(isRetryable(s3Error('SlowDown', 503))).toBe(true);
    expect(isRetryable(s3Error('InternalError', 500))).toBe(true);
    expect(isRetryable(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }))).toBe(
      true,
    );
    expect(isRetryable(s3Error('TimeoutError', 0))).toBe(true);
    expect(isRetryable(s3Error('AccessDenied', 403))).toBe(false);
    expect(isRetryable(s3Error('NoSuchBucket', 404))).toBe(false);
    expect(isRetryable(s3Error('PreconditionFailed', 412))).toBe(false);
    expect(isThrottle(s3Error('SlowDown', 503))).toBe(true);
    expect(isThrottle(s3Error('InternalError', 500))).toBe(false);
  });

  it('backs off exponentially with full jitter up to the cap', () => {
    const policy = { maxAttempts: 10, baseDelayMs: 100, maxDelayMs: 1000 };
    expect(backoffDelayMs(1, policy, () => 0.999)).toBe(99);
    expect(backoffDelayMs(3, policy, () => 0.5)).toBe(200);
    expect(backoffDelayMs(9, policy, () => 0.999)).toBe(999);
    expect(backoffDelayMs(9, policy, () => 0)).toBe(0);
  });

  it('keeps trying a retryable error and gives up at once on a fatal one', async () => {
    const policy = { maxAttempts: 5, baseDelayMs: 1, maxDelayMs: 2 };
    let calls = 0;
    await expect(
      withRetries(
        () => (++calls < 4 ? Promise.reject(s3Error('SlowDown', 503)) : Promise.resolve('ok')),
        policy,
      ),
    ).resolves.toBe('ok');
    expect(calls).toBe(4);
    calls = 0;
    await expect(
      withRetries(() => {
        calls++;
        return Promise.reject(s3Error('AccessDenied', 403));
      }, policy),
    ).rejects.toThrow('AccessDenied');
    expect(calls).toBe(1);
  });
});
