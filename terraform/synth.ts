import { spawn } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CommandFailedError, InputError } from '../cli/errors';
import { EXIT_USAGE } from '../cli/exit-codes';

/**
 * Synthesizing a project checkout the way `cdktf synth` does (its cdktf.json `app` command with
 * CDKTF_OUTDIR set), without the cdktf CLI's spinner and Terraform version probes. Works on any
 * checkout, e.g. a temporary worktree of a base ref for the PR diff.
 */
export async function synthesizeProject(options: {
  projectDir: string;
  outdir: string;
  hcl?: boolean;
  env?: NodeJS.ProcessEnv;
}): Promise<void> {
  const projectDir = resolve(options.projectDir);
  const cdktfJson = JSON.parse(readFileSync(join(projectDir, 'cdktf.json'), 'utf8')) as {
    app?: string;
    context?: Record<string, unknown>;
  };
  if (!cdktfJson.app) throw new InputError(`${projectDir}/cdktf.json names no app command`);
  const env: NodeJS.ProcessEnv = {
    ...(options.env ?? process.env),
    CHECKPOINT_DISABLE: '1',
    CDKTF_OUTDIR: resolve(options.outdir),
    SYNTH_HCL_OUTPUT: options.hcl ? 'true' : 'false',
    CDKTF_CONTEXT_JSON: JSON.stringify(cdktfJson.context ?? {}),
  };
  await new Promise<void>((done, fail) => {
    const child = spawn(cdktfJson.app as string, {
      cwd: projectDir,
      env,
      shell: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const output: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => output.push(b));
    child.stderr.on('data', (b: Buffer) => output.push(b));
    child.on('error', fail);
    child.on('close', (code) => {
      const message = `synthesis (${cdktfJson.app}) in ${projectDir} exited with ${code}:\n${Buffer.concat(output).toString('utf8')}`;
      if (code === 0) done();
      // The app exits with 2 on a bad config (cli/exit-codes.ts): an input error here too.
      else fail(code === EXIT_USAGE ? new InputError(message) : new CommandFailedError(message));
    });
  });
}

/** The stack names of a synthesized outdir, with the file Terraform reads for each. */
export function synthesizedStackFiles(
  outdir: string,
): Array<{ name: string; dir: string; file: string }> {
  const stacksDir = join(outdir, 'stacks');
  if (!existsSync(stacksDir)) {
    throw new InputError(`${stacksDir} does not exist: nothing synthesized`);
  }
  return readdirSync(stacksDir)
    .sort()
    .flatMap((name) => {
      const dir = join(stacksDir, name);
      const file = ['cdk.tf.json', 'cdk.tf'].map((f) => join(dir, f)).find((f) => existsSync(f));
      return file ? [{ name, dir, file }] : [];
    });
}
