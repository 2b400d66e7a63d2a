import { sleep } from './retry';

/**
 * Requests-per-second limit that halves on throttling (503 SlowDown) and creeps back up while
 * requests succeed (additive increase, multiplicative decrease, as TCP does). S3 answers SlowDown
 * when a prefix gets more than about 3,500 writes a second; backing off the whole run, not only the
 * request that was refused, stops the other workers from hammering the same partition.
 */
export class AdaptiveRateLimiter {
  private ratePerSecond: number;
  private nextSlotAt = 0;
  private lastDecreaseAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly maxRatePerSecond = 3_500,
    private readonly minRatePerSecond = 5,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.ratePerSecond = maxRatePerSecond;
  }

  get currentRate(): number {
    return this.ratePerSecond;
  }

  /** Waits for the next request slot. */
  async acquire(): Promise<void> {
    const now = this.now();
    const slot = Math.max(now, this.nextSlotAt);
    this.nextSlotAt = slot + 1000 / this.ratePerSecond;
    if (slot > now) await sleep(slot - now);
  }

  /** A throttled response: halve the rate, at most once per half second so one burst counts once. */
  onThrottle(): void {
    const now = this.now();
    if (now - this.lastDecreaseAt < 500) return;
    this.lastDecreaseAt = now;
    this.ratePerSecond = Math.max(this.minRatePerSecond, this.ratePerSecond / 2);
  }

  /** A successful response: recover about 1% of the headroom, so full speed returns in seconds. */
  onSuccess(): void {
    if (this.ratePerSecond >= this.maxRatePerSecond) return;
    this.ratePerSecond = Math.min(
      this.maxRatePerSecond,
      this.ratePerSecond + Math.max(1, this.ratePerSecond * 0.01),
    );
  }
}
