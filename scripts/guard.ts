/**
 * Refuses a Terraform plan that weakens a backup bucket. Thin entry over guard/run.ts.
 *
 *   npm run guard -- --plan plan.json [--floor floor.json]
 */
import { parseFlags, requireFlag } from '../cli/args';
import { EXIT_OK, type Output, reportError, runMain } from '../cli/runtime';
import { loadConfig } from '../config';
import { runGuard } from '../guard/run';

const USAGE = `usage: npm run guard -- --plan <plan.json> [--floor <floor.json>]

Reads the JSON of a Terraform plan of any stack (terraform show -json <planfile>, or the JSON
plan that Terraform Cloud offers for a run) and refuses it when it weakens a backup bucket: a
bucket policy that lets any actor do more than expected, a Deny guardrail removed or loosened,
versioning not Enabled, a public access block setting off, ownership not BucketOwnerEnforced,
Object Lock removed or shortened, a backup bucket, its policy, its lifecycle or the replica KMS
key destroyed or replaced, a retention below the floor, code that runs during plan or apply.

  --plan FILE    the plan as JSON (required)
  --floor FILE   JSON: {"noncurrentVersionRetentionDays": N, "objectLockDays": M}; objectLockDays
                 is optional. Without it: noncurrent versions kept at least 7 days.
  -h, --help     this text

Environment: BASTION_CONFIG, the module that exports the deployment's config (default: the
example). Use the backup team's trusted checkout and config, never the pull request's.

Exit codes: 0 the plan is safe (one summary line); 1 refused (one line per reason, then the
summary); 2 usage error, a file that is not a plan, a bad floor file or config; 70 internal error.
`;

const FLAGS = {
  plan: { type: 'string' },
  floor: { type: 'string' },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

export async function main(argv: string[], output: Output = process): Promise<number> {
  try {
    const values = parseFlags(argv, FLAGS);
    if (values.help) {
      output.stdout.write(USAGE);
      return EXIT_OK;
    }
    const planPath = requireFlag(values.plan, 'plan');
    return await runGuard({ planPath, floorPath: values.floor, config: loadConfig() }, output);
  } catch (error) {
    return reportError('guard', error, output);
  }
}

if (require.main === module) runMain(() => main(process.argv.slice(2)));
