// `npm run preflight`: refuses to let the primary stack replace replication rules a production
// bucket already has (s3/preflight/replication-preflight.ts).
import { regionFlag, roleArnFlag, urlFlag } from '../cli/args';
import { EXIT_OK, EXIT_PROBLEM } from '../cli/exit-codes';
import { AWS_ENV, CONFIG_ENV } from '../cli/help';
import { type Command, commandMain, runMain } from '../cli/runtime';
import { loadConfig } from '../config';
import { validateConfig } from '../config/validate';
import { RegionalS3Clients } from '../s3/client/bucket-regions';
import { describePreflight, replicationPreflight } from '../s3/preflight/replication-preflight';

const FLAGS = {
  'role-arn': { type: 'string', value: 'ARN', description: 'assume this role first' },
  region: {
    type: 'string',
    value: 'R',
    description: 'where look-ups go (default: AWS_REGION / profile, else us-east-1)',
  },
  'endpoint-url': {
    type: 'string',
    value: 'URL',
    description: 'an S3-compatible endpoint (default: AWS_ENDPOINT_URL_S3)',
  },
  json: { type: 'boolean', default: false, description: 'print the findings as JSON' },
} as const;

const command: Command<typeof FLAGS> = {
  name: 'preflight',
  usage: 'npm run preflight -- [options]',
  description:
    'Before the first apply of a primary stack: reads the replication configuration of every source bucket of the config (GetBucketReplication) and finds the rules that applying the stack would replace (a bucket has one replication configuration). Run it with primary-account credentials.',
  flags: FLAGS,
  env: [CONFIG_ENV, ...AWS_ENV],
  problem: 'a bucket has rules the stack would replace',
  async run(values, { output }) {
    const config = validateConfig(loadConfig());
    // Each source bucket's region comes from the config.
    const clients = new RegionalS3Clients({
      region: regionFlag(values.region, 'region'),
      bucketRegions: Object.fromEntries(config.sourceBuckets.map((b) => [b.name, b.region])),
      endpointUrl: urlFlag(values['endpoint-url'], 'endpoint-url'),
      roleArn: roleArnFlag(values['role-arn'], 'role-arn'),
      maxSockets: 4,
    });
    const results = await replicationPreflight(config, clients);
    if (values.json) output.stdout.write(`${JSON.stringify(results)}\n`);
    else output.stdout.write(describePreflight(results));
    return results.every((r) => r.foreignRules.length === 0) ? EXIT_OK : EXIT_PROBLEM;
  },
};

export const main = commandMain(command);
if (require.main === module) runMain(command);
