import type { ListedObject } from './listing';
import { compareUtf8 } from './utf8-order';

/** How a key of the source compares with the destination (entries keep their own type). */
export type DiffEntry<
  S extends ListedObject = ListedObject,
  D extends ListedObject = ListedObject,
> =
  | { readonly kind: 'missing'; readonly source: S }
  | { readonly kind: 'present'; readonly source: S; readonly destination: D }
  | { readonly kind: 'size-differs'; readonly source: S; readonly destination: D }
  | { readonly kind: 'extra'; readonly destination: D };

/**
 * Merges two listings sorted in UTF-8 byte order, as S3 returns them, into one stream of
 * differences. It holds one entry of each side at a time, so memory stays flat for any number of
 * keys, and each listing is read once.
 */
export async function* mergeDiff<S extends ListedObject, D extends ListedObject>(
  source: AsyncIterable<S>,
  destination: AsyncIterable<D>,
): AsyncGenerator<DiffEntry<S, D>> {
  const sourceIterator = source[Symbol.asyncIterator]();
  const destinationIterator = destination[Symbol.asyncIterator]();
  try {
    let s = await sourceIterator.next();
    let d = await destinationIterator.next();
    while (!s.done || !d.done) {
      const order = s.done ? 1 : d.done ? -1 : compareUtf8(s.value.key, d.value.key);
      if (order < 0 && !s.done) {
        yield { kind: 'missing', source: s.value };
        s = await sourceIterator.next();
      } else if (order > 0 && !d.done) {
        yield { kind: 'extra', destination: d.value };
        d = await destinationIterator.next();
      } else if (!s.done && !d.done) {
        yield s.value.size === d.value.size
          ? { kind: 'present', source: s.value, destination: d.value }
          : { kind: 'size-differs', source: s.value, destination: d.value };
        s = await sourceIterator.next();
        d = await destinationIterator.next();
      }
    }
  } finally {
    await sourceIterator.return?.();
    await destinationIterator.return?.();
  }
}
