import { AdaptiveRateLimiter } from '../../../s3/client/rate-limiter';

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
