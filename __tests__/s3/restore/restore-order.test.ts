// Pure functions of the restore: no server. Ties of LastModified cannot be made on demand on a
// real server, so they are built here as the listing would return them.
import type { DeleteMarkerEntry, ObjectVersion } from '@aws-sdk/client-s3';
import { instantFlag } from '../../../cli/args';
import { exampleConfig } from '../../../config';
import { compareContent } from '../../../s3/restore/plan';
import { restoreTargetProblem } from '../../../s3/restore/restore';
import {
  entryOrderOf,
  keysAtTime,
  type ListedVersion,
  mergePage,
} from '../../../s3/listing/version-listing';

const at = (iso: string) => new Date(iso);
const parseAsOf = (value: string | undefined) => instantFlag(value, 'as-of');
const version = (
  Key: string,
  VersionId: string,
  when: string,
  IsLatest = false,
  Size = 1,
): ObjectVersion => ({
  Key,
  VersionId,
  LastModified: at(when),
  IsLatest,
  Size,
  ETag: `"${VersionId}"`,
});
const marker = (
  Key: string,
  VersionId: string,
  when: string,
  IsLatest = false,
): DeleteMarkerEntry => ({ Key, VersionId, LastModified: at(when), IsLatest });

async function* fromArray(entries: ListedVersion[]): AsyncGenerator<ListedVersion> {
  for (const entry of entries) {
    await Promise.resolve();
    yield entry;
  }
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

describe('version listing order', () => {
  const T = '2025-03-01T12:00:00.000Z';

  it('reads the interleaving of versions and delete markers from the response body', () => {
    const xml =
      '<ListVersionsResult><KeyMarker></KeyMarker><VersionIdMarker></VersionIdMarker>' +
      '<Version><Key>a</Key><VersionId>3</VersionId></Version>' +
      '<DeleteMarker><Key>a</Key><VersionId>2</VersionId></DeleteMarker>' +
      '<Version><Key>&lt;Version&gt;</Key><VersionId>1</VersionId></Version>' +
      '</ListVersionsResult>';
    expect(entryOrderOf(xml)).toEqual(['V', 'D', 'V']);
  });

  it('merges by body order, so that a tie of LastModified keeps S3 order', () => {
    // One second, three entries: the newest is a version, then a delete marker, then a version.
    const merged = mergePage(
      [version('k', 'v3', T, true), version('k', 'v1', T)],
      [marker('k', 'd2', T)],
      ['V', 'D', 'V'],
    );
    expect(merged.map((e) => e.versionId)).toEqual(['v3', 'd2', 'v1']);
    const other = mergePage(
      [version('k', 'v2', T), version('k', 'v1', T)],
      [marker('k', 'd3', T, true)],
      ['D', 'V', 'V'],
    );
    expect(other.map((e) => e.versionId)).toEqual(['d3', 'v2', 'v1']);
  });

  it('without the body order, merges by key, IsLatest and LastModified', () => {
    const merged = mergePage(
      [
        version('a', 'a2', '2025-03-01T12:00:02Z', true),
        version('a', 'a1', '2025-03-01T12:00:00Z'),
        version('b', 'b1', '2025-03-01T12:00:00Z'),
      ],
      [marker('a', 'ad', '2025-03-01T12:00:01Z'), marker('b', 'bd', T, true)],
    );
    expect(merged.map((e) => e.versionId)).toEqual(['a2', 'ad', 'a1', 'bd', 'b1']);
  });
});

describe('keysAtTime', () => {
  const entries = (list: [string, string, string, boolean, boolean][]): ListedVersion[] =>
    list.map(([key, versionId, when, isLatest, deleteMarker]) => ({
      key,
      versionId,
      lastModified: at(when),
      isLatest,
      deleteMarker,
      size: deleteMarker ? 0 : 1,
    }));
  const listing = entries([
    // key, version, LastModified, IsLatest, delete marker; newest first per key
    ['a', 'a3', '2025-03-01T12:00:03Z', true, false],
    ['a', 'ad', '2025-03-01T12:00:02Z', false, true],
    ['a', 'a1', '2025-03-01T12:00:01Z', false, false],
    ['b', 'b2', '2025-03-01T12:00:05Z', true, false],
    // two versions of one instant: list order says b1-new is newer
    ['tie', 'new', '2025-03-01T12:00:02Z', true, false],
    ['tie', 'old', '2025-03-01T12:00:02Z', false, false],
  ]);
  const pick = async (asOf: string) =>
    (await collect(keysAtTime(fromArray(listing), at(asOf)))).map((k) => [
      k.key,
      k.state,
      k.version?.versionId,
    ]);

  it('takes the newest entry at or before the time, inclusive', async () => {
    expect(await pick('2025-03-01T12:00:01Z')).toEqual([
      ['a', 'object', 'a1'],
      ['b', 'absent', undefined],
      ['tie', 'absent', undefined],
    ]);
    expect(await pick('2025-03-01T12:00:02.500Z')).toEqual([
      ['a', 'deleted', 'ad'],
      ['b', 'absent', undefined],
      ['tie', 'object', 'new'],
    ]);
    expect(await pick('2025-03-01T12:00:09Z')).toEqual([
      ['a', 'object', 'a3'],
      ['b', 'object', 'b2'],
      ['tie', 'object', 'new'],
    ]);
  });
});

describe('restore helpers', () => {
  it('compares content by size and single-part ETag, and cannot tell multipart ETags apart', () => {
    const o = (size: number, etag: string) => ({ key: 'k', size, etag });
    expect(compareContent(o(3, '"abc"'), o(3, 'abc'))).toBe('same');
    expect(compareContent(o(3, '"abc"'), o(4, '"abc"'))).toBe('differs');
    expect(compareContent(o(3, '"abc"'), o(3, '"abd"'))).toBe('differs');
    expect(compareContent(o(3, '"abc"'), o(3, '"abd-2"'))).toBe('unknown');
  });

  it('accepts ISO 8601 times with a zone only', () => {
    expect(parseAsOf('2025-03-01T12:00:00Z').toISOString()).toBe('2025-03-01T12:00:00.000Z');
    expect(parseAsOf('2025-03-01T13:00+01:00').toISOString()).toBe('2025-03-01T12:00:00.000Z');
    expect(parseAsOf('2025-03-01T12:00:00.123Z').getTime() % 1000).toBe(123);
    expect(() => parseAsOf('2025-03-01T12:00:00')).toThrow(/with a zone/);
    expect(() => parseAsOf('yesterday')).toThrow(/ISO 8601/);
    expect(() => parseAsOf(undefined)).toThrow(/--as-of/);
  });
});

describe('restore targets named by the config', () => {
  const [assets] = exampleConfig.sourceBuckets;

  it('refuses a backup bucket of the config as the target, even with --into-production', () => {
    const problem = restoreTargetProblem(exampleConfig, assets.backupBucketName, true);
    expect(problem?.message).toMatch(
      /is a backup bucket \(sourceBuckets\[0\]\.backupBucketName in the config\)/,
    );
    expect(problem?.option).toBe('targetBucket');
  });

  it('needs --into-production for a production bucket of the config', () => {
    const problem = restoreTargetProblem(exampleConfig, assets.name, false);
    expect(problem?.message).toMatch(
      /is a production bucket \(sourceBuckets\[0\]\.name in the config\): restoring into it must be asked for explicitly/,
    );
    // The entry names the option by its flag: `--into-production: ...`.
    expect(problem?.option).toBe('overwriteDiffering');
    expect(restoreTargetProblem(exampleConfig, assets.name, true)).toBeUndefined();
  });

  it('lets any other bucket be a target', () => {
    expect(restoreTargetProblem(exampleConfig, 'example-restore-staging', false)).toBeUndefined();
  });
});
