/**
 * Refuses to let the primary stack replace replication rules a production bucket already has.
 * Thin entry over s3/preflight/replication-preflight.ts.
 */
import { CONNECTION_FLAGS, parseFlags, regionFlag, roleArnFlag, urlFlag } from '../cli/args';
import {
  EXIT_INCOMPLETE,
  EXIT_OK,
  EXIT_USAGE,
  type Output,
  reportError,
  runMain,
} from '../cli/runtime';
import { loadConfig } from '../config';
import { ConfigValidationError, validateConfig } from '../config/validate';
import { RegionalS3Clients } from '../s3/client/bucket-regions';
import { describePreflight, replicationPreflight } from '../s3/preflight/replication-preflight';

const USAGE = `usage: npm run preflight -- [options]

Before the first apply of a primary stack: reads the replication configuration of every source
bucket of the config (GetBucketReplication) and exits 1 when it holds a rule that applying the
stack would replace (a bucket has one replication configuration). Run it with primary-account
credentials.

  --role-arn ARN        assume this role first
  --region R            where look-ups go (default: AWS_REGION / profile, else us-east-1)
  --endpoint-url URL    an S3-compatible endpoint (default: AWS_ENDPOINT_URL_S3)
  --json                print the findings as JSON

Environment: BASTION_CONFIG (the config module; default the example), AWS_* credentials and
AWS_ENDPOINT_URL_S3.
Exit codes: 0 no foreign rule; 1 a bucket has rules the stack would replace; 2 usage or config
error; 3 an S3 error (access denied, no such bucket); 70 internal error.
`;

export async function main(argv: string[], output: Output = process): Promise<number> {
  try {
    const values = parseFlags(argv, CONNECTION_FLAGS);
    if (values.help) {
      output.stdout.write(USAGE);
      return EXIT_OK;
    }
    let config;
    try {
      config = validateConfig(loadConfig());
    } catch (error) {
      if (!(error instanceof ConfigValidationError)) throw error;
      output.stderr.write(`preflight: ${error.message}\n`);
      return EXIT_USAGE;
    }
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
    return results.every((r) => r.foreignRules.length === 0) ? EXIT_OK : EXIT_INCOMPLETE;
  } catch (error) {
    return reportError('preflight', error, output);
  }
}

if (require.main === module) runMain(() => main(process.argv.slice(2)));
