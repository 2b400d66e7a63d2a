/**
 * S3 lists keys in UTF-8 byte order, which is Unicode code point order. JavaScript's `<` compares
 * UTF-16 code units, which disagrees for astral-plane characters (surrogate pairs, 0xD800..0xDFFF)
 * against U+E000..U+FFFF: '\u{1F600}' < '\uFFFD' in JavaScript, but S3 lists U+FFFD first.
 * A merge of two listings that compared with `<` would report keys as missing that are not.
 */

/**
 * Moves surrogates above U+E000..U+FFFF and those below, keeping every other code unit's order.
 * Comparing the first differing code unit after this mapping gives code point order, without
 * decoding whole strings or allocating.
 */
function codePointRank(codeUnit: number): number {
  if (codeUnit >= 0xd800 && codeUnit <= 0xdfff) return codeUnit + 0x2000;
  if (codeUnit >= 0xe000) return codeUnit - 0x800;
  return codeUnit;
}

/** Negative when `a` sorts before `b` in UTF-8 byte order, positive after, 0 when equal. */
export function compareUtf8(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return codePointRank(x) - codePointRank(y);
  }
  return a.length - b.length;
}
