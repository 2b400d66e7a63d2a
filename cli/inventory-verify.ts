import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { loadConfig } from '../config';
import {
  INVENTORY_CONFIGURATION_ID,
  INVENTORY_REPORT_PREFIX,
  backupRegionOf,
  inventoryBucketName,
} from '../policies/arns';
import { compareVerifyEngines } from '../s3/batch-restore/cost';
import { RegionalS3Clients } from '../s3/client/bucket-regions';
import { parseInventoryManifest } from '../s3/inventory/manifest';
import { LocalReportStore, type ReportStore, S3ReportStore } from '../s3/inventory/store';
import {
  fixCommands,
  loadManifest,
  type InventoryLocation,
  type InventoryVerifyReport,
  verifyInventory,
} from '../s3/inventory/verify-inventory';
import { bucketFlag, positiveIntegerFlag, regionFlag, roleArnFlag, urlFlag } from './args';
import { UsageError } from './errors';
import { EXIT_OK, EXIT_PROBLEM } from './exit-codes';
import { CONNECTION_FLAGS, maxKeysFlag } from './flags';
import { formatBytes, formatCount } from './format';
import { AWS_ENV, CONFIG_ENV, type FlagSpecs } from './help';
import { type Command, type Output, runCommand } from './runtime';

/** `npm run verify -- --inventory`: the flags of the S3 Inventory comparison. */
const FLAGS = {
  inventory: {
    type: 'boolean',
    default: false,
    description: 'compare the newest S3 Inventory reports (this mode)',
  },
  source: {
    type: 'string',
    value: 'B',
    description:
      'with --destination: find both reports through the config (BASTION_CONFIG), in the inventory bucket <prefix>-<account>-<region> of each account',
  },
  destination: { type: 'string', value: 'B', description: 'the backup bucket, with --source' },
  'source-inventory': {
    type: 'string',
    value: 'L',
    description:
      'the source report instead: s3://<bucket>/<prefix>/<source>/<config-id>/ (newest delivery under it), .../manifest.json, or a local folder',
  },
  'backup-inventory': {
    type: 'string',
    value: 'L',
    description: 'the backup report, the same way',
  },
  'source-role-arn': {
    type: 'string',
    value: 'ARN',
    description: 'read the source report as this role (default --role-arn)',
  },
  'backup-role-arn': {
    type: 'string',
    value: 'ARN',
    description: 'read the backup report as this role (default --role-arn)',
  },
  'tmp-dir': {
    type: 'string',
    value: 'DIR',
    description: 'where sorted runs are spilled (default the system temp dir)',
  },
  ...CONNECTION_FLAGS,
  region: {
    type: 'string',
    value: 'R',
    description:
      "where look-ups go: each inventory bucket's region is looked up (HeadBucket); the source's and the backup's usually differ",
  },
  ...maxKeysFlag(1000),
} as const;

/**
 * A local copy of an inventory bucket (e.g. `aws s3 sync s3://<inventory-bucket> DIR`): the
 * manifest names data files by their key in the bucket, so the bucket's root is the ancestor of
 * the manifest under which the first data file exists.
 */
async function localLocation(text: string): Promise<InventoryLocation> {
  let manifestPath = resolve(text);
  if (!manifestPath.endsWith('manifest.json')) {
    const folder = new LocalReportStore(manifestPath);
    const { key } = await loadManifest({ store: folder, path: '' });
    manifestPath = join(manifestPath, key);
  }
  const manifest = parseInventoryManifest(readFileSync(manifestPath, 'utf8'), manifestPath);
  const first = manifest.files[0]?.key;
  for (let root = dirname(manifestPath); first !== undefined; root = dirname(root)) {
    if (existsSync(join(root, first))) {
      return { store: new LocalReportStore(root), path: relative(root, manifestPath) };
    }
    if (dirname(root) === root) break;
  }
  throw new UsageError(
    `${manifestPath}: its data file ${first ?? '(none)'} is not under any folder above it: give a copy of the whole inventory bucket`,
  );
}

/** A report location: s3://bucket/path, or a local copy of the inventory bucket. */
export async function locationOf(
  text: string,
  flag: string,
  s3Store: (bucket: string) => Promise<ReportStore>,
): Promise<InventoryLocation> {
  const s3 = /^s3:\/\/([^/]+)\/?(.*)$/.exec(text);
  if (s3) return { store: await s3Store(bucketFlag(s3[1], flag)), path: s3[2] };
  return localLocation(text);
}

/** The config's inventory folder of a bucket: the account's inventory bucket in its region. */
function configuredLocation(bucket: string, side: 'source' | 'backup'): string {
  const config = loadConfig();
  const entry = config.sourceBuckets.find((b) =>
    side === 'source' ? b.name === bucket : b.backupBucketName === bucket,
  );
  if (entry === undefined || config.inventory?.enabled !== true) {
    throw new UsageError(
      `--${side === 'source' ? 'source' : 'destination'} ${bucket} is not a ${side} bucket of a config with inventory.enabled: give --${side}-inventory s3://<inventory-bucket>/<prefix>/<bucket>/<config-id>/`,
    );
  }
  const account = side === 'source' ? config.primary.accountId : config.backup.accountId;
  const region = side === 'source' ? entry.region : backupRegionOf(entry);
  return `s3://${inventoryBucketName(config, account, region)}/${INVENTORY_REPORT_PREFIX}/${bucket}/${INVENTORY_CONFIGURATION_ID}/`;
}

function keyLines(label: string, list: { count: number; keys: string[] }): string[] {
  return [
    `${label}: ${formatCount(list.count)}`,
    ...list.keys.map((key) => `  ${JSON.stringify(key)}`),
    ...(list.count > list.keys.length
      ? [`  ... and ${formatCount(list.count - list.keys.length)} more`]
      : []),
  ];
}

