import { InputError } from '../../cli/errors';
import type { KeyAtTime, ListedVersion } from '../listing/version-listing';
import { type ExternalSortOptions, sortByKey } from '../inventory/external-sort';
import type { InventoryRow } from '../inventory/format';
import { reportRows } from '../inventory/rows';
import { type InventoryLocation, loadManifest } from '../inventory/verify-inventory';

function listed(row: InventoryRow): ListedVersion {
  return {
    key: row.key,
    // An all-versions report writes '' for an object stored before versioning: Batch
    // Operations wants 'null' there.
    // https://docs.aws.amazon.com/AmazonS3/latest/userguide/batch-ops-create-job.html
    versionId: row.versionId === undefined || row.versionId === '' ? 'null' : row.versionId,
    isLatest: row.isLatest === true,
    lastModified: new Date(row.lastModified ?? 0),
    deleteMarker: row.isDeleteMarker === true,
    size: row.size ?? 0,
    etag: row.etag,
  };
}

/**
 * The same choice as `keysAtTime`, from the rows of an all-versions inventory report sorted by key
 * (the versions of one key arrive in no order): the entry with the newest LastModifiedDate at or
 * before `asOf`; on a tie of the same millisecond, the current one, else the later row.
 */
export async function* keysAtTimeFromRows(
  rows: AsyncIterable<InventoryRow>,
  asOf: Date,
): AsyncGenerator<KeyAtTime> {
  const limit = asOf.getTime();
  let key: string | undefined;
  let chosen: InventoryRow | undefined;
  let latest: InventoryRow | undefined;
  const result = (): KeyAtTime => ({
    key: key ?? '',
    state: chosen === undefined ? 'absent' : chosen.isDeleteMarker ? 'deleted' : 'object',
    version: chosen && listed(chosen),
    latest: latest && listed(latest),
  });
  for await (const row of rows) {
    if (row.key !== key) {
      if (key !== undefined) yield result();
      key = row.key;
      chosen = undefined;
      latest = undefined;
    }
    if (row.isLatest) latest = row;
    const t = row.lastModified ?? Number.POSITIVE_INFINITY;
    if (t > limit) continue;
    const best = chosen?.lastModified ?? Number.NEGATIVE_INFINITY;
    if (chosen === undefined || t > best || (t === best && chosen.isLatest !== true)) chosen = row;
  }
  if (key !== undefined) yield result();
}

/**
 * The versions of a backup bucket at `asOf` from its newest all-versions inventory report: no LIST
 * request, but only as fresh as the report. An `asOf` after the report was taken is refused:
 * versions written since are not in it.
 */
export async function inventoryVersionsAt(
  location: InventoryLocation,
  backupBucket: string,
  asOf: Date,
  prefix: string,
  sort?: ExternalSortOptions,
): Promise<{ choices: AsyncGenerator<KeyAtTime>; describe: string }> {
  const { key, manifest } = await loadManifest(location);
  const where = location.store.describe(key);
  const problems: string[] = [];
  if (manifest.sourceBucket !== backupBucket) {
    problems.push(`it inventories ${manifest.sourceBucket}, not --backup ${backupBucket}`);
  }
  if (!manifest.columns.some((c) => c === 'VersionId' || c === 'version_id')) {
    problems.push(
      'it lists current versions only: configure the backup inventory with All versions',
    );
  }
  if (asOf.getTime() > manifest.creationTime.getTime()) {
    problems.push(
      `--as-of ${asOf.toISOString()} is after the report was taken (${manifest.creationTime.toISOString()}): versions written since are not in it; use ListObjectVersions (no --versions-from-inventory)`,
    );
  }
  if (problems.length > 0) throw new InputError(`${where}: ${problems.join('; ')}`);
  async function* underPrefix(): AsyncGenerator<InventoryRow> {
    for await (const row of reportRows(location.store, manifest)) {
      if (row.key.startsWith(prefix)) yield row;
    }
  }
  return {
    choices: keysAtTimeFromRows(sortByKey(underPrefix(), sort), asOf),
    describe: `S3 Inventory ${where} (taken ${manifest.creationTime.toISOString()})`,
  };
}
