import { InputError } from '../../cli/errors';
import type { ListedObject } from '../listing/listing';
import { mergeDiff } from '../listing/merge-diff';
import { type ExternalSortOptions, sortByKey } from './external-sort';
import type { InventoryRow } from './format';
import { type InventoryManifest, latestDelivery, parseInventoryManifest } from './manifest';
import { reportRows } from './rows';
import type { ReportStore } from './store';

/** One side: where its reports are, and the folder or manifest.json to read. */
export interface InventoryLocation {
  readonly store: ReportStore;
  /**
   * `<destination-prefix>/<bucket>/<config-id>/` (the newest delivery under it is read) or the
   * key of one delivery's manifest.json.
   */
  readonly path: string;
}

export interface InventoryVerifyOptions {
  /** The source bucket's report (current versions). */
  readonly source: InventoryLocation;
  /** The backup bucket's report (all versions or current versions). */
  readonly backup: InventoryLocation;
  /** Only keys under this prefix. */
  readonly prefix?: string;
  /** Keys of each kind kept for the report; counts are always complete. @default 1000 */
  readonly maxKeysReported?: number;
  readonly sort?: ExternalSortOptions;
  /** Called as each data file is opened. */
  readonly onFile?: (side: 'source' | 'backup', key: string, index: number, total: number) => void;
}

/** A row reduced to what the comparison needs, shaped as a listed object for the merge. */
interface InventoryObject extends ListedObject {
  readonly deleteMarker: boolean;
  readonly replicationStatus: string;
  readonly encryptionStatus?: string;
}

export interface KeyList {
  count: number;
  keys: string[];
}

export interface InventoryVerifyReport {
  readonly source: ReportSummary;
  readonly backup: ReportSummary;
  /** Source keys the backup report does not hold. */
  readonly missing: KeyList;
  /** Source keys whose current version in the backup is a delete marker. */
  readonly deletedInBackup: KeyList;
  readonly sizeDiffers: KeyList;
  /** Single-part, SSE-S3 or unencrypted objects of equal size whose ETags (MD5) differ. */
  readonly etagDiffers: KeyList;
  /** Equal size; ETags not comparable (multipart, SSE-KMS, SSE-C, or not in the report). */
  readonly etagNotComparable: number;
  /** Source objects whose replication FAILED (S3 does not retry them) and that the backup lacks or holds otherwise. */
  readonly replicationFailed: KeyList;
  /** FAILED in the source report, but the backup holds the same object (a backfill copied it). */
  readonly replicationFailedButPresent: number;
  /** Not judged: replication PENDING, or written after the backup report was taken. */
  readonly inFlight: number;
  /** Backup keys that the source does not hold (deleted or never in the source): not an error. */
  readonly onlyInBackup: number;
  readonly ok: boolean;
}

export interface ReportSummary {
  readonly manifest: string;
  readonly bucket: string;
  readonly format: string;
  readonly createdAt: string;
  readonly dataFiles: number;
  /** Current objects (no delete markers) under the prefix. */
  readonly objects: number;
  readonly bytes: number;
}

/**
 * The manifest of the newest delivery under a config folder, or the one named. No delivery yet is
 * a usage error: the first report arrives within 48 hours of configuring an inventory.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/configure-inventory.html
 */
export async function loadManifest(
  location: InventoryLocation,
): Promise<{ key: string; manifest: InventoryManifest }> {
  const { store } = location;
  let key = location.path.replace(/^\/+/, '');
  if (!key.endsWith('manifest.json')) {
    const folder = key === '' || key.endsWith('/') ? key : `${key}/`;
    const latest = latestDelivery(await store.listFolders(folder));
    if (latest === undefined) {
      throw new InputError(
        `no inventory delivery (YYYY-MM-DDTHH-MMZ/manifest.json) under ${store.describe(folder)}: give <prefix>/<bucket>/<config-id>/ of a configured inventory; the first report arrives within 48 hours`,
      );
    }
    key = `${folder}${latest}/manifest.json`;
  }
  const manifest = parseInventoryManifest(await store.readText(key), store.describe(key));
  return { key, manifest };
}

