// `npm run guard`: refuses a Terraform plan that weakens a backup bucket (guard/).
import { EXIT_OK, EXIT_PROBLEM } from '../cli/exit-codes';
import { CONFIG_ENV } from '../cli/help';
import { type Command, commandMain, runMain } from '../cli/runtime';
import { UsageError } from '../cli/errors';
import { loadConfig } from '../config';
import { validateConfig } from '../config/validate';
import { BUILT_IN_FLOOR, readFloorFile } from '../guard/floor';
import { formatRefusal, guardPlan } from '../guard/guard';
import { readPlanFile } from '../guard/plan-file';

const command = {
  name: 'guard',
  usage: 'npm run guard -- --plan <plan.json> [--floor <floor.json>]',
  description:
    "Reads the JSON of a Terraform plan of any stack (terraform show -json <planfile>, or the JSON plan Terraform Cloud serves for a run) and refuses it when it weakens a backup bucket: a bucket policy that lets any actor do more than expected, a Deny guardrail removed or loosened, versioning not Enabled, a public access block setting off, ownership not BucketOwnerEnforced, Object Lock removed or shortened, a backup bucket, its policy, lifecycle or the replica KMS key destroyed or replaced, a retention below the floor, code that runs during plan or apply. Run it from a trusted checkout with the deployment config, never the pull request's.",
  flags: {
    plan: { type: 'string', value: 'FILE', description: 'the plan as JSON (required)' },
    floor: {
      type: 'string',
      value: 'FILE',
      description:
        'JSON {"noncurrentVersionRetentionDays": N, "objectLockDays": M} (objectLockDays optional); default: noncurrent versions kept at least 7 days',
    },
  },
  env: [CONFIG_ENV],
  problem: 'the plan is refused: one line per reason, then the summary',
  async run(values, { output }) {
    if (values.plan === undefined) throw new UsageError('missing required --plan');
    const config = validateConfig(loadConfig());
    const plan = readPlanFile(values.plan);
    const floor = values.floor === undefined ? BUILT_IN_FLOOR : readFloorFile(values.floor);
    const result = await guardPlan(plan, config, floor);
    for (const refusal of result.refusals) output.stdout.write(`${formatRefusal(refusal)}\n`);
    output.stdout.write(`guard: ${result.summary}\n`);
    return result.refusals.length === 0 ? EXIT_OK : EXIT_PROBLEM;
  },
} satisfies Command<{
  plan: { type: 'string'; value: string; description: string };
  floor: { type: 'string'; value: string; description: string };
}>;

export const main = commandMain(command);
if (require.main === module) runMain(command);
