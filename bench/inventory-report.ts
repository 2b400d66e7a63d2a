/**
 * Writes S3 Inventory reports in the documented formats, for the tests (from a bucket on the local
 * RGW, which has no inventory) and the benchmark (synthetic rows): gzip CSV with URL-encoded keys,
 * or Parquet with the `s3.inventory` schema (hyparquet-writer, a devDependency), plus the
 * manifest.json and manifest.checksum of the delivery.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/storage-inventory-location.html
 */
import { createHash, randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { parquetWriteBuffer, type SchemaElement } from 'hyparquet-writer';
import { csvValue, type InventoryField, type InventoryRow } from '../s3/inventory/format';
import type { ListedVersion } from '../s3/listing/version-listing';
import type { ListedObject } from '../s3/listing/listing';

/** Where a report's files go: the inventory bucket on S3, or a local folder. */
export type ReportSink = (key: string, body: Buffer) => Promise<void>;

export function s3Sink(client: S3Client, bucket: string): ReportSink {
  return async (key, body) => {
    await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
  };
}

export function localSink(root: string): ReportSink {
  return (key, body) => {
    const path = join(root, key);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, body);
    return Promise.resolve();
  };
}

export interface ReportSpec {
  /** The inventoried bucket. */
  readonly sourceBucket: string;
  /** The inventory bucket. */
  readonly destinationBucket: string;
  readonly format: 'CSV' | 'Parquet';
  readonly versions: 'All' | 'Current';
  /** When S3 "began scanning the bucket". */
  readonly createdAt: Date;
  /** @default 'inventory' */
  readonly prefix?: string;
  /** @default 's3-bastion-backup' */
  readonly configId?: string;
  /** Rows per data file. @default 250000 */
  readonly rowsPerFile?: number;
}

/** CSV fields in the documented order, for the optional fields the stacks configure. */
function csvFields(versions: 'All' | 'Current'): (InventoryField | 'IsMultipartUploaded')[] {
  return [
    'Bucket',
    'Key',
    ...(versions === 'All' ? (['VersionId', 'IsLatest', 'IsDeleteMarker'] as const) : []),
    'Size',
    'LastModifiedDate',
    'ETag',
    'IsMultipartUploaded',
    'ReplicationStatus',
    'EncryptionStatus',
    'ChecksumAlgorithm',
  ];
}

type Column = {
  name: string;
  type: 'BYTE_ARRAY' | 'BOOLEAN' | 'INT64';
  converted?: string;
  required?: boolean;
};

function parquetColumns(versions: 'All' | 'Current'): Column[] {
  const text = (name: string, required = false): Column => ({
    name,
    type: 'BYTE_ARRAY',
    converted: 'UTF8',
    required,
  });
  return [
    text('bucket', true),
    text('key', true),
    ...(versions === 'All'
      ? [
          text('version_id'),
          { name: 'is_latest', type: 'BOOLEAN' as const },
          { name: 'is_delete_marker', type: 'BOOLEAN' as const },
        ]
      : []),
    { name: 'size', type: 'INT64' },
    { name: 'last_modified_date', type: 'INT64', converted: 'TIMESTAMP_MILLIS' },
    text('e_tag'),
    { name: 'is_multipart_uploaded', type: 'BOOLEAN' },
    text('replication_status'),
    text('encryption_status'),
    text('checksum_algorithm'),
  ];
}

/** The manifest's `fileSchema` of a Parquet report: `message s3.inventory { ... }`. */
function parquetSchemaText(columns: readonly Column[]): string {
  const fields = columns.map(
    (c) =>
      `${c.required ? 'required' : 'optional'} ${c.type === 'BYTE_ARRAY' ? 'binary' : c.type.toLowerCase()} ${c.name}${c.converted ? ` (${c.converted})` : ''};`,
  );
  return `message s3.inventory { ${fields.join(' ')} }`;
}

function csvFile(
  fields: ReturnType<typeof csvFields>,
  rows: readonly InventoryRow[],
  bucket: string,
): Buffer {
  const lines = rows.map((row) =>
    fields
      .map((field) =>
        field === 'IsMultipartUploaded'
          ? String((row.etag ?? '').includes('-'))
          : csvValue(field, row, bucket),
      )
      .map((value) => `"${value.replace(/"/g, '""')}"`)
      .join(','),
  );
  return gzipSync(`${lines.join('\n')}\n`);
}

