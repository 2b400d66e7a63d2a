import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { localSink, writeInventoryReport } from '../../../bench/inventory-report';
import { decodeCsvKey, encodeCsvKey, parseCsvLine } from '../../../s3/inventory/format';
import { latestDelivery, parseInventoryManifest } from '../../../s3/inventory/manifest';
import { sortByKey } from '../../../s3/inventory/external-sort';

// https://docs.aws.amazon.com/AmazonS3/latest/userguide/storage-inventory.html (CSV keys are
// URL-encoded) and storage-inventory-location.html (manifest, Parquet schema).

describe('inventory report formats', () => {
  it('decodes URL-encoded CSV keys, a + as a space and %2B as a plus', () => {
    expect(decodeCsvKey('a+b%2Bc%2Fd%2C%22')).toBe('a b+c/d,"');
    for (const key of ['with space', 'plus+', '%20', '\u{1F600}\uFFFD', "!*'()~", 'x\ny']) {
      expect(decodeCsvKey(encodeCsvKey(key))).toBe(key);
    }
  });

  it('splits quoted CSV values, doubled quotes included', () => {
    expect(parseCsvLine('"b","k%2C1","","say ""hi""",')).toEqual([
      'b',
      'k%2C1',
      '',
      'say "hi"',
      '',
    ]);
    expect(() => parseCsvLine('"open')).toThrow(/unterminated/);
  });

  it('writes Parquet reports with the documented s3.inventory schema', async () => {
    const root = mkdtempSync(join(tmpdir(), 'inventory-format-'));
    try {
      const key = await writeInventoryReport(
        localSink(root),
        {
          sourceBucket: 'b',
          destinationBucket: 'inv',
          format: 'Parquet',
          versions: 'All',
          createdAt: new Date('2026-01-02T03:04:05Z'),
        },
        [{ key: 'k', versionId: 'v', isLatest: true, isDeleteMarker: false, size: 1 }],
      );
      expect(key).toBe('inventory/b/s3-bastion-backup/2026-01-02T03-04Z/manifest.json');
      const manifest = parseInventoryManifest(readFileSync(join(root, key), 'utf8'), key);
      expect(JSON.parse(readFileSync(join(root, key), 'utf8'))).toMatchObject({
        fileSchema:
          'message s3.inventory { required binary bucket (UTF8); required binary key (UTF8); optional binary version_id (UTF8); optional boolean is_latest; optional boolean is_delete_marker; optional int64 size; optional int64 last_modified_date (TIMESTAMP_MILLIS); optional binary e_tag (UTF8); optional boolean is_multipart_uploaded; optional binary replication_status (UTF8); optional binary encryption_status (UTF8); optional binary checksum_algorithm (UTF8); }',
      });
      expect(manifest.columns.slice(0, 3)).toEqual(['bucket', 'key', 'version_id']);
      expect(manifest.creationTime.toISOString()).toBe('2026-01-02T03:04:05.000Z');
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('picks the newest delivery folder and ignores other folders', () => {
    expect(latestDelivery(['2026-01-02T00-00Z', 'data', '2026-01-10T00-00Z', 'hive'])).toBe(
      '2026-01-10T00-00Z',
    );
    expect(latestDelivery(['data'])).toBeUndefined();
  });

  it('sorts in UTF-8 byte order through spilled runs, keeping equal keys in arrival order', async () => {
    const keys = ['\uFFFD', '\u{1F600}', 'b', 'a', 'b', '\uE000', 'a/b', 'a'];
    async function* rows() {
      for (const [i, key] of keys.entries()) yield await Promise.resolve({ key, i });
    }
    const sorted: { key: string; i: number }[] = [];
    for await (const row of sortByKey(rows(), { runRows: 2, maxOpenRuns: 2 })) sorted.push(row);
    expect(sorted.map((r) => r.key)).toEqual([
      'a',
      'a',
      'a/b',
      'b',
      'b',
      '\uE000',
      '\uFFFD',
      '\u{1F600}',
    ]);
    expect(sorted.filter((r) => r.key === 'a').map((r) => r.i)).toEqual([3, 7]);
  });
});
