import { forEachBounded, readAhead } from '../../scripts/lib/pool';
import { Watermark } from '../../scripts/lib/journal';
import { AdaptiveRateLimiter } from '../../scripts/lib/rate-limiter';
import { backoffDelayMs, isRetryable, isThrottle, withRetries } from '../../scripts/lib/retry';
import { describeS3Error, isFatalForRun } from '../../scripts/lib/errors';
import { copySourceHeader } from '../../scripts/lib/copy-engine';
import { byteSizeFlag, bucketFlag, positiveIntegerFlag } from '../../scripts/lib/args';

const s3Error = (name: string, status: number) =>
  Object.assign(new Error(name), { name, $metadata: { httpStatusCode: status } });

describe('forEachBounded', () => {
  it('never has more than the limit in flight and pulls items only when a slot frees', async () => {
    let inFlight = 0;
    let maxInFlight = 0;
    let pulled = 0;
    let completed = 0;
    async function* items() {
      for (let i = 0; i < 200; i++) {
        pulled++;
        // Pulled lazily: at most `limit` items are ahead of the completed ones.
        expect(pulled - completed).toBeLessThanOrEqual(5);
        yield await Promise.resolve(i);
      }
    }
    await forEachBounded(items(), 4, async () => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 1));
      inFlight--;
      completed++;
    });
    expect(completed).toBe(200);
    expect(maxInFlight).toBe(4);
  });

  it('stops taking items after the signal aborts and rethrows a worker failure', async () => {
    const stop = new AbortController();
    let started = 0;
    await forEachBounded(
      Array.from({ length: 100 }, (_, i) => i),
      2,
      async (i) => {
        started++;
        if (i === 10) stop.abort();
        await Promise.resolve();
      },
      stop.signal,
    );
    expect(started).toBeLessThan(14);
    await expect(
      forEachBounded([1, 2, 3], 2, (i) =>
        i === 2 ? Promise.reject(new Error('boom')) : Promise.resolve(),
      ),
    ).rejects.toThrow('boom');
  });
});

describe('readAhead', () => {
  it('runs at most `capacity` items ahead of the consumer and yields every item in order', async () => {
    let produced = 0;
    let consumed = 0;
    let maxAhead = 0;
    async function* source() {
      for (let i = 0; i < 5000; i++) {
        produced++;
        maxAhead = Math.max(maxAhead, produced - consumed);
        yield await Promise.resolve(i);
      }
    }
    const seen: number[] = [];
    for await (const item of readAhead(source(), 100)) {
      consumed++;
      seen.push(item);
      if (item % 500 === 0) await new Promise((resolve) => setTimeout(resolve, 2));
    }
    expect(seen).toEqual(Array.from({ length: 5000 }, (_, i) => i));
    // It did read ahead, and never by more than the capacity (plus the one being produced).
    expect(maxAhead).toBeGreaterThan(50);
    expect(maxAhead).toBeLessThanOrEqual(101);
  });

  it('passes a source failure on after the items before it, and closes the source on an early stop', async () => {
    async function* failing() {
      yield await Promise.resolve(1);
      throw new Error('listing failed');
    }
    const seen: number[] = [];
    await expect(
      (async () => {
        for await (const item of readAhead(failing(), 10)) seen.push(item);
      })(),
    ).rejects.toThrow('listing failed');
    expect(seen).toEqual([1]);

    let closed = false;
    async function* endless() {
      try {
        for (let i = 0; ; i++) yield await Promise.resolve(i);
      } finally {
        closed = true;
      }
    }
    for await (const item of readAhead(endless(), 10)) if (item === 3) break;
    expect(closed).toBe(true);
  });
});

describe('Watermark', () => {
  it('advances only past keys whose every predecessor is done', () => {
    const watermark = new Watermark('start');
    const a = watermark.start('a');
    const b = watermark.start('b');
    const c = watermark.start('c');
    watermark.finish(b, true);
    expect(watermark.value).toBe('start');
    watermark.finish(a, true);
    expect(watermark.value).toBe('b');
    watermark.finish(c, true);
    expect(watermark.value).toBe('c');
  });

  it('stops before a failed key, so that a rerun retries it', () => {
    const watermark = new Watermark();
    const a = watermark.start('a');
    const b = watermark.start('b');
    const c = watermark.start('c');
    watermark.finish(a, true);
    watermark.finish(b, false);
    watermark.finish(c, true);
    expect(watermark.value).toBe('a');
  });
});

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

describe('AdaptiveRateLimiter', () => {
  it('halves on throttling at most twice a second and recovers on success', () => {
    let now = 0;
    const limiter = new AdaptiveRateLimiter(1000, 10, () => now);
    limiter.onThrottle();
    limiter.onThrottle(); // same burst: counted once
    expect(limiter.currentRate).toBe(500);
    now = 600;
    limiter.onThrottle();
    expect(limiter.currentRate).toBe(250);
    for (let i = 0; i < 1000; i++) limiter.onSuccess();
    expect(limiter.currentRate).toBe(1000);
  });
});

describe('errors and arguments', () => {
  it('names the action denied, the region to use and the missing bucket in one line', () => {
    const op = { action: 's3:ListBucket', bucket: 'b' };
    expect(describeS3Error(s3Error('AccessDenied', 403), op)).toMatch(
      /^AccessDenied: .*s3:ListBucket on s3:\/\/b/,
    );
    const redirect = Object.assign(s3Error('PermanentRedirect', 301), {
      $response: { headers: { 'x-amz-bucket-region': 'eu-west-1' } },
    });
    expect(describeS3Error(redirect, op)).toMatch(/is in eu-west-1; pass --region eu-west-1/);
    expect(describeS3Error(s3Error('NoSuchBucket', 404), op)).toMatch(/bucket 'b' does not exist/);
    expect(isFatalForRun(redirect)).toBe(true);
    expect(describeS3Error(s3Error('NoSuchBucket', 404), op).split('\n')).toHaveLength(1);
  });

  it('encodes copy sources but keeps the slashes, and adds the version', () => {
    expect(copySourceHeader('b', 'a b/c+%?#é')).toBe('b/a%20b/c%2B%25%3F%23%C3%A9');
    expect(copySourceHeader('b', 'k', 'v 1')).toBe('b/k?versionId=v%201');
  });

  it('parses sizes, counts and bucket names strictly', () => {
    expect(byteSizeFlag('5GiB', 'x', 0)).toBe(5 * 1024 ** 3);
    expect(byteSizeFlag('8MB', 'x', 0)).toBe(8_000_000);
    expect(() => byteSizeFlag('lots', 'x', 0)).toThrow('--x must be a size');
    expect(() => positiveIntegerFlag('0', 'concurrency', 1)).toThrow(
      '--concurrency must be a positive',
    );
    expect(bucketFlag('s3://my-bucket/', 'source')).toBe('my-bucket');
    expect(() => bucketFlag('My_Bucket', 'source')).toThrow(
      "--source 'My_Bucket' is not an S3 bucket name",
    );
  });
});
