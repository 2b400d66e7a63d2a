import { spawn } from 'node:child_process';
import { CommandFailedError } from '../cli/errors';

/** Running the terraform binary: async, output collected, with an environment of our own. */

export interface RunResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Terraform exited non-zero: a refused plan or config, exit 1 in the CLI. */
export class TerraformError extends CommandFailedError {
  constructor(
    public readonly args: readonly string[],
    public readonly result: RunResult,
  ) {
    super(
      `terraform ${args.join(' ')} exited with ${result.code}:\n${(result.stderr || result.stdout).trim()}`,
    );
    this.name = 'TerraformError';
  }
}

/** The terraform executable: TERRAFORM_BINARY if set, else `terraform` on PATH. */
export function terraformBinary(env: NodeJS.ProcessEnv = process.env): string {
  return env.TERRAFORM_BINARY ?? 'terraform';
}

export interface EnvOptions {
  /** TF_CLI_CONFIG_FILE. */
  readonly cliConfigFile: string;
  /** TF_DATA_DIR: where init puts `.terraform`, so that nothing is written next to the config. */
  readonly dataDir?: string;
  /**
   * No AWS account and no network: drop every AWS_* variable (no profile, no real keys) and send
   * any HTTP(S) request to a closed loopback port, so that a provider call fails at once instead
   * of reaching AWS or hanging.
   */
  readonly offline?: boolean;
}

/** Port 9 (discard) on loopback: nothing listens there, a connection is refused at once. */
export const CLOSED_PROXY = 'http://127.0.0.1:9';

export function terraformEnv(
  options: EnvOptions,
  base: NodeJS.ProcessEnv = process.env,
): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(base)) {
    if (options.offline && (/^AWS_/.test(key) || /^(https?|no|all)_proxy$/i.test(key))) continue;
    if (key === 'TF_DATA_DIR' || key === 'TF_CLI_CONFIG_FILE' || key === 'TERRAFORM_CONFIG')
      continue;
    env[key] = value;
  }
  env.CHECKPOINT_DISABLE = '1';
  env.TF_IN_AUTOMATION = '1';
  env.TF_INPUT = '0';
  env.TF_CLI_CONFIG_FILE = options.cliConfigFile;
  if (options.dataDir) env.TF_DATA_DIR = options.dataDir;
  if (options.offline) {
    env.HTTPS_PROXY = CLOSED_PROXY;
    env.HTTP_PROXY = CLOSED_PROXY;
    env.AWS_EC2_METADATA_DISABLED = 'true';
    env.AWS_CONFIG_FILE = '/dev/null';
    env.AWS_SHARED_CREDENTIALS_FILE = '/dev/null';
  }
  return env;
}

/** Runs terraform; rejects with a TerraformError on a non-zero exit unless `allowFailure`. */
export function runTerraform(
  args: readonly string[],
  options: { cwd: string; env: NodeJS.ProcessEnv; allowFailure?: boolean },
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(terraformBinary(options.env), [...args], {
      cwd: options.cwd,
      env: options.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', (e) =>
      reject(new Error(`cannot run ${terraformBinary(options.env)}: ${e.message}`)),
    );
    child.on('close', (code) => {
      const result = {
        code: code ?? 1,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
      };
      if (result.code !== 0 && !options.allowFailure) reject(new TerraformError(args, result));
      else resolve(result);
    });
  });
}
