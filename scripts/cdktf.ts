// `npm run synth`: the cdktf CLI with a Terraform CLI config that exists. Where TF_CLI_CONFIG_FILE
// names a missing file, Terraform (which cdktf runs to probe versions) warns on every call; a
// user's own existing config is left alone.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { CommandFailedError } from '../cli/errors';
import { CONFIG_ENV, OUTDIR_ENV, TERRAFORM_ENV } from '../cli/help';
import { type Command, runMain } from '../cli/runtime';
import { removePreviousSynthesis } from '../cli/synth-config';
import { loadConfig } from '../config';
import { validateConfig } from '../config/validate';
import { userCliConfigExists, writeCliConfig } from '../terraform/cli-config';

const command: Command<Record<never, never>> = {
  name: 'cdktf',
  usage: 'npm run synth [-- <cdktf synth flags>]',
  description:
    'Synthesizes every stack into cdktf.out/stacks/<stack>/cdk.tf.json through the cdktf CLI (npx cdktf synth --help lists its own flags), with a Terraform CLI config of its own. Off a terminal (CI, a log file) it prints its result once instead of redrawing a spinner.',
  flags: {},
  env: [CONFIG_ENV, OUTDIR_ENV, ...TERRAFORM_ENV],
  problem: 'cdktf failed (its message is above); a bad config lists every mistake',
  passThrough: true,
  run(_values, { argv }) {
    if (argv[0] === 'synth') {
      // The config's problems, told once here (exit 2), before cdktf would print them twice;
      // the previous stacks go first, so that a failed synth leaves none looking current.
      removePreviousSynthesis('cdktf.out');
      validateConfig(loadConfig());
    }
    const env: NodeJS.ProcessEnv = { ...process.env, CHECKPOINT_DISABLE: '1' };
    if (!userCliConfigExists(env)) {
      const file = join(
        process.cwd(),
        'node_modules',
        '.cache',
        's3-bastion-backup',
        'terraform.tfrc',
      );
      env.TF_CLI_CONFIG_FILE = writeCliConfig(file).file;
    }
    // cdktf's terminal UI redraws its spinner ~10 times a second; in CI mode it prints the end.
    if (!process.stdout.isTTY) env.CI ??= '1';
    const child = spawn('cdktf', [...argv], { env, stdio: 'inherit' });
    return new Promise<number>((done, fail) => {
      child.on('error', (error) =>
        fail(new CommandFailedError(`cannot run cdktf: ${error.message}`)),
      );
      child.on('close', (code) => done(code ?? 1));
    });
  },
};

runMain(command);
