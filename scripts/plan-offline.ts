// `npm run plan:offline`: synthesize, then per stack terraform init, validate and plan with no
// AWS account (terraform/plan-offline.ts).
import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { EXIT_OK } from '../cli/exit-codes';
import { CONFIG_ENV, TERRAFORM_ENV } from '../cli/help';
import { type Command, runMain } from '../cli/runtime';
import { planOffline } from '../terraform/plan-offline';
import { synthesizeProject } from '../terraform/synth';
import { TerraformWorkspace } from '../terraform/workspace';

const FLAGS = {
  outdir: {
    type: 'string',
    value: 'DIR',
    description: 'plan an existing synthesis (a cdktf.out) instead of synthesizing afresh',
  },
  keep: {
    type: 'boolean',
    default: false,
    description: 'keep the temporary workspace (state, plans, .terraform) and print its path',
  },
} as const;

const command: Command<typeof FLAGS> = {
  name: 'plan:offline',
  usage: 'npm run plan:offline -- [--outdir <synthesized cdktf.out>] [--keep]',
  description:
    'Synthesizes the app into a temporary directory (BASTION_CONFIG is honoured, as by npm run synth), then per stack runs terraform init, validate and plan offline. Prints one plan line per stack.',
  flags: FLAGS,
  env: [CONFIG_ENV, ...TERRAFORM_ENV],
  problem: 'terraform refused a stack (validate or plan failed)',
  async run(values, { output }) {
    const started = Date.now();
    const workspace = TerraformWorkspace.create();
    const print = (line: string) => output.stdout.write(`${line}\n`);
    try {
      print(
        workspace.cli.mirror
          ? `providers from the filesystem mirror ${workspace.cli.mirror}`
          : 'no provider mirror found: providers come from the registry',
      );
      const outdir = values.outdir ?? mkdtempSync(join(workspace.root, 'synth-'));
      if (values.outdir === undefined)
        await synthesizeProject({ projectDir: process.cwd(), outdir });
      await planOffline(outdir, workspace, {
        onStack: (r) => print(`${r.stack}: ${r.summary.line}`),
      });
      print(`done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
      return EXIT_OK;
    } finally {
      if (values.keep) print(`workspace kept: ${workspace.root}`);
      else workspace.dispose();
    }
  },
};

runMain(command);
