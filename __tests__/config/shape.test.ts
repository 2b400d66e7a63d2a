import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exampleConfig } from '../../config';
import { findAllConfigProblems } from '../../config/validate';
import { shapeProblems } from '../../config/validate/shape';

// Config mistakes in shape (issue 15): a typo'd key, a missing required key, a wrong export, a
// wrong BASTION_CONFIG path. Each is reported like every other config problem (path, value,
// rule, all at once), through the real entries, with exit 2 and no stack trace; and a failed
// synth leaves no previous stacks behind.

const root = join(__dirname, '..', '..');
const tsx: string = require.resolve('tsx/cli');

describe('shapeProblems', () => {
  it('accepts the example config', () => {
    expect(shapeProblems(exampleConfig)).toEqual([]);
  });

  it('reports an unknown key with the key it probably meant', () => {
    const [assets] = exampleConfig.sourceBuckets;
    const { backupRegion, ...rest } = assets;
    const config = { ...exampleConfig, sourceBuckets: [{ ...rest, backupRegon: backupRegion }] };
    expect(shapeProblems(config)).toEqual([
      {
        path: 'sourceBuckets[0].backupRegon',
        value: 'us-west-2',
        rule: "unknown key: did you mean 'backupRegion'?",
      },
    ]);
  });

  it('reports missing required keys and wrong types, every one at once', () => {
    const rest: Record<string, unknown> = { ...exampleConfig };
    delete rest.backfillPrincipalArns;
    const config = {
      ...rest,
      primary: { accountId: 111111111111 },
      alerts: { emailAddresses: 'oncall@example.com' },
      sourceBuckets: [{ ...exampleConfig.sourceBuckets[0], replicationTimeControl: 'yes' }],
    };
    expect(shapeProblems(config)).toEqual([
      { path: 'primary.accountId', value: 111111111111, rule: 'must be a string, not a number' },
      {
        path: 'sourceBuckets[0].replicationTimeControl',
        value: 'yes',
        rule: 'must be a boolean, not a string',
      },
      { path: 'backfillPrincipalArns', value: undefined, rule: 'required, but missing' },
      {
        path: 'alerts.emailAddresses',
        value: 'oncall@example.com',
        rule: 'must be a list of strings, not a string',
      },
    ]);
  });

  it('reports shape and rule problems together, once per path, without crashing', () => {
    const rest: Record<string, unknown> = { ...exampleConfig };
    delete rest.backfillPrincipalArns;
    const problems = findAllConfigProblems({ ...rest, backup: { accountId: '2' } });
    expect(problems).toEqual([
      { path: 'backfillPrincipalArns', value: undefined, rule: 'required, but missing' },
      { path: 'backup.accountId', value: '2', rule: expect.stringMatching(/12 digits/) as string },
    ]);
  });
});

describe('config mistakes through the real entries', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'bastion-shape-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const write = (name: string, body: string): string => {
    const file = join(dir, name);
    writeFileSync(file, `import { exampleConfig } from '${root}/config';\n${body}\n`);
    return file;
  };

  /** Runs the cdktf app over an outdir that holds a previous synthesis. */
  function synthApp(bastionConfig: string) {
    const outdir = join(dir, 'cdktf.out');
    mkdirSync(join(outdir, 'stacks', 'backup-us-west-2'), { recursive: true });
    writeFileSync(join(outdir, 'stacks', 'backup-us-west-2', 'cdk.tf.json'), '{}');
    writeFileSync(join(outdir, 'manifest.json'), '{}');
    writeFileSync(join(outdir, 'SECURITY-REVIEW.md'), '# review of an earlier config');
    const run = spawnSync(process.execPath, [tsx, join(root, 'scripts', 'cdktf-app.ts')], {
      cwd: dir,
      env: { ...process.env, BASTION_CONFIG: bastionConfig, CDKTF_OUTDIR: outdir },
      encoding: 'utf8',
    });
    return { ...run, outdir };
  }

  function expectConfigProblem(
    run: ReturnType<typeof synthApp>,
    problems: readonly string[],
  ): void {
    expect(run.status).toBe(2);
    const count = problems.length;
    expect(run.stderr).toContain(`The config has ${count} problem${count === 1 ? '' : 's'}:`);
    for (const line of problems) expect(run.stderr).toContain(line);
    // Printed once, and no stack trace.
    expect(run.stderr.split('The config has').length).toBe(2);
    expect(run.stderr).not.toMatch(/^\s+at /m);
    expect(run.stderr).not.toMatch(/TypeError|MODULE_NOT_FOUND/);
    // The previous synthesis is gone: nothing looks current.
    expect(existsSync(join(run.outdir, 'stacks'))).toBe(false);
    expect(existsSync(join(run.outdir, 'manifest.json'))).toBe(false);
    expect(existsSync(join(run.outdir, 'SECURITY-REVIEW.md'))).toBe(false);
  }

  it('a typo in a key (backupRegon) instead of putting the backup in the production region', () => {
    const file = write(
      'typo.ts',
      `const [a, b] = exampleConfig.sourceBuckets;
       const { backupRegion, ...rest } = b;
       export const config = { ...exampleConfig, sourceBuckets: [a, { ...rest, backupRegon: 'us-west-2' }] };`,
    );
    expectConfigProblem(synthApp(file), [
      `sourceBuckets[1].backupRegon = "us-west-2": unknown key: did you mean 'backupRegion'?`,
    ]);
  });

  it('a missing required key instead of a TypeError', () => {
    const file = write(
      'missing.ts',
      `const { backfillPrincipalArns, ...rest } = exampleConfig;
       export const config = rest;`,
    );
    expectConfigProblem(synthApp(file), [
      'backfillPrincipalArns = undefined: required, but missing',
    ]);
  });

  it('`export default config` instead of a TypeError', () => {
    const file = write('default.ts', 'export default exampleConfig;');
    expectConfigProblem(synthApp(file), [
      'must export `config` (a BastionConfig); it has a default export: write `export const config: BastionConfig = { ... }` instead',
    ]);
  });

  it('a BASTION_CONFIG path that names no file instead of MODULE_NOT_FOUND', () => {
    expectConfigProblem(synthApp('configs/prod.ts'), [
      `BASTION_CONFIG = "configs/prod.ts": names no file (looked for ${join(dir, 'configs', 'prod.ts')})`,
    ]);
  });

  it('a module that does not load: its first error line, no stack', () => {
    const file = write('broken.ts', 'export const config = {;');
    const run = synthApp(file);
    expectConfigProblem(run, ['the module does not load: Transform failed with 1 error: ']);
    expect(run.stderr).toContain('broken.ts:2:23: ERROR: Expected identifier');
  });

  it('npm run synth reports it once, with exit 2, before cdktf runs', () => {
    const file = write('default.ts', 'export default exampleConfig;');
    mkdirSync(join(dir, 'cdktf.out', 'stacks', 'old'), { recursive: true });
    const run = spawnSync(process.execPath, [tsx, join(root, 'scripts', 'cdktf.ts'), 'synth'], {
      cwd: dir,
      env: { ...process.env, BASTION_CONFIG: file },
      encoding: 'utf8',
    });
    expect(run.status).toBe(2);
    expect(run.stderr.split('The config has 1 problem').length).toBe(2);
    expect(run.stdout).not.toContain('Synthesizing');
    expect(existsSync(join(dir, 'cdktf.out', 'stacks'))).toBe(false);
  });
});
