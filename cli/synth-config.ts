import { rmSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** What `cdktf synth` writes into its outdir. */
const SYNTH_OUTPUT = ['stacks', 'manifest.json'];

/**
 * The first step of every synth: remove the previous stacks, so that a synth that then fails
 * (a config with mistakes) does not leave them looking current.
 */
export function removePreviousSynthesis(outdir: string): void {
  for (const stale of SYNTH_OUTPUT) {
    rmSync(join(resolve(outdir), stale), { recursive: true, force: true });
  }
}
