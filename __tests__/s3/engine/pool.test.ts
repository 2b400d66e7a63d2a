import { forEachBounded, readAhead } from '../../../s3/engine/pool';

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
