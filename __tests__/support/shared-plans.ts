import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { OfflineStackResult, planOffline } from '../../terraform/plan-offline';
import { synthesizedStackFiles } from '../../terraform/synth';
import { TerraformWorkspace } from '../../terraform/workspace';

/**
 * Offline plans shared by the test files of one jest run. An offline plan of a stack (init,
 * validate, plan, show -json: real Terraform, as `npm run plan:offline` does) costs about twenty
 * seconds of CPU; test files that plan the same synthesized stack get the one result. Entries are
 * keyed by the stack's name and the SHA-256 of its synthesized file, live in the directory jest's
 * globalSetup names in SHARED_PLANS_ENV, and go with it at the end of the run: a result never
 * outlives the run that planned it. Without that variable (a script outside jest) every call plans.
 */
export const SHARED_PLANS_ENV = 'BASTION_TEST_SHARED_PLANS';

const POLL_MS = 250;
const WAIT_LIMIT_MS = 15 * 60_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Runs `plan` for the entry unless another jest worker has or is making it. The worker that makes
 * the directory `<entry>.lock` plans; the others wait for the entry, written to a temporary name
 * and renamed into place, so a reader never sees half of it. A lock whose process is gone (a
 * worker that crashed) is taken over.
 */
async function once(
  entry: string,
  plan: () => Promise<OfflineStackResult>,
): Promise<OfflineStackResult> {
  const lock = `${entry}.lock`;
  const owner = join(lock, 'pid');
  for (const started = Date.now(); ;) {
    if (existsSync(entry)) return JSON.parse(readFileSync(entry, 'utf8')) as OfflineStackResult;
    try {
      mkdirSync(lock);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const pid = Number(existsSync(owner) ? readFileSync(owner, 'utf8') : NaN);
      if (Number.isInteger(pid) && !alive(pid)) rmSync(lock, { recursive: true, force: true });
      if (Date.now() - started > WAIT_LIMIT_MS) {
        throw new Error(`waited ${WAIT_LIMIT_MS / 60_000} minutes for ${entry} (lock ${lock})`);
      }
      await sleep(POLL_MS);
      continue;
    }
    try {
      writeFileSync(owner, String(process.pid));
      const result = await plan();
      const partial = `${entry}.${process.pid}.partial`;
      writeFileSync(partial, JSON.stringify(result));
      renameSync(partial, entry);
      return result;
    } finally {
      rmSync(lock, { recursive: true, force: true });
    }
  }
}

/**
 * planOffline for the stacks synthesized in `outdir` (all, or those `stacks` names), each stack
 * planned at most once per jest run. A stack planned here is planned in `workspace`, as
 * planOffline would; a shared result has no files in it.
 */
export async function planOfflineShared(
  outdir: string,
  workspace: TerraformWorkspace,
  options: { stacks?: readonly string[] } = {},
): Promise<OfflineStackResult[]> {
  const shared = process.env[SHARED_PLANS_ENV];
  const results: OfflineStackResult[] = [];
  for (const { name, file } of synthesizedStackFiles(outdir)) {
    if (options.stacks && !options.stacks.includes(name)) continue;
    // planOffline plans every stack of an outdir: this one alone gets an outdir of its own.
    const alone = join(workspace.root, 'shared-plan-input', name);
    const plan = async () => {
      mkdirSync(join(alone, 'stacks', name), { recursive: true });
      writeFileSync(join(alone, 'stacks', name, basename(file)), readFileSync(file));
      const [result] = await planOffline(alone, workspace);
      return result;
    };
    if (shared === undefined) {
      results.push(await plan());
      continue;
    }
    const digest = createHash('sha256')
      .update(`${name}\0${basename(file)}\0`)
      .update(readFileSync(file))
      .digest('hex');
    results.push(await once(join(shared, `${name}-${digest}.json`), plan));
  }
  return results;
}