export function inventorySummaryText(report: InventoryVerifyReport, prefix: string): string {
  const side = (label: string, s: InventoryVerifyReport['source']) =>
    `${label} s3://${s.bucket}/${prefix}: ${formatCount(s.objects)} objects, ${formatBytes(s.bytes)} (${s.format} report of ${s.createdAt}, ${s.dataFiles} files: ${s.manifest})`;
  const fix = fixCommands(report, prefix);
  const cost = compareVerifyEngines(report.source.objects, report.backup.objects);
  return [
    side('source', report.source),
    side('backup', report.backup),
    ...keyLines('missing in backup', report.missing),
    ...keyLines('deleted in backup (a delete marker is current)', report.deletedInBackup),
    ...keyLines('different size', report.sizeDiffers),
    ...keyLines('different ETag (single-part MD5)', report.etagDiffers),
    ...keyLines('replication FAILED (S3 does not retry)', report.replicationFailed),
    `replication FAILED but the backup holds the object: ${formatCount(report.replicationFailedButPresent)}`,
    `not judged (replication PENDING or written after the backup report): ${formatCount(report.inFlight)}`,
    `same size, ETag not comparable (multipart or SSE-KMS): ${formatCount(report.etagNotComparable)}`,
    `only in backup (not an error): ${formatCount(report.onlyInBackup)}`,
    `cost at list prices: these reports about $${cost.inventoryUsdPerDay.toFixed(4)} a day of S3 Inventory; listing both buckets instead ${formatCount(cost.listRequests)} LIST requests ($${cost.listUsd.toFixed(4)}), one page after the other`,
    ...(fix.recommended === undefined
      ? []
      : [`fix: ${fix.recommended}`, ...fix.commands.slice(1).map((c) => `  or: ${c}`)]),
    ...fix.notes.map((n) => `note: ${n}`),
    report.ok
      ? 'OK: the backup holds every source object'
      : 'FAILED: the backup does not hold every source object',
  ].join('\n');
}

/**
 * `npm run verify -- --inventory`: compares the newest S3 Inventory reports of the source and the
 * backup bucket (s3/inventory/verify-inventory.ts) and prints the differences and the fix.
 */
export const inventoryVerifyCommand: Command<typeof FLAGS> = {
  name: 'verify',
  usage: 'npm run verify -- --inventory [--source <bucket> --destination <bucket>] [options]',
  description:
    'Compares the newest S3 Inventory reports of the source bucket (current versions) and the backup bucket (all or current versions) without listing either bucket: keys missing from the backup, size or ETag differences, objects whose replication FAILED, and the command that fixes them. Reports are sorted on local disk in bounded memory (S3 promises no order), then merged in one pass. CSV and Parquet reports are read; ORC is not.',
  flags: FLAGS,
  env: [CONFIG_ENV, ...AWS_ENV],
  problem:
    'the backup lacks source objects or holds them differently (a file that is not an inventory manifest is exit 2)',
  async run(values, { output }) {
    const endpointUrl = urlFlag(values['endpoint-url'], 'endpoint-url');
    const roleArn = roleArnFlag(values['role-arn'], 'role-arn');
    const region = regionFlag(values.region, 'region');
    // Each account's inventory bucket lives in its own region: addressed there.
    const storeFor = (role: string | undefined) => async (bucket: string) => {
      const clients = new RegionalS3Clients({
        region,
        endpointUrl,
        roleArn: role ?? roleArn,
        maxSockets: 8,
      });
      await clients.locate(bucket);
      return new S3ReportStore(clients.forBucket(bucket), bucket);
    };
    const sourceText =
      values['source-inventory'] ??
      configuredLocation(bucketFlag(values.source, 'source'), 'source');
    const backupText =
      values['backup-inventory'] ??
      configuredLocation(bucketFlag(values.destination, 'destination'), 'backup');
    const source = await locationOf(
      sourceText,
      'source-inventory',
      storeFor(roleArnFlag(values['source-role-arn'], 'source-role-arn')),
    );
    const backup = await locationOf(
      backupText,
      'backup-inventory',
      storeFor(roleArnFlag(values['backup-role-arn'], 'backup-role-arn')),
    );
    const maxKeys = positiveIntegerFlag(values['max-keys'], 'max-keys', 1000);
    const report = await verifyInventory({
      source,
      backup,
      prefix: values.prefix,
      maxKeysReported: maxKeys,
      sort: { tmpDir: values['tmp-dir'] },
      onFile: values.json
        ? undefined
        : (side, key, index, total) =>
            output.stderr.write(`${side} report: file ${index + 1}/${total} ${key}\n`),
    });
    output.stdout.write(
      values.json
        ? `${JSON.stringify({ prefix: values.prefix, ...report, fix: fixCommands(report, values.prefix) })}\n`
        : `${inventorySummaryText(report, values.prefix)}\n`,
    );
    return report.ok ? EXIT_OK : EXIT_PROBLEM;
  },
};

/**
 * The command of a verify's arguments: `listing` (the command of scripts/verify.ts), or with
 * `--inventory` the comparison of S3 Inventory reports, with flags of its own.
 */
export function verifyModeCommand(
  argv: readonly string[],
  listing: Command<FlagSpecs>,
): Command<FlagSpecs> {
  return argv.includes('--inventory') ? inventoryVerifyCommand : listing;
}

/** `(argv, output, signal) => exit code` of `npm run verify`, either mode: what tests call. */
export function verifyModeMain(listing: Command<FlagSpecs>) {
  return (argv: readonly string[], output?: Output, signal?: AbortSignal) =>
    runCommand(verifyModeCommand(argv, listing), argv, output, signal);
}
