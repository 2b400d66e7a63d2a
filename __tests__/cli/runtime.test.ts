import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { ConfigValidationError } from '../../config/validate';
import { CommandFailedError, InputError, UsageError } from '../../cli/errors';
import { type Command, reportError, runCommand } from '../../cli/runtime';
import { FatalS3Error, s3RunError } from '../../s3/client/errors';
import { forEachBounded } from '../../s3/engine/pool';
import { captureOutput } from '../support/cli-harness';
import { s3Error } from '../support/s3-error';

const root = join(__dirname, '..', '..');

describe('the exit-code table', () => {
  const exitOf = (error: unknown, flagOf?: Record<string, string>) => {
    const { output, chunks } = captureOutput();
    const code = reportError('tool', error, output, flagOf);
    return { code, stderr: chunks.stderr };
  };

  it('2 for a bad flag, a bad input and a bad config, naming the flag of a library option', () => {
    expect(exitOf(new UsageError('--x must be a number'))).toEqual({
      code: 2,
      stderr: 'tool: --x must be a number (see --help)\n',
    });
    expect(exitOf(new InputError('not a date', 'asOf'), { asOf: 'as-of' }).stderr).toBe(
      'tool: --as-of: not a date (see --help)\n',
    );
    expect(
      exitOf(new InputError("bucket 'b' is unknown", 'bucket'), { bucket: 'bucket' }).stderr,
    ).toBe("tool: --bucket 'b' is unknown (see --help)\n");
    const config = exitOf(new ConfigValidationError([{ path: 'a', value: 1, rule: 'r' }]));
    expect(config.code).toBe(2);
    expect(config.stderr).toContain('a = 1: r');
  });

  it('3 for an AWS error, raw, wrapped as a cause or already described', () => {
    expect(exitOf(s3Error('AccessDenied', 403)).code).toBe(3);
    expect(exitOf(new Error('listing failed', { cause: s3Error('InternalError', 500) }))).toEqual({
      code: 3,
      stderr: 'tool: listing failed\n',
    });
    expect(exitOf(new FatalS3Error('NoSuchBucket: ...', undefined)).code).toBe(3);
    expect(exitOf(Object.assign(new Error('connect'), { code: 'ECONNREFUSED' })).code).toBe(3);
  });

  it("points an S3 error to the flag of the command that failed: the bucket's region flag, --role-arn", () => {
    const redirect = Object.assign(s3Error('PermanentRedirect', 301), {
      BucketRegion: 'eu-west-1',
    });
    const wrongRegion = (bucket: string) =>
      s3RunError(redirect, { action: 's3:ListBucket', bucket }) as FatalS3Error;
    const stderrOf = (error: unknown, flags: string[], values: Record<string, string> = {}) => {
      const { output, chunks } = captureOutput();
      const specs = Object.fromEntries(
        flags.map((flag) => [flag, { type: 'string', description: flag }] as const),
      );
      reportError('tool', error, output, {}, { flags: specs, values });
      return chunks.stderr;
    };
    const restoreFlags = [
      'backup',
      'target',
      'backup-region',
      'target-region',
      'region',
      'role-arn',
    ];
    // The restore names its own flags (not the backfill's --destination-region) ...
    expect(stderrOf(wrongRegion('t'), restoreFlags, { backup: 'b', target: 't' })).toBe(
      "tool: WrongRegion: bucket 't' is in eu-west-1, not in the region the request was signed for (PermanentRedirect, s3:ListBucket on s3://t); correct or drop --target-region (without it the region is looked up)\n",
    );
    // ... every bucket region flag it has when the bucket is none of its flags' ...
    expect(stderrOf(wrongRegion('x'), restoreFlags)).toMatch(
      /correct or drop --backup-region \/ --target-region \(/,
    );
    // ... --region where that is all it has, nothing where it has none.
    expect(stderrOf(wrongRegion('x'), ['bucket', 'region'])).toMatch(
      /; pass the bucket's region with --region\n$/,
    );
    expect(stderrOf(wrongRegion('x'), ['bucket'])).toMatch(/on s3:\/\/x\)\n$/);
    const denied = s3RunError(s3Error('AccessDenied', 403), {
      action: 's3:GetObject',
      bucket: 'b',
    });
    expect(stderrOf(denied, restoreFlags)).toMatch(/; grant s3:GetObject or use --role-arn\n$/);
    expect(stderrOf(denied, ['bucket'])).toMatch(/; grant s3:GetObject\n$/);
    expect(stderrOf(s3Error('AccessDenied', 403), restoreFlags)).toMatch(/or use --role-arn\n$/);
  });

  it('1 for a failed external program, 70 with the stack for anything else (a bug)', () => {
    expect(exitOf(new CommandFailedError('terraform validate rejects stack x')).code).toBe(1);
    const bug = exitOf(new TypeError('x is undefined'));
    expect(bug.code).toBe(70);
    expect(bug.stderr).toMatch(/internal error[^]*TypeError: x is undefined\n\s+at /);
  });

  it('answers --help without running the command, and parses flags strictly', async () => {
    let ran = false;
    const command: Command<{ n: { type: 'string'; value: 'N'; description: 'a number' } }> = {
      name: 'tool',
      usage: 'npm run tool -- [--n N]',
      description: 'A tool.',
      flags: { n: { type: 'string', value: 'N', description: 'a number' } },
      env: [{ name: 'TOOL_HOME', description: 'where it lives' }],
      problem: 'it found something',
      run: () => {
        ran = true;
        return 0;
      },
    };
    const { output, chunks } = captureOutput();
    expect(await runCommand(command, ['--n', '1', '--help'], output)).toBe(0);
    expect(ran).toBe(false);
    expect(chunks.stdout).toMatch(/^usage: npm run tool -- \[--n N\]\n/);
    expect(chunks.stdout).toMatch(/--n N +a number/);
    expect(chunks.stdout).toMatch(/TOOL_HOME +where it lives/);
    expect(chunks.stdout).toMatch(/1 +the run finished but found a problem: it found something/);
    expect(await runCommand(command, ['--m'], output)).toBe(2);
    expect(ran).toBe(false);
  });
});

