import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { CommandFailedError, InputError } from '../../cli/errors';
import { synthesizeProject } from '../synth';
import { diffSynthesized, type SynthesisDiff } from './model';

/** The base ref of a PR diff, checked out in a temporary git worktree and synthesized there. */

function git(cwd: string, args: readonly string[]): string {
  const result = spawnSync('git', [...args], { cwd, encoding: 'utf8' });
  if (result.status !== 0) {
    throw new CommandFailedError(
      `git ${args.join(' ')} failed in ${cwd}:\n${result.stderr || result.stdout}`,
    );
  }
  return result.stdout;
}

/**
 * Runs `body` on a temporary detached git worktree of `ref` that shares the checkout's
 * node_modules, and removes the worktree afterwards, whatever happens.
 */
export async function withWorktree<T>(
  repoDir: string,
  ref: string,
  body: (worktree: string, temp: string) => Promise<T>,
): Promise<T> {
  const commit = spawnSync('git', ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], {
    cwd: repoDir,
    encoding: 'utf8',
  }).stdout.trim();
  if (commit === '') throw new InputError(`base '${ref}' names no commit in ${repoDir}`, 'base');
  const temp = mkdtempSync(join(tmpdir(), 'bastion-diff-'));
  const worktree = join(temp, 'base');
  try {
    git(repoDir, ['worktree', 'add', '--detach', worktree, commit]);
    const modules = join(repoDir, 'node_modules');
    if (existsSync(modules)) symlinkSync(modules, join(worktree, 'node_modules'), 'dir');
    return await body(worktree, temp);
  } finally {
    if (existsSync(worktree)) {
      spawnSync('git', ['worktree', 'remove', '--force', worktree], { cwd: repoDir });
    }
    spawnSync('git', ['worktree', 'prune'], { cwd: repoDir });
    rmSync(temp, { recursive: true, force: true });
  }
}

/**
 * The config file BASTION_CONFIG names, as seen from the base worktree: its path relative to the
 * repository when the base checkout lacks it (the pull request that adds it), else undefined. A
 * file outside the repository is the same file for both sides.
 */
function configMissingAt(
  repoDir: string,
  worktree: string,
  configPath: string | undefined,
): string | undefined {
  if (!configPath) return undefined;
  const inRepo = relative(repoDir, resolve(repoDir, configPath));
  if (inRepo.startsWith('..') || isAbsolute(inRepo)) return undefined;
  return existsSync(join(worktree, inRepo)) ? undefined : inRepo;
}

/**
 * Synthesizes `base` (a git ref) in a temporary worktree and the working tree as it is, then
 * diffs the two.
 */
export async function diffAgainstRef(options: {
  repoDir: string;
  base: string;
  env?: NodeJS.ProcessEnv;
}): Promise<SynthesisDiff> {
  const repoDir = resolve(options.repoDir);
  return withWorktree(repoDir, options.base, async (worktree, temp) => {
    const baseOut = join(temp, 'base.out');
    const headOut = join(temp, 'head.out');
    const env = options.env ?? process.env;
    const missing = configMissingAt(repoDir, worktree, env.BASTION_CONFIG);
    if (missing === undefined) {
      await synthesizeProject({ projectDir: worktree, outdir: baseOut, env });
    }
    await synthesizeProject({ projectDir: repoDir, outdir: headOut, env });
    const diff = await diffSynthesized(missing === undefined ? baseOut : undefined, headOut);
    if (missing === undefined) return diff;
    return {
      ...diff,
      baseNote:
        `${options.base} has no ${missing} (BASTION_CONFIG): this pull request adds the ` +
        'deployment, so it is compared against an empty one and every resource is new.',
    };
  });
}
