import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BastionConfig } from '../config';
import { validateConfig } from '../config/validate';
import { InputError } from '../cli/errors';
import { type SynthesizedStack, readSynthesizedStacks } from '../terraform/synthesized';

/**
 * The stacks the check compares the accounts with: an existing `cdktf synth` output (`--synth-dir`,
 * e.g. the one that was deployed), or the config synthesized now, in a temporary directory, as
 * `npm run synth` would. The config is validated first: every problem at once, exit 2.
 */
export async function synthesizedStacks(
  config: BastionConfig,
  synthDir: string | undefined,
): Promise<SynthesizedStack[]> {
  if (synthDir !== undefined) {
    try {
      return readSynthesizedStacks(synthDir);
    } catch (error) {
      throw new InputError(`synthDir: ${(error as Error).message}`, 'synthDir');
    }
  }
  // Loaded only here: the stack classes pull in cdktf and the provider bindings.
  const [{ App }, { buildApp }] = await Promise.all([import('cdktf'), import('../stacks/app')]);
  const outdir = mkdtempSync(join(tmpdir(), 's3-bastion-check-'));
  try {
    const app = new App({ outdir });
    buildApp(app, validateConfig(config));
    app.synth();
    return readSynthesizedStacks(outdir);
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}
