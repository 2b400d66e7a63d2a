/**
 * Checks that the backup bucket holds every object of the source with the same size. Thin entry
 * over s3/backfill/verify.ts; exit 0 only when nothing is missing or different.
 *
 *   npm run verify -- --source <bucket> --destination <bucket> [--prefix P] [--role-arn ARN]
 *     [--source-region R] [--destination-region R] [--endpoint-url URL] [--json]
 */
import {
  bucketFlag,
  CONNECTION_FLAGS,
  parseFlags,
  positiveIntegerFlag,
  regionFlag,
  roleArnFlag,
  urlFlag,
} from '../cli/args';
import { EXIT_INCOMPLETE, EXIT_OK, type Output, reportError, runMain } from '../cli/runtime';
import {
  describeBucketRegions,
  locateBuckets,
  RegionalS3Clients,
} from '../s3/client/bucket-regions';
import { formatBytes, formatCount } from '../cli/format';
import { verify } from '../s3/backfill/verify';
import { inventoryVerifyMain } from '../s3/inventory/verify-command';

const USAGE = `usage: npm run verify -- --source <bucket> --destination <bucket> [options]

Lists both buckets once, in one streaming merge, and reports counts and bytes on both sides and
the keys missing from the destination or different in size. Exit 0 only when the destination
holds every source object.

  --prefix P            only keys under P
  --role-arn ARN        assume this role first
  --source-region R     region of --source; --destination-region R: of --destination.
                        Without them each bucket's region is looked up (HeadBucket) and each
                        listing goes to its bucket's region
  --region R            where look-ups go, and the region of a bucket whose server names none
                        (default: AWS_REGION / profile, else us-east-1)
  --endpoint-url URL    an S3-compatible endpoint (default: AWS_ENDPOINT_URL_S3)
  --max-keys N          keys of each kind to print (default 1000; counts are always complete)
  --json                print the report as JSON
  --inventory           compare the newest S3 Inventory reports instead of listing the buckets
                        (see npm run verify -- --inventory --help)
`;

const FLAGS = {
  ...CONNECTION_FLAGS,
  source: { type: 'string' },
  destination: { type: 'string' },
  'source-region': { type: 'string' },
  'destination-region': { type: 'string' },
  prefix: { type: 'string', default: '' },
  'max-keys': { type: 'string' },
} as const;

export async function main(argv: string[], output: Output = process): Promise<number> {
  if (argv.includes('--inventory')) return inventoryVerifyMain(argv, output);
  try {
    const values = parseFlags(argv, FLAGS);
    if (values.help) {
      output.stdout.write(USAGE);
      return EXIT_OK;
    }
    const source = bucketFlag(values.source, 'source');
    const destination = bucketFlag(values.destination, 'destination');
    const client = new RegionalS3Clients({
      region: regionFlag(values.region, 'region'),
      bucketRegions: {
        [source]: regionFlag(values['source-region'], 'source-region'),
        [destination]: regionFlag(values['destination-region'], 'destination-region'),
      },
      endpointUrl: urlFlag(values['endpoint-url'], 'endpoint-url'),
      roleArn: roleArnFlag(values['role-arn'], 'role-arn'),
      maxSockets: 4,
    });
    const maxKeys = positiveIntegerFlag(values['max-keys'], 'max-keys', 1000);
    await locateBuckets(client, [source, destination]);
    if (!values.json) output.stderr.write(describeBucketRegions('verify', client.regions()));
    const report = await verify({
      client,
      sourceBucket: source,
      destinationBucket: destination,
      prefix: values.prefix,
      maxKeysReported: maxKeys,
    });
    if (values.json) {
      output.stdout.write(
        `${JSON.stringify({ sourceBucket: source, destinationBucket: destination, prefix: values.prefix, ...report })}\n`,
      );
    } else {
      const lines = [
        `source       s3://${source}/${values.prefix}: ${formatCount(report.source.objects)} objects, ${formatBytes(report.source.bytes)}`,
        `destination  s3://${destination}/${values.prefix}: ${formatCount(report.destination.objects)} objects, ${formatBytes(report.destination.bytes)}`,
        `missing in destination: ${formatCount(report.missing.count)}`,
        ...report.missing.keys.map((key) => `  missing ${JSON.stringify(key)}`),
        `different size: ${formatCount(report.sizeDiffers.count)}`,
        ...report.sizeDiffers.keys.map(
          (d) =>
            `  size ${JSON.stringify(d.key)}: source ${d.sourceSize}, destination ${d.destinationSize}`,
        ),
        `only in destination (not an error): ${formatCount(report.extra.count)}`,
        report.ok
          ? 'OK: the destination holds every source object'
          : 'FAILED: the destination does not hold every source object',
      ];
      output.stdout.write(lines.join('\n') + '\n');
    }
    return report.ok ? EXIT_OK : EXIT_INCOMPLETE;
  } catch (error) {
    return reportError('verify', error, output);
  }
}

if (require.main === module) runMain(() => main(process.argv.slice(2)));