function parquetFile(
  columns: readonly Column[],
  rows: readonly InventoryRow[],
  bucket: string,
): Buffer {
  const schema: SchemaElement[] = [
    { name: 's3.inventory', num_children: columns.length },
    ...columns.map((c): SchemaElement => ({
      name: c.name,
      type: c.type,
      repetition_type: c.required ? 'REQUIRED' : 'OPTIONAL',
      ...(c.converted ? { converted_type: c.converted as SchemaElement['converted_type'] } : {}),
    })),
  ];
  const value = (name: string, row: InventoryRow): unknown => {
    switch (name) {
      case 'bucket':
        return bucket;
      case 'key':
        return row.key;
      case 'version_id':
        return row.versionId ?? null;
      case 'is_latest':
        return row.isLatest ?? null;
      case 'is_delete_marker':
        return row.isDeleteMarker ?? null;
      case 'size':
        return row.size === undefined ? null : BigInt(row.size);
      case 'last_modified_date':
        return row.lastModified === undefined ? null : BigInt(row.lastModified);
      case 'e_tag':
        return row.etag ?? null;
      case 'is_multipart_uploaded':
        return row.etag === undefined ? null : row.etag.includes('-');
      case 'replication_status':
        return row.replicationStatus ?? null;
      case 'encryption_status':
        return row.encryptionStatus ?? null;
      case 'checksum_algorithm':
        return row.checksumAlgorithm ?? null;
      default:
        return null;
    }
  };
  const buffer = parquetWriteBuffer({
    schema,
    columnData: columns.map((c) => ({ name: c.name, data: rows.map((r) => value(c.name, r)) })),
    rowGroupSize: 50_000,
  });
  return Buffer.from(buffer);
}

/**
 * Writes the rows as one delivery: data files of `rowsPerFile` rows, then the manifest. Rows are
 * written in the order given (S3 promises no order). Returns the manifest's key.
 */
export async function writeInventoryReport(
  sink: ReportSink,
  spec: ReportSpec,
  rows: Iterable<InventoryRow> | AsyncIterable<InventoryRow>,
): Promise<string> {
  const base = `${spec.prefix ?? 'inventory'}/${spec.sourceBucket}/${spec.configId ?? 's3-bastion-backup'}`;
  const perFile = spec.rowsPerFile ?? 250_000;
  const fields = csvFields(spec.versions);
  const columns = parquetColumns(spec.versions);
  const files: { key: string; size: number; MD5checksum: string }[] = [];
  let batch: InventoryRow[] = [];
  const flush = async () => {
    if (batch.length === 0) return;
    const extension = spec.format === 'CSV' ? 'csv.gz' : 'parquet';
    const key = `${base}/data/${randomUUID()}.${extension}`;
    const body =
      spec.format === 'CSV'
        ? csvFile(fields, batch, spec.sourceBucket)
        : parquetFile(columns, batch, spec.sourceBucket);
    await sink(key, body);
    files.push({
      key,
      size: body.length,
      MD5checksum: createHash('md5').update(body).digest('hex'),
    });
    batch = [];
  };
  for await (const row of rows) {
    batch.push(row);
    if (batch.length >= perFile) await flush();
  }
  await flush();
  const stamp = spec.createdAt.toISOString().slice(0, 16).replace(':', '-') + 'Z';
  const manifest = Buffer.from(
    JSON.stringify(
      {
        sourceBucket: spec.sourceBucket,
        destinationBucket: `arn:aws:s3:::${spec.destinationBucket}`,
        version: '2016-11-30',
        creationTimestamp: String(spec.createdAt.getTime()),
        fileFormat: spec.format,
        fileSchema: spec.format === 'CSV' ? fields.join(', ') : parquetSchemaText(columns),
        files,
      },
      null,
      4,
    ),
  );
  const manifestKey = `${base}/${stamp}/manifest.json`;
  await sink(manifestKey, manifest);
  await sink(
    `${base}/${stamp}/manifest.checksum`,
    Buffer.from(createHash('md5').update(manifest).digest('hex')),
  );
  return manifestKey;
}

/** A row of an all-versions report from a version listing (ETags without quotes, as S3 writes). */
export function rowOfVersion(v: ListedVersion, extra: Partial<InventoryRow> = {}): InventoryRow {
  return {
    key: v.key,
    versionId: v.versionId === 'null' ? '' : v.versionId,
    isLatest: v.isLatest,
    isDeleteMarker: v.deleteMarker,
    size: v.deleteMarker ? undefined : v.size,
    lastModified: v.lastModified.getTime(),
    etag: v.deleteMarker ? undefined : v.etag?.replace(/"/g, ''),
    encryptionStatus: v.deleteMarker ? undefined : 'SSE-S3',
    ...extra,
  };
}

/** A row of a current-versions report from a listing. */
export function rowOfObject(o: ListedObject, extra: Partial<InventoryRow> = {}): InventoryRow {
  return {
    key: o.key,
    size: o.size,
    lastModified: o.lastModified?.getTime(),
    etag: o.etag?.replace(/"/g, ''),
    encryptionStatus: 'SSE-S3',
    ...extra,
  };
}
