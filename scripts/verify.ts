// `npm run verify`: does the backup bucket hold every source object? (s3/backfill/verify.ts)
import { bucketFlag, positiveIntegerFlag, regionFlag, roleArnFlag, urlFlag } from '../cli/args';
import { EXIT_OK, EXIT_PROBLEM } from '../cli/exit-codes';
import { CONNECTION_FLAGS, maxKeysFlag, SOURCE_DESTINATION_FLAGS } from '../cli/flags';
import { inventoryVerifyCommand } from '../cli/inventory-verify';
import { AWS_ENV } from '../cli/help';
import { type Command, type Output, runCommand, runMain } from '../cli/runtime';
import { verifyReportText } from '../cli/summary';
import {
  describeBucketRegions,
  locateBuckets,
  RegionalS3Clients,
} from '../s3/client/bucket-regions';
import { verify } from '../s3/backfill/verify';

const FLAGS = {
  ...SOURCE_DESTINATION_FLAGS,
  ...CONNECTION_FLAGS,
  ...maxKeysFlag(1000),
  inventory: {
    type: 'boolean',
    default: false,
    description:
      'compare the newest S3 Inventory reports instead of listing the buckets (npm run verify -- --inventory --help)',
  },
} as const;

export const verifyCommand: Command<typeof FLAGS> = {
  name: 'verify',
  usage: 'npm run verify -- --source <bucket> --destination <bucket> [options]',
  description:
    'Lists both buckets once, in one streaming merge, and reports counts and bytes on both sides and the keys missing from the destination or different in size.',
  flags: FLAGS,
  env: AWS_ENV,
  problem: 'the destination lacks source objects or holds them with another size',
  flagOf: { destinationBucket: 'destination' },
  async run(values, { output }) {
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
    await locateBuckets(client, [source, destination]);
    if (!values.json) output.stderr.write(describeBucketRegions('verify', client.regions()));
    const report = await verify({
      client,
      sourceBucket: source,
      destinationBucket: destination,
      prefix: values.prefix,
      maxKeysReported: positiveIntegerFlag(values['max-keys'], 'max-keys', 1000),
    });
    output.stdout.write(
      values.json
        ? `${JSON.stringify({ sourceBucket: source, destinationBucket: destination, prefix: values.prefix, ...report })}\n`
        : verifyReportText(source, destination, values.prefix, report),
    );
    return report.ok ? EXIT_OK : EXIT_PROBLEM;
  },
};

/** `--inventory` switches to the comparison of S3 Inventory reports, with flags of its own. */
export const main = (argv: readonly string[], output?: Output, signal?: AbortSignal) =>
  argv.includes('--inventory')
    ? runCommand(inventoryVerifyCommand, argv, output, signal)
    : runCommand(verifyCommand, argv, output, signal);
if (require.main === module) {
  if (process.argv.includes('--inventory')) runMain(inventoryVerifyCommand);
  else runMain(verifyCommand);
}
