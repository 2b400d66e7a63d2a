/**
 * Runs `work` over every item of `items` with at most `concurrency` items in flight. Items are
 * pulled from the iterable only when a slot is free, so a listing of a billion keys is never held
 * in memory (unlike `Promise.all(items.map(...))`).
 */
export async function forEachBounded<T>(
  items: AsyncIterable<T> | Iterable<T>,
  concurrency: number,
  work: (item: T) => Promise<void>,
  signal?: AbortSignal,
): Promise<void> {
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new RangeError(`concurrency must be a positive integer, got ${concurrency}`);
  }
  const iterator =
    Symbol.asyncIterator in items ? items[Symbol.asyncIterator]() : items[Symbol.iterator]();
  let done = false;
  let failure: Error | undefined;
  // Async generators reject a next() while another is pending, so pulls are serialized.
  let pulling: Promise<unknown> = Promise.resolve();
  const pull = (): Promise<IteratorResult<T>> => {
    const next = pulling.then(() => iterator.next());
    pulling = next.catch(() => undefined);
    return next;
  };
  const worker = async (): Promise<void> => {
    while (!done && failure === undefined && !signal?.aborted) {
      const result = await pull();
      if (result.done) {
        done = true;
        return;
      }
      await work(result.value);
    }
  };
  const workers: Promise<void>[] = [];
  for (let i = 0; i < concurrency; i++) {
    workers.push(
      worker().catch((error: unknown) => {
        failure ??= error instanceof Error ? error : new Error('worker failed', { cause: error });
      }),
    );
  }
  await Promise.all(workers);
  if (failure !== undefined || signal?.aborted) await iterator.return?.();
  if (failure !== undefined) throw failure;
}

/**
 * Pulls up to `capacity` items of `source` ahead of the consumer, in the background. The backfill
 * reads its listings ahead of the copies so that a page boundary never stalls the copy workers,
 * and so that the total (and an ETA) is known early for all but the largest buckets. Memory is
 * bounded by `capacity`, not by the source.
 */
export async function* readAhead<T>(source: AsyncIterable<T>, capacity: number): AsyncGenerator<T> {
  const iterator = source[Symbol.asyncIterator]();
  let buffer: T[] = [];
  let head = 0;
  let finished = false;
  let stopped = false;
  let failure: Error | undefined;
  let wakeConsumer: (() => void) | undefined;
  let wakeProducer: (() => void) | undefined;
  const wake = (which: 'consumer' | 'producer') => {
    const resume = which === 'consumer' ? wakeConsumer : wakeProducer;
    if (which === 'consumer') wakeConsumer = undefined;
    else wakeProducer = undefined;
    resume?.();
  };
  const pump = (async () => {
    try {
      while (!stopped) {
        if (buffer.length - head >= capacity) {
          await new Promise<void>((resolve) => (wakeProducer = resolve));
          continue;
        }
        const result = await iterator.next();
        if (result.done) break;
        buffer.push(result.value);
        wake('consumer');
      }
    } catch (error) {
      failure =
        error instanceof Error ? error : new Error('read-ahead source failed', { cause: error });
    } finally {
      finished = true;
      wake('consumer');
    }
  })();
  try {
    for (;;) {
      if (head < buffer.length) {
        const item = buffer[head++];
        // Drop consumed items now and then: shift() on a large array would copy it each time.
        if (head > 1024 && head * 2 > buffer.length) {
          buffer = buffer.slice(head);
          head = 0;
        }
        wake('producer');
        yield item;
        continue;
      }
      if (finished) {
        if (failure !== undefined) throw failure;
        return;
      }
      await new Promise<void>((resolve) => (wakeConsumer = resolve));
    }
  } finally {
    stopped = true;
    wake('producer');
    await pump;
    if (!finished || failure === undefined) await iterator.return?.();
  }
}
