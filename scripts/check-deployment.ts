// `npm run check-deployment`: proves the backup's guarantees on the live accounts after a deploy,
// a pass/fail report of named probes (deployment-check/run.ts).
import { positiveIntegerFlag } from '../cli/args';
import { checkSessionOptions } from '../cli/check-deployment';
import { EXIT_INTERRUPTED, EXIT_OK, EXIT_PROBLEM } from '../cli/exit-codes';
import { CHECK_DEPLOYMENT_FLAGS } from '../cli/flags';
import { CONFIG_ENV } from '../cli/help';
import { type Command, commandMain, runMain } from '../cli/runtime';
import { loadConfig } from '../config';
import { reportJson, reportText, summaryOf } from '../deployment-check/report';
import { runCheck } from '../deployment-check/run';
import { createCheckSession } from '../deployment-check/session';
import { synthesizedStacks } from '../deployment-check/synthesized';

const command: Command<typeof CHECK_DEPLOYMENT_FLAGS> = {
  name: 'check-deployment',
  usage: 'npm run check-deployment -- [options]',
  description:
    'Writes a canary into each source bucket and proves, on the live accounts, that it replicates into the backup owned by the backup account, that deletes become delete markers, that the primary account cannot delete, reconfigure or read the backup, that the backfill role cannot overwrite, that every alarm reaches a confirmed subscriber, that replication has not been failing, and (with backup credentials) that the restore role works and the backup buckets equal the stacks. Each probe ends PASS, FAIL (with the fix) or SKIPPED (with the reason). Canaries live under .s3-bastion-canary/<run id>/ and are removed from the source; the backup keeps them until its lifecycle expires them.',
  flags: CHECK_DEPLOYMENT_FLAGS,
  env: [
    CONFIG_ENV,
    { name: 'AWS_PROFILE, AWS_REGION', description: 'and the standard credential chain' },
    { name: 'AWS_ENDPOINT_URL_<SERVICE>', description: 'S3, STS, CLOUDWATCH, SNS endpoints' },
  ],
  problem:
    'a probe failed; an AWS error before the probes (bad credentials, wrong account, unknown bucket, region mismatch) is 3',
  interruptible: true,
  flagOf: { bucket: 'bucket', synthDir: 'synth-dir' },
  async run(values, { output, signal }) {
    const config = loadConfig();
    const stacks = await synthesizedStacks(config, values['synth-dir']);
    const session = createCheckSession(checkSessionOptions(values, config));
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
    return summaryOf(report).failed === 0 ? EXIT_OK : EXIT_PROBLEM;
  },
};

export const main = commandMain(command);
if (require.main === module) runMain(command);
