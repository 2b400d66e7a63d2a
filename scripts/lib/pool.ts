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