describe('the entries in scripts/', () => {
  const entries = readdirSync(join(root, 'scripts')).filter((f) => f.endsWith('.ts'));

  it('are thin: 60 lines at most (flag mapping and summaries live in cli/ or the library)', () => {
    for (const entry of entries) {
      const lines = readFileSync(join(root, 'scripts', entry), 'utf8').split('\n').length;
      expect({ entry, short: lines <= 60 }).toEqual({ entry, short: true });
    }
  });

  it('are the only files that run on import', () => {
    const sources = (dir: string): string[] =>
      readdirSync(join(root, dir), { withFileTypes: true, recursive: true })
        .filter((e) => e.isFile() && e.name.endsWith('.ts'))
        .map((e) => join(e.parentPath, e.name));
    const libraries = ['cli', 'config', 'policies', 'stacks', 's3', 'review', 'terraform', 'bench']
      .flatMap(sources)
      .filter((file) => file !== join(root, 'cli', 'runtime.ts'));
    expect(libraries.length).toBeGreaterThan(50);
    for (const file of libraries) {
      const text = readFileSync(file, 'utf8');
      const runs = /require\.main|process\.argv|^\s*(void\s+)?(main|runMain)\(/m.test(text);
      expect({ file: relative(root, file), runs }).toEqual({
        file: relative(root, file),
        runs: false,
      });
    }
  });

  it('answer --help with the npm run form, every flag, the environment and the exit codes, and do nothing else', async () => {
    const outdir = mkdtempSync(join(tmpdir(), 'bastion-help-'));
    try {
      await forEachBounded(entries, 4, async (entry) => {
        const child = spawn(
          process.execPath,
          ['--import', 'tsx', join('scripts', entry), '--help'],
          {
            cwd: root,
            env: { ...process.env, CDKTF_OUTDIR: join(outdir, entry) },
          },
        );
        let stdout = '';
        child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
        const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
        expect({ entry, code }).toEqual({ entry, code: 0 });
        expect(stdout).toMatch(/^usage: npm run /);
        expect(stdout).toMatch(/-h, --help +show this help/);
        expect(stdout).toMatch(
          /Exit codes:\n {2}0 +ok\n {2}1 +[^]*\n {2}2 +usage[^]*\n {2}3 [^]*\n {2}130 [^]*\n {2}70 /,
        );
        // --help writes nothing: the review and the synthesis would create the output directory.
        expect(existsSync(join(outdir, entry))).toBe(false);
      });
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  }, 120_000);
});
