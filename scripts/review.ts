// `npm run review`: the security review of what `npm run synth` would deploy (review/).
import { resolve } from 'node:path';
import { EXIT_OK, EXIT_PROBLEM } from '../cli/exit-codes';
import { CONFIG_ENV, OUTDIR_ENV } from '../cli/help';
import { type Command, runMain } from '../cli/runtime';
import { loadConfig } from '../config';
import { validateConfig } from '../config/validate';
import { runReview } from '../review/run-review';

const command: Command<Record<never, never>> = {
  name: 'review',
  usage: 'npm run review',
  description:
    'Synthesizes the stacks, reads every IAM document back from the output, evaluates every actor and S3 action against them with an IAM policy evaluator and writes SECURITY-REVIEW.md next to the stacks.',
  flags: {},
  env: [CONFIG_ENV, OUTDIR_ENV],
  problem: 'an invariant fails (the findings are in the report)',
  async run(_values, { output }) {
    const config = validateConfig(loadConfig());
    const outdir = resolve(process.env.CDKTF_OUTDIR ?? 'cdktf.out');
    const { ok, reportPath } = await runReview(config, outdir);
    output.stdout.write(
      `${ok ? 'Every invariant holds' : 'FINDINGS: an invariant fails'}; report: ${reportPath}\n`,
    );
    return ok ? EXIT_OK : EXIT_PROBLEM;
  },
};

runMain(command);
