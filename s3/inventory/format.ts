/**
 * The S3 Inventory report formats: the fields of a row, their names in CSV and Parquet files, and
 * how a value is written in each.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/storage-inventory.html (fields)
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/storage-inventory-location.html (manifest,
 * CSV `fileSchema` and Parquet `message s3.inventory` schema)
 */

/** One row of an inventory report, with the fields this project reads. */
export interface InventoryRow {
  readonly key: string;
  /** Absent in a current-versions report; '' for an object written before versioning. */
  readonly versionId?: string;
  /** Absent in a current-versions report, where every row is current. */
  readonly isLatest?: boolean;
  readonly isDeleteMarker?: boolean;
  readonly size?: number;
  /** Milliseconds since the epoch. */
  readonly lastModified?: number;
  /** Without quotes, as inventory writes it. */
  readonly etag?: string;
  /** PENDING, COMPLETED, FAILED, REPLICA, or '' for an object that replication never saw. */
  readonly replicationStatus?: string;
  /** SSE-S3, SSE-C, SSE-KMS, NOT-SSE (S3 writes DSSE-KMS too). */
  readonly encryptionStatus?: string;
  readonly checksumAlgorithm?: string;
}

/** The fields this project reads: CSV schema name (manifest `fileSchema`) -> Parquet column. */
export const INVENTORY_FIELDS = {
  Bucket: 'bucket',
  Key: 'key',
  VersionId: 'version_id',
  IsLatest: 'is_latest',
  IsDeleteMarker: 'is_delete_marker',
  Size: 'size',
  LastModifiedDate: 'last_modified_date',
  ETag: 'e_tag',
  ReplicationStatus: 'replication_status',
  EncryptionStatus: 'encryption_status',
  ChecksumAlgorithm: 'checksum_algorithm',
} as const;
export type InventoryField = keyof typeof INVENTORY_FIELDS;

/**
 * Keys in CSV reports are URL-encoded ("must be decoded before you can use it"): a space may be
 * written as '+', so '+' is decoded first, as Athena's url_decode does; a literal '+' arrives as
 * %2B. Parquet and ORC keys are plain.
 */
export function decodeCsvKey(encoded: string): string {
  return decodeURIComponent(encoded.replace(/\+/g, ' '));
}

/** The inverse, in the form-encoding style (space as '+'), for writing reports in tests. */
export function encodeCsvKey(key: string): string {
  return encodeURIComponent(key)
    .replace(/%20/g, '+')
    .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/**
 * Splits one CSV line of an inventory report: every value is in double quotes, a quote inside a
 * value is doubled. Unquoted values (an empty field) are taken as they are.
 */
export function parseCsvLine(line: string): string[] {
  const values: string[] = [];
  let i = 0;
  for (;;) {
    if (line[i] === '"') {
      let value = '';
      i++;
      for (;;) {
        const quote = line.indexOf('"', i);
        if (quote < 0)
          throw new Error(`unterminated quoted value in CSV line ${JSON.stringify(line)}`);
        value += line.slice(i, quote);
        if (line[quote + 1] === '"') {
          value += '"';
          i = quote + 2;
        } else {
          i = quote + 1;
          break;
        }
      }
      values.push(value);
    } else {
      const comma = line.indexOf(',', i);
      values.push(line.slice(i, comma < 0 ? line.length : comma));
      i = comma < 0 ? line.length : comma;
    }
    if (i >= line.length) return values;
    if (line[i] !== ',')
      throw new Error(`expected ',' at column ${i} of CSV line ${JSON.stringify(line)}`);
    i++;
  }
}

/** The value CSV writes for one field of a row (the inverse of rowFromCsv, for tests). */
export function csvValue(field: InventoryField, row: InventoryRow, bucket: string): string {
  switch (field) {
    case 'Bucket':
      return bucket;
    case 'Key':
      return encodeCsvKey(row.key);
    case 'VersionId':
      return row.versionId ?? '';
    case 'IsLatest':
      return row.isLatest === undefined ? '' : String(row.isLatest);
    case 'IsDeleteMarker':
      return row.isDeleteMarker === undefined ? '' : String(row.isDeleteMarker);
    case 'Size':
      return row.size === undefined ? '' : String(row.size);
    case 'LastModifiedDate':
      return row.lastModified === undefined ? '' : new Date(row.lastModified).toISOString();
    case 'ETag':
      return row.etag ?? '';
    case 'ReplicationStatus':
      return row.replicationStatus ?? '';
    case 'EncryptionStatus':
      return row.encryptionStatus ?? '';
    case 'ChecksumAlgorithm':
      return row.checksumAlgorithm ?? '';
  }
}

function bool(value: string | undefined): boolean | undefined {
  if (value === undefined || value === '') return undefined;
  return value.toLowerCase() === 'true';
}

function text(value: string | undefined): string | undefined {
  return value === undefined ? undefined : value;
}

/**
 * A function that turns the values of one CSV line into a row, for the columns named by the
 * manifest's `fileSchema` ("Bucket, Key, VersionId, ..."); columns it does not read are skipped.
 */
export function csvRowReader(fileSchema: readonly string[]): (values: string[]) => InventoryRow {
  const at = (field: InventoryField) => fileSchema.indexOf(field);
  const key = at('Key');
  const versionId = at('VersionId');
  const isLatest = at('IsLatest');
  const isDeleteMarker = at('IsDeleteMarker');
  const size = at('Size');
  const lastModified = at('LastModifiedDate');
  const etag = at('ETag');
  const replication = at('ReplicationStatus');
  const encryption = at('EncryptionStatus');
  const checksum = at('ChecksumAlgorithm');
  const get = (values: string[], i: number) => (i < 0 ? undefined : values[i]);
  return (values) => {
    const sizeText = get(values, size);
    const modified = get(values, lastModified);
    return {
      key: decodeCsvKey(values[key] ?? ''),
      versionId: text(get(values, versionId)),
      isLatest: bool(get(values, isLatest)),
      isDeleteMarker: bool(get(values, isDeleteMarker)),
      size: sizeText === undefined || sizeText === '' ? undefined : Number(sizeText),
      lastModified: modified === undefined || modified === '' ? undefined : Date.parse(modified),
      etag: text(get(values, etag)),
      replicationStatus: text(get(values, replication)),
      encryptionStatus: text(get(values, encryption)),
      checksumAlgorithm: text(get(values, checksum)),
    };
  };
}

/** A Parquet row (hyparquet's object form: int64 as bigint, timestamps as Date) as a row. */
export function rowFromParquet(record: Readonly<Record<string, unknown>>): InventoryRow {
  const str = (name: string) => {
    const v = record[name];
    return typeof v === 'string' ? v : undefined;
  };
  const flag = (name: string) => {
    const v = record[name];
    return typeof v === 'boolean' ? v : undefined;
  };
  const size = record.size;
  const modified = record.last_modified_date;
  return {
    key: str('key') ?? '',
    versionId: str('version_id'),
    isLatest: flag('is_latest'),
    isDeleteMarker: flag('is_delete_marker'),
    size: typeof size === 'bigint' || typeof size === 'number' ? Number(size) : undefined,
    lastModified:
      modified instanceof Date
        ? modified.getTime()
        : typeof modified === 'bigint' || typeof modified === 'number'
          ? Number(modified)
          : undefined,
    etag: str('e_tag'),
    replicationStatus: str('replication_status'),
    encryptionStatus: str('encryption_status'),
    checksumAlgorithm: str('checksum_algorithm'),
  };
}
