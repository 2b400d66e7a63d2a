/**
 * Peak memory and time of `verify --inventory` over synthetic S3 Inventory reports of N rows per
 * side (default 100,000 and 1,000,000), CSV and Parquet, read from a local copy of the inventory
 * bucket. Rows are written in a scrambled order (S3 promises none), 250,000 per data file; the
 * backup report holds every key's current version plus a noncurrent version of every 100th key,
 * and lacks every 10th key. Each measurement runs in a child process of its own, so that peak RSS
 * is the comparison's alone, not the generator's.
 *
 *   npm run bench:inventory-verify -- [--rows 100000,1000000] [--format CSV,Parquet] [--dir DIR]
 * Prints one JSON line per run: format, rowsPerSide, missing, seconds, peakRssMiB.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { InventoryRow } from '../s3/inventory/format';
import { LocalReportStore } from '../s3/inventory/store';
import { verifyInventory } from '../s3/inventory/verify-inventory';
import { localSink, writeInventoryReport } from './inventory-report';

const keyAt = (i: number) => `data/${String(i).padStart(9, '0')}/object.bin`;
const ETAG = 'd41d8cd98f00b204e9800998ecf8427e';
const CREATED = new Date('2026-01-01T00:00:00Z');
const MODIFIED = Date.parse('2025-12-01T00:00:00Z');

/** 0..n-1 in a scrambled order: i * p mod n, with p coprime to n. */
function* scrambled(n: number): Generator<number> {
  let p = 7919;
  while (gcd(p, n) !== 1) p += 2;
  for (let i = 0; i < n; i++) yield (i * p) % n;
}
function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

function* sourceRows(n: number): Generator<InventoryRow> {
  for (const i of scrambled(n)) {
    yield {
      key: keyAt(i),
      size: i % 5000,
      lastModified: MODIFIED,
      etag: ETAG,
      replicationStatus: 'COMPLETED',
      encryptionStatus: 'SSE-S3',
    };
  }
}

function* backupRows(n: number): Generator<InventoryRow> {
  for (const i of scrambled(n)) {
    if (i % 10 === 0) continue;
    const row = {
      key: keyAt(i),
      size: i % 5000,
      lastModified: MODIFIED,
      etag: ETAG,
      replicationStatus: 'REPLICA',
      encryptionStatus: 'SSE-S3',
    };
    yield { ...row, versionId: `v${i}`, isLatest: true, isDeleteMarker: false };
    if (i % 100 === 1)
      yield { ...row, versionId: `old${i}`, isLatest: false, isDeleteMarker: false };
  }
}

async function generate(dir: string, rows: number, format: 'CSV' | 'Parquet'): Promise<void> {
  if (existsSync(join(dir, 'done'))) return;
  rmSync(dir, { recursive: true, force: true });
  const sink = localSink(dir);
  const spec = { destinationBucket: 'bench-inventory', format, createdAt: CREATED };
  await writeInventoryReport(
    sink,
    { ...spec, sourceBucket: 'bench-source', versions: 'Current' },
    sourceRows(rows),
  );
  await writeInventoryReport(
    sink,
    { ...spec, sourceBucket: 'bench-backup', versions: 'All' },
    backupRows(rows),
  );
  await sink('done', Buffer.from(''));
}

/** The measured part, in its own process: one comparison, sampling RSS every 100 ms. */
async function measure(dir: string): Promise<void> {
  const store = new LocalReportStore(dir);
  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }, 100);
  const started = performance.now();
  const report = await verifyInventory({
    source: { store, path: 'inventory/bench-source/s3-bastion-backup/' },
    backup: { store, path: 'inventory/bench-backup/s3-bastion-backup/' },
    sort: { tmpDir: join(dir, '..') },
  });
  clearInterval(sampler);
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
  process.stdout.write(
    JSON.stringify({
      missing: report.missing.count,
      sourceObjects: report.source.objects,
      backupObjects: report.backup.objects,
      seconds: Number(((performance.now() - started) / 1000).toFixed(1)),
      peakRssMiB: Math.round(peakRss / 2 ** 20),
    }),
  );
}

export interface InventoryBenchOptions {
  readonly rows: readonly number[];
  readonly formats: readonly ('CSV' | 'Parquet')[];
  /** Where the reports are generated. @default <tmp>/s3-bastion-inventory-bench */
  readonly dir?: string;
  /** Internal: measure the comparison of the reports in this folder (the child process). */
  readonly measure?: string;
}

/** `npm run bench:inventory-verify`: one JSON line per format and size. */
export async function benchInventoryVerify(options: InventoryBenchOptions): Promise<void> {
  if (options.measure !== undefined) return measure(options.measure);
  const root = options.dir ?? join(tmpdir(), 's3-bastion-inventory-bench');
  for (const format of options.formats) {
    for (const rows of options.rows) {
      const dir = join(root, `${format}-${rows}`);
      mkdirSync(root, { recursive: true });
      process.stderr.write(`generating ${format} reports of ${rows} rows per side in ${dir}\n`);
      await generate(dir, rows, format);
      const child = spawnSync(
        process.execPath,
        [
          '--import',
          'tsx',
          join(__dirname, '..', 'scripts', 'bench-inventory-verify.ts'),
          '--measure',
          dir,
        ],
        { encoding: 'utf8', maxBuffer: 1 << 20 },
      );
      if (child.status !== 0) throw new Error(`measurement failed: ${child.stderr}`);
      console.log(
        JSON.stringify({ format, rowsPerSide: rows, ...(JSON.parse(child.stdout) as object) }),
      );
    }
  }
}
