import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import { parquetMetadataAsync, parquetRead } from 'hyparquet';
import {
  csvRowReader,
  INVENTORY_FIELDS,
  type InventoryRow,
  parseCsvLine,
  rowFromParquet,
} from './format';
import type { InventoryManifest } from './manifest';
import type { ReportStore } from './store';

const PARQUET_COLUMNS: readonly string[] = Object.values(INVENTORY_FIELDS);

/**
 * The rows of one gzip CSV data file, streamed: gunzip and split line by line, never the whole
 * file in memory.
 */
async function* csvRows(
  store: ReportStore,
  key: string,
  columns: readonly string[],
): AsyncGenerator<InventoryRow> {
  const toRow = csvRowReader(columns);
  const body = await store.openStream(key);
  const lines = createInterface({ input: body.pipe(createGunzip()), crlfDelay: Infinity });
  let lineNumber = 0;
  try {
    for await (const line of lines) {
      lineNumber++;
      if (line === '') continue;
      try {
        yield toRow(parseCsvLine(line));
      } catch (error) {
        throw new Error(`${store.describe(key)} line ${lineNumber}: ${(error as Error).message}`);
      }
    }
  } finally {
    lines.close();
    body.destroy();
  }
}

/**
 * The rows of one Parquet data file, one row group at a time (hyparquet reads the footer, then
 * only the column chunks of that group, by range): memory holds one row group.
 */
async function* parquetRows(
  store: ReportStore,
  key: string,
  size: number,
): AsyncGenerator<InventoryRow> {
  const file = await store.openRandomAccess(key, size);
  try {
    const metadata = await parquetMetadataAsync(file);
    const present = new Set(metadata.schema.map((element) => element.name));
    const columns = PARQUET_COLUMNS.filter((c) => present.has(c));
    let rowStart = 0;
    for (const group of metadata.row_groups) {
      const rowEnd = rowStart + Number(group.num_rows);
      let rows: Record<string, unknown>[] = [];
      await parquetRead({
        file,
        metadata,
        columns,
        rowStart,
        rowEnd,
        rowFormat: 'object',
        onComplete: (result: Record<string, unknown>[]) => {
          rows = result;
        },
      });
      for (const record of rows) yield rowFromParquet(record);
      rowStart = rowEnd;
    }
  } finally {
    await file.close?.();
  }
}

/** Every row of a report, file after file, in the order of the manifest (not sorted by key). */
export async function* reportRows(
  store: ReportStore,
  manifest: InventoryManifest,
  onFile?: (key: string, index: number) => void,
): AsyncGenerator<InventoryRow> {
  for (const [index, file] of manifest.files.entries()) {
    onFile?.(file.key, index);
    if (manifest.fileFormat === 'Parquet') yield* parquetRows(store, file.key, file.size);
    else yield* csvRows(store, file.key, manifest.columns);
  }
}
