import { rmSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** Name of the access report `npm run review` writes next to the stacks it read. */
export const SECURITY_REVIEW_FILE = 'SECURITY-REVIEW.md';

/**
 * What `cdktf synth` writes into its outdir, and the review report derived from it: a report of
 * an earlier config left beside no stacks would read as the review of the current one.
 */
const SYNTH_OUTPUT = ['stacks', 'manifest.json', SECURITY_REVIEW_FILE];

/**
 * The first step of every synth: remove the previous stacks and their review, so that a synth
 * that then fails (a config with mistakes) does not leave them looking current.
 */
export function removePreviousSynthesis(outdir: string): void {
  for (const stale of SYNTH_OUTPUT) {
    rmSync(join(resolve(outdir), stale), { recursive: true, force: true });
  }
}
