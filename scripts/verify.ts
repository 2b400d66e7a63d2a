// `npm run verify`: does the backup bucket hold every source object? (s3/backfill/verify.ts)
import { positiveIntegerFlag } from '../cli/args';
import { finishRun } from '../cli/copy-run';
import { bucketPairFlags, locateBucketPair, regionalClients } from '../cli/copy-settings';
import { CONNECTION_FLAGS, maxKeysFlag, SOURCE_DESTINATION_FLAGS } from '../cli/flags';
import { verifyModeCommand, verifyModeMain } from '../cli/inventory-verify';
import { AWS_ENV } from '../cli/help';
import { type Command, runMain } from '../cli/runtime';
import { verifyReportText } from '../cli/summary';
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
    // Comparing a bucket with itself is allowed: the pair needs no reason to differ.
    const pair = bucketPairFlags(values, ['source', 'destination']);
    const { client } = regionalClients(values, pair.regions, 4);
    await locateBucketPair('verify', client, pair, output, values.json);
    const [sourceBucket, destinationBucket, prefix] = [pair.first, pair.second, values.prefix];
    const report = await verify({
      client,
      sourceBucket,
      destinationBucket,
      prefix,
      maxKeysReported: positiveIntegerFlag(values['max-keys'], 'max-keys', 1000),
    });
    const summary = { sourceBucket, destinationBucket, prefix, ...report };
    const text = () => verifyReportText(sourceBucket, destinationBucket, prefix, report);
    return finishRun(output, values.json, summary, text, { interrupted: false, ok: report.ok });
  },
};

export const main = verifyModeMain(verifyCommand);
if (require.main === module) runMain(verifyModeCommand(process.argv, verifyCommand));
