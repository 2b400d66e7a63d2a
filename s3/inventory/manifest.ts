import { InputError } from '../../cli/errors';

/**
 * The manifest.json of one delivered inventory report, and where the latest one is.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/storage-inventory-location.html
 *   destination-prefix/source-bucket/config-ID/YYYY-MM-DDTHH-MMZ/manifest.json
 */

export type InventoryFileFormat = 'CSV' | 'Parquet';

export interface InventoryDataFile {
  readonly key: string;
  readonly size: number;
  readonly md5: string;
}

export interface InventoryManifest {
  /** The inventoried bucket. */
  readonly sourceBucket: string;
  /** The bucket that holds the report (an ARN in the manifest, a name here). */
  readonly destinationBucket: string;
  /** When S3 started scanning the bucket: objects written later may be absent from the report. */
  readonly creationTime: Date;
  readonly fileFormat: InventoryFileFormat;
  /** Column names: CSV field names (Key, Size, ...) or Parquet column names (key, size, ...). */
  readonly columns: readonly string[];
  readonly files: readonly InventoryDataFile[];
}

/** Column names of a Parquet `message s3.inventory { required binary key (UTF8); ... }` schema. */
function parquetColumns(schema: string): string[] {
  return [...schema.matchAll(/(?:required|optional)\s+\w+\s+(\w+)/g)].map((m) => m[1]);
}

/**
 * Checks a manifest.json and returns what the reader needs; one error naming every field that is
 * missing or wrong. ORC reports are refused with the fix (configure CSV or Parquet).
 */
export function parseInventoryManifest(text: string, where: string): InventoryManifest {
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch (error) {
    throw new InputError(`${where} is not JSON: ${(error as Error).message}`);
  }
  const problems: string[] = [];
  const str = (field: string): string => {
    const value = json[field];
    if (typeof value !== 'string' || value === '') {
      problems.push(`${field} must be a non-empty string, got ${JSON.stringify(value)}`);
      return '';
    }
    return value;
  };
  const sourceBucket = str('sourceBucket');
  const destinationBucket = str('destinationBucket').replace(/^arn:[^:]+:s3:::/, '');
  const created = Number(str('creationTimestamp'));
  if (!Number.isFinite(created) || created <= 0) {
    problems.push(
      `creationTimestamp must be milliseconds since the epoch, got ${JSON.stringify(json.creationTimestamp)}`,
    );
  }
  const format = str('fileFormat');
  if (format !== '' && format !== 'CSV' && format !== 'Parquet') {
    problems.push(
      `fileFormat '${format}' is not read by this tool: configure the inventory with CSV or Parquet`,
    );
  }
  const schema = str('fileSchema');
  const columns =
    format === 'Parquet' ? parquetColumns(schema) : schema.split(',').map((c) => c.trim());
  const keyColumn = format === 'Parquet' ? 'key' : 'Key';
  if (schema !== '' && !columns.includes(keyColumn)) {
    problems.push(`fileSchema has no ${keyColumn} column: ${JSON.stringify(schema)}`);
  }
  const files: InventoryDataFile[] = [];
  if (!Array.isArray(json.files)) {
    problems.push(`files must be a list, got ${JSON.stringify(json.files)}`);
  } else {
    json.files.forEach((file: unknown, i) => {
      const f = (file ?? {}) as Record<string, unknown>;
      if (typeof f.key !== 'string' || f.key === '') {
        problems.push(`files[${i}].key must be a non-empty string, got ${JSON.stringify(f.key)}`);
        return;
      }
      files.push({
        key: f.key,
        size: typeof f.size === 'number' ? f.size : 0,
        md5: typeof f.MD5checksum === 'string' ? f.MD5checksum : '',
      });
    });
  }
  if (problems.length > 0) {
    throw new InputError(
      `${where} is not an S3 Inventory manifest:\n  - ${problems.join('\n  - ')}`,
    );
  }
  return {
    sourceBucket,
    destinationBucket,
    creationTime: new Date(created),
    fileFormat: format as InventoryFileFormat,
    columns,
    files,
  };
}

/** A delivery folder name: YYYY-MM-DDTHH-MMZ. Names sort in time order. */
const DELIVERY = /^\d{4}-\d{2}-\d{2}T\d{2}-\d{2}Z$/;

/** The newest delivery among the folder names under `<prefix>/<source-bucket>/<config-id>/`. */
export function latestDelivery(folderNames: readonly string[]): string | undefined {
  return folderNames
    .filter((name) => DELIVERY.test(name))
    .sort()
    .at(-1);
}
