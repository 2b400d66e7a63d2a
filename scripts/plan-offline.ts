import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { planOffline } from '../terraform/plan-offline';
import { synthesizeProject } from '../terraform/synth';
import { TerraformWorkspace } from '../terraform/workspace';

// Synthesizes the app (BASTION_CONFIG is honoured, as by `npm run synth`) into a temporary
// directory, then per stack: terraform init, validate and plan offline. Prints the plan lines.
const usage = `usage: tsx scripts/plan-offline.ts [--outdir <synthesized cdktf.out>] [--keep]
  --outdir  plan an existing synthesis instead of synthesizing afresh
  --keep    keep the temporary workspace (state, plans, .terraform) and print its path`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      outdir: { type: 'string' },
      keep: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log(usage);
    return;
  }
  const started = Date.now();
  const workspace = TerraformWorkspace.create();
  try {
    console.log(
      workspace.cli.mirror
        ? `providers from the filesystem mirror ${workspace.cli.mirror}`
        : 'no provider mirror found: providers come from the registry',
    );
    let outdir = values.outdir;
    if (!outdir) {
      outdir = mkdtempSync(join(workspace.root, 'synth-'));
      await synthesizeProject({ projectDir: process.cwd(), outdir });
    }
    await planOffline(outdir, workspace, {
      onStack: (r) => console.log(`${r.stack}: ${r.summary.line}`),
    });
    console.log(`done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  } finally {
    if (values.keep) console.log(`workspace kept: ${workspace.root}`);
    else workspace.dispose();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
