// The cdktf app (cdktf.json `app`, run by `npm run synth`): load the config (BASTION_CONFIG or the
// example), validate it before anything is written, build the stacks, synthesize.
import { App } from 'cdktf';
import { EXIT_OK } from '../cli/exit-codes';
import { CONFIG_ENV, OUTDIR_ENV } from '../cli/help';
import { type Command, runMain } from '../cli/runtime';
import { removePreviousSynthesis } from '../cli/synth-config';
import { loadConfig } from '../config';
import { validateConfig } from '../config/validate';
import { buildApp } from '../stacks/app';

const command: Command<Record<never, never>> = {
  name: 'cdktf-app',
  usage: 'npm run synth (cdktf runs this app: npx tsx scripts/cdktf-app.ts)',
  description:
    'Synthesizes one Terraform stack per account and region of the config into CDKTF_OUTDIR. A config with mistakes writes nothing and lists every mistake.',
  flags: {},
  env: [CONFIG_ENV, OUTDIR_ENV],
  problem: 'not used',
  run() {
    // First: a synth that fails must not leave the previous stacks looking current. Then the
    // config, validated before the App exists (the App creates its output directory).
    removePreviousSynthesis(process.env.CDKTF_OUTDIR ?? 'cdktf.out');
    const config = validateConfig(loadConfig());
    const app = new App();
    buildApp(app, config);
    app.synth();
    return EXIT_OK;
  },
};

runMain(command);