const UNCOMPARABLE_ENCRYPTION = new Set(['SSE-KMS', 'SSE-C', 'DSSE-KMS']);

/** ETags are MD5s of the bytes only for single-part uploads with SSE-S3 or no encryption. */
function etagComparable(o: InventoryObject): boolean {
  return (
    o.etag !== undefined &&
    o.etag !== '' &&
    !o.etag.includes('-') &&
    !UNCOMPARABLE_ENCRYPTION.has(o.encryptionStatus ?? '')
  );
}

function normalized(etag: string | undefined): string {
  return (etag ?? '').replace(/"/g, '').toLowerCase();
}

/**
 * The current objects of one report under the prefix, sorted by key in UTF-8 byte order (the
 * order of a listing), delete markers included so that the caller can tell "deleted" from "never
 * there". Noncurrent versions are dropped before sorting.
 */
async function* currentObjects(
  store: ReportStore,
  manifest: InventoryManifest,
  prefix: string,
  totals: { objects: number; bytes: number },
  options: InventoryVerifyOptions,
  side: 'source' | 'backup',
): AsyncGenerator<InventoryObject> {
  async function* current(): AsyncGenerator<InventoryRow> {
    for await (const row of reportRows(store, manifest, (key, i) =>
      options.onFile?.(side, key, i, manifest.files.length),
    )) {
      if (row.isLatest === false) continue;
      if (prefix !== '' && !row.key.startsWith(prefix)) continue;
      yield row;
    }
  }
  let previous: string | undefined;
  for await (const row of sortByKey(current(), options.sort)) {
    // One current entry per key; a duplicate (a report written twice) is skipped.
    if (row.key === previous) continue;
    previous = row.key;
    const deleteMarker = row.isDeleteMarker === true;
    if (!deleteMarker) {
      totals.objects++;
      totals.bytes += row.size ?? 0;
    }
    yield {
      key: row.key,
      size: row.size ?? 0,
      etag: row.etag,
      lastModified: row.lastModified === undefined ? undefined : new Date(row.lastModified),
      versionId: row.versionId,
      deleteMarker,
      replicationStatus: row.replicationStatus ?? '',
      encryptionStatus: row.encryptionStatus,
    };
  }
}

function push(list: KeyList, key: string, max: number): void {
  list.count++;
  if (list.keys.length < max) list.keys.push(key);
}

/**
 * Compares the newest source and backup inventory reports without listing either bucket: every
 * current source object must be current in the backup with the same size (and ETag, where the
 * ETag is an MD5). Both reports are sorted by key with a bounded-memory external sort, then
 * merged in one pass with the merge that `verify` uses on listings.
 */
export async function verifyInventory(
  options: InventoryVerifyOptions,
): Promise<InventoryVerifyReport> {
  const prefix = options.prefix ?? '';
  const max = options.maxKeysReported ?? 1000;
  const [source, backup] = await Promise.all([
    loadManifest(options.source),
    loadManifest(options.backup),
  ]);
  if (source.manifest.sourceBucket === backup.manifest.sourceBucket) {
    throw new InputError(
      `both reports inventory the same bucket (${source.manifest.sourceBucket}): give the source bucket's report and the backup bucket's report`,
    );
  }
  const sourceTotals = { objects: 0, bytes: 0 };
  const backupTotals = { objects: 0, bytes: 0 };
  const backupTakenAt = backup.manifest.creationTime.getTime();
  const report = {
    missing: { count: 0, keys: [] as string[] },
    deletedInBackup: { count: 0, keys: [] as string[] },
    sizeDiffers: { count: 0, keys: [] as string[] },
    etagDiffers: { count: 0, keys: [] as string[] },
    etagNotComparable: 0,
    replicationFailed: { count: 0, keys: [] as string[] },
    replicationFailedButPresent: 0,
    inFlight: 0,
    onlyInBackup: 0,
  };
  const sourceObjects = currentObjects(
    options.source.store,
    source.manifest,
    prefix,
    sourceTotals,
    options,
    'source',
  );
  const backupObjects = currentObjects(
    options.backup.store,
    backup.manifest,
    prefix,
    backupTotals,
    options,
    'backup',
  );
  for await (const entry of mergeDiff(sourceObjects, backupObjects)) {
    if (entry.kind === 'extra') {
      if (!entry.destination.deleteMarker) report.onlyInBackup++;
      continue;
    }
    const s = entry.source;
    // A source delete marker (in an all-versions source report) means the key does not exist.
    if (s.deleteMarker) {
      if (entry.kind !== 'missing' && !entry.destination.deleteMarker) report.onlyInBackup++;
      continue;
    }
    const inFlight =
      s.replicationStatus === 'PENDING' ||
      (s.lastModified !== undefined && s.lastModified.getTime() >= backupTakenAt);
    const failed = s.replicationStatus === 'FAILED';
    let problem: KeyList | undefined;
    if (entry.kind === 'missing') problem = report.missing;
    else if (entry.destination.deleteMarker) problem = report.deletedInBackup;
    else if (entry.kind === 'size-differs') problem = report.sizeDiffers;
    else if (etagComparable(s) && etagComparable(entry.destination)) {
      if (normalized(s.etag) !== normalized(entry.destination.etag)) problem = report.etagDiffers;
    } else {
      report.etagNotComparable++;
    }
    if (problem === undefined) {
      if (failed) report.replicationFailedButPresent++;
      continue;
    }
    if (inFlight) {
      report.inFlight++;
      continue;
    }
    push(problem, s.key, max);
    if (failed) push(report.replicationFailed, s.key, max);
  }
  const summary = (
    side: { key: string; manifest: InventoryManifest },
    location: InventoryLocation,
    totals: { objects: number; bytes: number },
  ): ReportSummary => ({
    manifest: location.store.describe(side.key),
    bucket: side.manifest.sourceBucket,
    format: side.manifest.fileFormat,
    createdAt: side.manifest.creationTime.toISOString(),
    dataFiles: side.manifest.files.length,
    ...totals,
  });
  return {
    source: summary(source, options.source, sourceTotals),
    backup: summary(backup, options.backup, backupTotals),
    ...report,
    ok:
      report.missing.count === 0 &&
      report.deletedInBackup.count === 0 &&
      report.sizeDiffers.count === 0 &&
      report.etagDiffers.count === 0,
  };
}

/** Above about this many objects to copy, S3 Batch Replication beats one machine. */
export const LOCAL_BACKFILL_LIMIT = 5_000_000;

/**
 * The commands that fix what the report found: the local backfill copies absent keys (and keys
 * whose current backup version is a delete marker); S3 Batch Replication re-replicates objects
 * whose replication FAILED or never happened, at any scale. Differing objects are not overwritten
 * by either: they need a look first.
 */
export function fixCommands(
  report: InventoryVerifyReport,
  prefix: string,
): { recommended?: string; commands: string[]; notes: string[] } {
  const absent = report.missing.count + report.deletedInBackup.count;
  const p = prefix === '' ? '' : ` --prefix ${JSON.stringify(prefix)}`;
  const base = `npm run backfill -- --source ${report.source.bucket} --destination ${report.backup.bucket}${p}`;
  const commands: string[] = [];
  const notes: string[] = [];
  let recommended: string | undefined;
  if (absent > 0 || report.replicationFailed.count > 0) {
    const batch = `${base} --engine batch --wait`;
    const local = base;
    recommended =
      absent > LOCAL_BACKFILL_LIMIT || report.replicationFailed.count > 0 ? batch : local;
    commands.push(recommended, recommended === batch ? local : batch);
    if (report.replicationFailed.count > 0) {
      notes.push(
        `${report.replicationFailed.count} objects have replication status FAILED: S3 does not retry them; Batch Replication (--engine batch) does`,
      );
    }
  }
  if (report.sizeDiffers.count + report.etagDiffers.count > 0) {
    notes.push(
      'objects that differ are never overwritten by the backfill: compare them with `npm run verify -- --source ... --destination ... --prefix <key>` and check the replication status of their newest version',
    );
  }
  return { recommended, commands, notes };
}
