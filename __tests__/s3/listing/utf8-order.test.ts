import { compareUtf8 } from '../../../s3/listing/utf8-order';
import { mergeDiff } from '../../../s3/listing/merge-diff';
import type { ListedObject } from '../../../s3/listing/listing';

const byteOrder = (a: string, b: string) =>
  Math.sign(Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8')));

// Characters from every range where UTF-16 and UTF-8 orders could disagree.
const ALPHABET = [
  'a',
  'z',
  '/',
  ' ',
  '+',
  '%',
  'é',
  '\u0800',
  '\uD7FF',
  '\uE000',
  '\uFFFD',
  '\uFFFF',
  '\u{10000}',
  '\u{1F600}',
  '\u{10FFFF}',
];

function randomKey(random: () => number): string {
  const length = 1 + Math.floor(random() * 6);
  let key = '';
  for (let i = 0; i < length; i++) key += ALPHABET[Math.floor(random() * ALPHABET.length)];
  return key;
}

function seededRandom(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

describe('compareUtf8', () => {
  it('orders an astral-plane character after U+E000..U+FFFF, as S3 lists them, unlike JavaScript', () => {
    expect('\u{1F600}' < '\uFFFD').toBe(true); // JavaScript: surrogate 0xD83D < 0xFFFD
    expect(compareUtf8('\u{1F600}', '\uFFFD')).toBeGreaterThan(0);
    expect(compareUtf8('\uE000', '\u{10000}')).toBeLessThan(0);
  });

  it('agrees with a byte comparison of the UTF-8 encodings on 20,000 random key pairs', () => {
    const random = seededRandom(42);
    for (let i = 0; i < 20_000; i++) {
      const a = randomKey(random);
      const b = randomKey(random);
      expect([a, b, Math.sign(compareUtf8(a, b))]).toEqual([a, b, byteOrder(a, b)]);
    }
  });

  it('orders prefixes first and equal strings as equal', () => {
    expect(compareUtf8('a', 'ab')).toBeLessThan(0);
    expect(compareUtf8('ab', 'a')).toBeGreaterThan(0);
    expect(compareUtf8('\u{1F600}x', '\u{1F600}x')).toBe(0);
  });
});

async function* listing(keys: string[], size = 1): AsyncGenerator<ListedObject> {
  for (const key of keys) yield await Promise.resolve({ key, size });
}

describe('mergeDiff', () => {
  it('finds missing, present, different and extra keys across the UTF-16/UTF-8 disagreement', async () => {
    const source = ['a', '\uFFFD', '\u{1F600}', 'z'].sort(compareUtf8);
    const destination = ['y', '\uFFFD', '\u{1F600}'];
    const entries = [];
    for await (const entry of mergeDiff(listing(source), listing(destination))) {
      entries.push(
        entry.kind === 'extra'
          ? `extra ${entry.destination.key}`
          : `${entry.kind} ${entry.source.key}`,
      );
    }
    // A merge with JavaScript's order would have called both U+FFFD and U+1F600 missing.
    expect(entries).toEqual([
      'missing a',
      'extra y',
      'missing z',
      'present \uFFFD',
      'present \u{1F600}',
    ]);
  });

  it('reports a key whose sizes differ', async () => {
    const entries = [];
    for await (const entry of mergeDiff(listing(['k'], 5), listing(['k'], 4)))
      entries.push(entry.kind);
    expect(entries).toEqual(['size-differs']);
  });

  it('reads both listings lazily: 300,000 keys pass through without being collected', async () => {
    let pulled = 0;
    async function* many(): AsyncGenerator<ListedObject> {
      for (let i = 0; i < 300_000; i++) {
        pulled++;
        yield await Promise.resolve({ key: `k${String(i).padStart(7, '0')}`, size: 1 });
      }
    }
    let seen = 0;
    for await (const entry of mergeDiff(many(), listing([]))) {
      seen++;
      // Lazy: the source is never more than one key ahead of what the merge has emitted.
      if (pulled > seen + 1)
        throw new Error(`pulled ${pulled} keys for ${seen} entries (${entry.kind})`);
    }
    expect(seen).toBe(300_000);
  });
});
