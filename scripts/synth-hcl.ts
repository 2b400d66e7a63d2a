// `npm run synth:hcl`: `cdktf synth --hcl`, cleaned into the HCL a person would write and
// `terraform fmt` formatted (terraform/hcl.ts).
import { EXIT_OK } from '../cli/exit-codes';
import { CONFIG_ENV, TERRAFORM_ENV } from '../cli/help';
import { type Command, runMain } from '../cli/runtime';
import { synthesizeHcl } from '../terraform/hcl';

const FLAGS = {
  outdir: {
    type: 'string',
    default: 'cdktf.out',
    value: 'DIR',
    description: 'where the stacks go (default cdktf.out)',
  },
} as const;

const command: Command<typeof FLAGS> = {
  name: 'synth:hcl',
  usage: 'npm run synth:hcl -- [--outdir cdktf.out]',
  description:
    'Synthesizes the stacks as HCL (stacks/<stack>/cdk.tf), valid on its own: for reviewers and for ejecting from CDKTF.',
  flags: FLAGS,
  env: [CONFIG_ENV, ...TERRAFORM_ENV],
  problem: 'terraform fmt refused the output',
  async run(values, { output }) {
    const files = await synthesizeHcl({ projectDir: process.cwd(), outdir: values.outdir });
    for (const file of files) output.stdout.write(`wrote ${file}\n`);
    return EXIT_OK;
  },
};

runMain(command);
