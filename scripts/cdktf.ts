import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { userCliConfigExists, writeCliConfig } from '../terraform/cli-config';

// Runs the cdktf CLI with a Terraform CLI config that exists: where TF_CLI_CONFIG_FILE names a
// missing file, Terraform (which cdktf runs to probe versions) warns on every call. A user's own
// existing config is left alone. Usage: tsx scripts/cdktf.ts synth [cdktf args...]
const env: NodeJS.ProcessEnv = { ...process.env, CHECKPOINT_DISABLE: '1' };
if (!userCliConfigExists(env)) {
  const file = join(process.cwd(), 'node_modules', '.cache', 's3-bastion-backup', 'terraform.tfrc');
  env.TF_CLI_CONFIG_FILE = writeCliConfig(file).file;
}
const child = spawn('cdktf', process.argv.slice(2), { env, stdio: 'inherit' });
child.on('error', (error) => {
  console.error(`cannot run cdktf: ${error.message}`);
  process.exitCode = 1;
});
child.on('close', (code) => {
  process.exitCode = code ?? 1;
});
