import { parseArgs } from 'node:util';
import { synthesizeHcl } from '../terraform/hcl';

// `cdktf synth --hcl`, cleaned into the HCL a person would write and `terraform fmt` formatted:
// valid on its own, for reviewers and for ejecting from CDKTF.
const usage = `usage: tsx scripts/synth-hcl.ts [--outdir cdktf.out]`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      outdir: { type: 'string', default: 'cdktf.out' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log(usage);
    return;
  }
  const files = await synthesizeHcl({ projectDir: process.cwd(), outdir: values.outdir });
  for (const file of files) console.log(`wrote ${file}`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
