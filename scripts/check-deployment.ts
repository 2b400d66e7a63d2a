/**
 * Proves the backup's guarantees on the live accounts after a deploy: a pass/fail report of named
 * probes. Thin entry over deployment-check/run.ts; exit 0 only when no probe failed.
 */
import { parseArgs } from 'node:util';
import { parseFlags, positiveIntegerFlag, roleArnFlag } from '../cli/args';
import {
  EXIT_INCOMPLETE,
  EXIT_INTERRUPTED,
  EXIT_OK,
  type Output,
  reportError,
  runInterruptibleMain,
} from '../cli/runtime';
import { loadConfig } from '../config';
import { roleArn } from '../policies/arns';
import { reportJson, reportText, summaryOf } from '../deployment-check/report';
import { runCheck } from '../deployment-check/run';
import { createCheckSession } from '../deployment-check/session';
import { synthesizedStacks } from '../deployment-check/synthesized';

export const USAGE = `usage: npm run check-deployment -- [options]

Writes a canary into each source bucket and proves, on the live accounts, that it replicates into
the backup owned by the backup account, that deletes become delete markers, that the primary
account cannot delete, reconfigure or read the backup, that the backfill role cannot overwrite,
that every alarm reaches a confirmed subscriber, that replication has not been failing, and (with
backup credentials) that the restore role works and the backup buckets equal the stacks. Each
probe ends PASS, FAIL (with the fix) or SKIPPED (with the reason). Canaries live under
.s3-bastion-canary/<run id>/ and are removed from the source; the backup keeps them until its
lifecycle expires them.

  --profile P              primary-account profile (default: the standard credential chain)
  --role-arn ARN           assume this primary-account role first
  --backup-profile P       backup-account profile: enables the replica, delete-marker, restore
                           and drift probes
  --backup-role-arn ARN    assume this backup-account role first
  --bucket B               only the pair of this source (or backup) bucket of the config
  --read-only              only probes that write nothing: alarms, replication health, restore
                           role, drift
  --wait-seconds N         longest wait for a replica or delete marker (default 900)
  --synth-dir DIR          compare with this cdktf synth output (default: synthesize the config now)
  --json                   print the report as JSON
  -h, --help               this text

Environment: BASTION_CONFIG (the config module, as for synth), AWS_PROFILE, AWS_REGION and the
standard credential chain, AWS_ENDPOINT_URL_<SERVICE> (S3, STS, CLOUDWATCH, SNS).
Exit codes: 0 no probe failed; 1 a probe failed; 2 usage or config error; 3 an AWS error ended the
run before the probes (bad credentials, wrong account, unknown bucket, region mismatch); 130
interrupted (Ctrl-C: the canaries are still removed; again to quit at once); 70 bug.
`;

const FLAGS = {
  profile: { type: 'string' },
  'role-arn': { type: 'string' },
  'backup-profile': { type: 'string' },
  'backup-role-arn': { type: 'string' },
  bucket: { type: 'string' },
  'read-only': { type: 'boolean', default: false },
  'wait-seconds': { type: 'string' },
  'synth-dir': { type: 'string' },
  json: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const satisfies NonNullable<Parameters<typeof parseArgs>[0]>['options'];

export async function main(
  argv: string[],
  output: Output = process,
  signal: AbortSignal = new AbortController().signal,
): Promise<number> {
  try {
    const values = parseFlags(argv, FLAGS);
    if (values.help) {
      output.stdout.write(USAGE);
      return EXIT_OK;
    }
    const config = loadConfig();
    const stacks = await synthesizedStacks(config, values['synth-dir']);
    const withBackup =
      values['backup-profile'] !== undefined || values['backup-role-arn'] !== undefined;
    const session = createCheckSession({
      primary: { profile: values.profile, roleArn: roleArnFlag(values['role-arn'], 'role-arn') },
      backup: withBackup
        ? {
            profile: values['backup-profile'],
            roleArn: roleArnFlag(values['backup-role-arn'], 'backup-role-arn'),
          }
        : undefined,
      backfillRoleArn: roleArn(config, 'backfill'),
      restoreRoleArn: roleArn(config, 'restore'),
      stsRegion: config.sourceBuckets[0].region,
    });
    const report = await runCheck({
      config,
      session,
      stacks,
      bucket: values.bucket,
      readOnly: values['read-only'],
      waitSeconds: positiveIntegerFlag(values['wait-seconds'], 'wait-seconds', 900),
      progress: (line) => output.stderr.write(`check-deployment: ${line}\n`),
      signal,
    });
    output.stdout.write(values.json ? reportJson(report) : reportText(report));
    if (report.interrupted) return EXIT_INTERRUPTED;
    return summaryOf(report).failed === 0 ? EXIT_OK : EXIT_INCOMPLETE;
  } catch (error) {
    return reportError('check-deployment', error, output);
  }
}

if (require.main === module) {
  runInterruptibleMain('check-deployment', (signal) =>
    main(process.argv.slice(2), process, signal),
  );
}
