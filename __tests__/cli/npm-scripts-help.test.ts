/**
 * `--help` of every `npm run` script, as a user meets it: the npm run form under the script's own
 * name, every flag (each one it lists is one its parser accepts; the parser and the help come from
 * the same flag table, so none can be parsed without being listed), the environment variables it
 * reads, the exit codes, and no internal `tsx scripts/...` path.
 */
import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { forEachBounded } from '../../s3/engine/pool';

const root = join(__dirname, '..', '..');
const packageScripts = (
  JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
    scripts: Record<string, string>;
  }
).scripts;
/** npm script name -> its entry in scripts/ (the test, lint and shell scripts have none). */
const entries = Object.entries(packageScripts).flatMap(([name, line]) => {
  const entry = /\btsx (scripts\/[\w-]+\.ts)/.exec(line)?.[1];
  return entry === undefined ? [] : [[name, entry] as const];
});

/** The environment variables a user must see in `--help`, by what the command reads. */
const READS_CONFIG = ['synth', 'review', 'diff', 'plan:offline', 'synth:hcl', 'restore'];
const TALKS_TO_AWS = ['backfill', 'verify', 'restore', 'check-deployment'];

interface Run {
  readonly code: number | null;
  readonly stdout: string;
}

function run(entry: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env) {
  const child = spawn(process.execPath, ['--import', 'tsx', entry, ...args], { cwd: root, env });
  let stdout = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  return new Promise<Run>((resolve) => child.on('close', (code) => resolve({ code, stdout })));
}

/** The flags a help text lists: `--name` and whether it takes a value. */
function listedFlags(help: string): { name: string; takesValue: boolean }[] {
  const options = help.split(/^Options:$/m)[1]?.split(/^\S/m)[0] ?? '';
  return [...options.matchAll(/^ {2}(?:-\w, | {4})--([\w-]+)( \S+)?/gm)].map((m) => ({
    name: m[1],
    takesValue: m[2] !== undefined,
  }));
}

describe('--help of every npm run script', () => {
  const helps = new Map<string, string>();

  beforeAll(async () => {
    await forEachBounded(entries, 4, async ([name, entry]) => {
      const { code, stdout } = await run(entry, ['--help']);
      expect({ name, code }).toEqual({ name, code: 0 });
      helps.set(name, stdout);
    });
  }, 180_000);

  it('covers every script that runs an entry', () => {
    expect(entries.map(([name]) => name)).toEqual(
      expect.arrayContaining(['synth', 'review', 'diff', 'plan:offline', 'synth:hcl', 'backfill']),
    );
    expect(helps.size).toBe(entries.length);
  });

  it.each(entries)('%s: the npm run form under its own name, no internal tsx path', (name) => {
    const help = helps.get(name) ?? '';
    expect(help.split('\n')[0]).toMatch(new RegExp(`^usage: npm run ${name}( |$)`));
    expect(help).not.toMatch(/\btsx\b|scripts\/[\w-]+\.ts/);
    // More than a line: a description, the options and the exit codes.
    expect(help.split('\n').length).toBeGreaterThan(12);
    expect(help).toMatch(/^Options:$/m);
    expect(help).toMatch(/^Exit codes:\n {2}0 +ok\n/m);
  });

  it.each(entries)('%s: lists the environment variables it reads', (name) => {
    const environment = (helps.get(name) ?? '').split(/^Environment:$/m)[1] ?? '';
    if (READS_CONFIG.includes(name)) expect(environment).toMatch(/^ {2}BASTION_CONFIG /m);
    if (TALKS_TO_AWS.includes(name)) {
      expect(environment).toMatch(/AWS_PROFILE/);
      expect(environment).toMatch(/AWS_REGION/);
    }
  });

  it('every flag a help lists is accepted by its parser', async () => {
    await forEachBounded(entries, 4, async ([name, entry]) => {
      const flags = listedFlags(helps.get(name) ?? '');
      expect({ name, flags: flags.map((f) => f.name) }).toEqual({
        name,
        flags: expect.arrayContaining(['help']),
      });
      const args = flags
        // verify's --inventory and restore's --engine switch to another command with flags of
        // its own (its own --help).
        .filter(
          (f) =>
            f.name !== 'help' &&
            !(name === 'verify' && f.name === 'inventory') &&
            !(name === 'restore' && f.name === 'engine'),
        )
        .flatMap((f) => (f.takesValue ? [`--${f.name}`, 'x'] : [`--${f.name}`]));
      // Strict parsing refuses an unknown flag with exit 2; --help answers once all are parsed.
      const { code } = await run(entry, [...args, '--help']);
      expect({ name, code }).toEqual({ name, code: 0 });
    });
  }, 180_000);
});

describe('npm run synth off a terminal', () => {
  it('asks cdktf for plain lines instead of a redrawn spinner (CI mode)', async () => {
    // A stand-in `cdktf` on PATH reports the environment it was started with; measured with the
    // real one: a synth piped to a file wrote 321 lines of spinner frames and cursor moves, in CI
    // mode 55 lines and no frame.
    const bin = mkdtempSync(join(tmpdir(), 'cdktf-stand-in-'));
    try {
      const stub = join(bin, 'cdktf');
      writeFileSync(stub, '#!/bin/sh\necho "CI=${CI:-unset} args=$*"\n');
      chmodSync(stub, 0o755);
      // Not inherited: a CI runner sets CI itself, and the entry must set it on its own.
      const env: NodeJS.ProcessEnv = {
        ...process.env,
        PATH: `${bin}${delimiter}${process.env.PATH ?? ''}`,
      };
      delete env.CI;
      const { code, stdout } = await run(join('scripts', 'cdktf.ts'), ['synth'], env);
      expect(code).toBe(0);
      expect(stdout).toMatch(/^CI=1 args=synth$/m);
    } finally {
      rmSync(bin, { recursive: true, force: true });
    }
  }, 60_000);
});
