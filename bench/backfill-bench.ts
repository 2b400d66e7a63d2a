/**
 * Benchmark: the backfill against the tools people use today, on one data set, in one run, on
 * the local RGW (scripts/test-s3-server.sh), or on AWS_ENDPOINT_URL_S3 when set. Not a test.
 *
 *   npm run bench:backfill -- [--objects N] [--runs R] [--skip-diff-memory] [--keep-server]
 *
 * For each tool: wall time (median of R runs, each into a fresh bucket), CPU and peak RSS (GNU
 * time), and requests sent (counted in one extra run through a recording proxy, not timed). Then the
 * peak memory of the diff over 1,000,000 listed keys. Installs the Debian packages awscli,
 * rclone and time when missing (apt-get; root or sudo).
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { startFaultProxy } from './fault-proxy';
import { forEachBounded } from '../s3/engine/pool';
import { verify } from '../s3/backfill/verify';
import { deleteBucket } from './scratch-buckets';

const ROOT = join(__dirname, '..');
function log(line: string): void {
  process.stderr.write(`${line}\n`);
}

function aptInstall(binary: string, pkg: string): boolean {
  if (existsSync(binary)) return true;
  log(`installing ${pkg} (apt-get)`);
  const sudo = process.getuid?.() === 0 ? [] : ['sudo'];
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const run = (args: string[]) =>
    spawnSync(sudo[0] ?? args[0], sudo.length ? args : args.slice(1), { stdio: 'inherit', env });
  run(['apt-get', 'update', '-qq']);
  run(['apt-get', 'install', '-y', '-qq', '--no-install-recommends', pkg]);
  return existsSync(binary);
}

interface Tool {
  readonly name: string;
  readonly command: (source: string, destination: string, endpoint: string) => string[];
  readonly env?: Record<string, string | undefined>;
}

interface Measurement {
  seconds: number;
  peakRssMiB: number;
  /** User + system CPU of the tool's own process tree (not the server's). */
  cpuSeconds: number;
}

/** Runs a tool under GNU time; asynchronous, so that the recording proxy in this process answers. */
async function timed(
  argv: string[],
  env: Record<string, string | undefined>,
): Promise<Measurement> {
  const child = spawn('/usr/bin/time', ['-f', '%e %M %U %S', ...argv], {
    env,
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const status = await new Promise<number | null>((resolve) => child.on('close', resolve));
  if (status !== 0) throw new Error(`${argv.join(' ')} failed: ${stderr}`);
  const last = stderr.trim().split('\n').pop() ?? '';
  const [seconds, kb, user, system] = last.split(' ').map(Number);
  return { seconds, peakRssMiB: Math.round(kb / 1024), cpuSeconds: user + system };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export interface BackfillBenchOptions {
  readonly objectCount: number;
  readonly runs: number;
  readonly skipDiffMemory: boolean;
  /** Leave the local RGW running afterwards. */
  readonly keepServer: boolean;
}

/** `npm run bench:backfill`: runs every tool on one data set and prints a Markdown report. */
export async function benchBackfill(options: BackfillBenchOptions): Promise<void> {
  const { objectCount, runs } = options;
  const external = Boolean(process.env.AWS_ENDPOINT_URL_S3);
  const serverEnv: Record<string, string> = {};
  const serverDir = process.env.S3_SERVER_DIR ?? join(tmpdir(), 's3-bastion-rgw');
  const serverWasRunning = existsSync(join(serverDir, 'run', 'rgw.fgpid'));
  if (!external) {
    const output = execFileSync(join(ROOT, 'scripts', 'test-s3-server.sh'), ['start'], {
      encoding: 'utf8',
    });
    for (const m of output.matchAll(/^export (\w+)=(.*)$/gm)) serverEnv[m[1]] = m[2];
  }
  const env: Record<string, string | undefined> = {
    ...process.env,
    ...serverEnv,
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    AWS_PAGER: '',
  };
  Object.assign(process.env, env);
  const endpoint = env.AWS_ENDPOINT_URL_S3 ?? '';
  aptInstall('/usr/bin/time', 'time');
  aptInstall('/usr/bin/aws', 'awscli');
  const haveRclone = aptInstall('/usr/bin/rclone', 'rclone');
  const client = new S3Client({ endpoint, forcePathStyle: true });

  const stamp = Date.now().toString(36);
  const source = `bench-src-${stamp}`;
  await client.send(new CreateBucketCommand({ Bucket: source }));
  log(`seeding ${objectCount} objects of 1 KiB into s3://${source}`);
  const body = Buffer.alloc(1024, 'b');
  await forEachBounded(
    Array.from({ length: objectCount }, (_, i) => i),
    32,
    async (i) => {
      await client.send(
        new PutObjectCommand({
          Bucket: source,
          Key: `p${i % 8}/object-${String(i).padStart(7, '0')}`,
          Body: body,
          ContentLength: body.length,
        }),
      );
    },
  );

  const stateDir = mkdtempSync(join(tmpdir(), 'bench-backfill-'));
  const awsTuned = join(stateDir, 'aws-config-64');
  writeFileSync(awsTuned, '[default]\ns3 =\n  max_concurrent_requests = 64\n');
  const rcloneEnv = {
    RCLONE_CONFIG_BENCH_TYPE: 's3',
    RCLONE_CONFIG_BENCH_PROVIDER: 'Ceph',
    RCLONE_CONFIG_BENCH_ACCESS_KEY_ID: env.AWS_ACCESS_KEY_ID ?? '',
    RCLONE_CONFIG_BENCH_SECRET_ACCESS_KEY: env.AWS_SECRET_ACCESS_KEY ?? '',
    RCLONE_CONFIG_BENCH_REGION: env.AWS_REGION ?? 'us-east-1',
    RCLONE_CONFIG_BENCH_ACL: 'bucket-owner-full-control',
    // rclone refuses a custom CA bundle with its own HTTP transport; the local server is plain HTTP.
    AWS_CA_BUNDLE: undefined,
  };
  const tools: Tool[] = [
    {
      name: 'npm run backfill (this project, 128 in flight)',
      command: (s, d, e) => [
        process.execPath,
        '--import',
        'tsx',
        'scripts/backfill.ts',
        ...['--source', s, '--destination', d, '--endpoint-url', e],
        ...['--json', '--state-dir', stateDir],
      ],
    },
    {
      name: 'aws s3 sync (awscli 2.9, default 10 threads)',
      command: (s, d, e) => [
        '/usr/bin/aws',
        ...['s3', 'sync', `s3://${s}`, `s3://${d}`, '--acl', 'bucket-owner-full-control'],
        ...['--only-show-errors', '--endpoint-url', e],
      ],
    },
    {
      name: 'aws s3 sync, max_concurrent_requests = 64',
      command: (s, d, e) => [
        '/usr/bin/aws',
        ...['s3', 'sync', `s3://${s}`, `s3://${d}`, '--acl', 'bucket-owner-full-control'],
        ...['--only-show-errors', '--endpoint-url', e],
      ],
      env: { AWS_CONFIG_FILE: awsTuned },
    },
  ];
  if (haveRclone) {
    tools.push({
      name: 'rclone copy (1.60, server-side, --transfers 64 --checkers 16)',
      command: (s, d, e) => [
        '/usr/bin/rclone',
        ...['copy', `bench:${s}`, `bench:${d}`, '--transfers', '64', '--checkers', '16'],
        ...['--s3-endpoint', e, '--s3-no-check-bucket'],
      ],
      env: rcloneEnv,
    });
  }

  // Round-robin over the tools, each run into a fresh bucket that is deleted afterwards: RGW
  // slows down as it fills, and that must not favour whichever tool runs first.
  const measurements = new Map<Tool, Measurement[]>(tools.map((tool) => [tool, []]));
  for (let run = 0; run < runs; run++) {
    for (const tool of tools) {
      const destination = `bench-dst-${stamp}-${tools.indexOf(tool)}-${run}`;
      await client.send(new CreateBucketCommand({ Bucket: destination }));
      const measurement = await timed(tool.command(source, destination, endpoint), {
        ...env,
        ...tool.env,
      });
      const report = await verify({ client, sourceBucket: source, destinationBucket: destination });
      if (!report.ok) throw new Error(`${tool.name} left ${report.missing.count} objects missing`);
      await deleteBucket(client, destination);
      measurements.get(tool)?.push(measurement);
      log(
        `${tool.name}: run ${run + 1}: ${measurement.seconds} s, ${measurement.cpuSeconds.toFixed(2)} s CPU, ${measurement.peakRssMiB} MiB`,
      );
    }
  }
  const rows: string[] = [];
  let baseline: number | undefined;
  let ours: number | undefined;
  for (const tool of tools) {
    const times = measurements.get(tool) ?? [];
    // One more run through a recording proxy, to count requests by method.
    const proxy = await startFaultProxy(endpoint, { recordRequests: true });
    const destination = `bench-dst-${stamp}-${tools.indexOf(tool)}-count`;
    await client.send(new CreateBucketCommand({ Bucket: destination }));
    await timed(tool.command(source, destination, proxy.url), { ...env, ...tool.env });
    await proxy.close();
    await deleteBucket(client, destination);
    const requests = proxy.requests;
    const count = (test: (r: (typeof requests)[number]) => boolean) => requests.filter(test).length;
    const copies = count((r) => r.method === 'PUT' && r.headers['x-amz-copy-source'] !== undefined);
    const lists = count((r) => r.method === 'GET' && r.url.includes('list-type=2'));
    const heads = count((r) => r.method === 'HEAD');
    const seconds = median(times.map((t) => t.seconds));
    const rss = Math.max(...times.map((t) => t.peakRssMiB));
    // Start-up (Node and tsx, Python, Go) included: CPU per object of the whole run.
    const cpuMsPerObject = (median(times.map((t) => t.cpuSeconds)) * 1000) / objectCount;
    if (tool.name.startsWith('npm run backfill')) ours = seconds;
    if (tool.name.startsWith('aws s3 sync (')) baseline = seconds;
    rows.push(
      `| ${tool.name} | ${seconds.toFixed(2)} s (${times.map((t) => t.seconds.toFixed(1)).join(', ')}) | ${Math.round(objectCount / seconds)} | ${cpuMsPerObject.toFixed(2)} ms | ${rss} MiB | ${requests.length} (${copies} copy, ${lists} list, ${heads} head, ${requests.length - copies - lists - heads} other, e.g. ListObjects v1) |`,
    );
  }

  const lines = [
    `Data set: ${objectCount} objects of 1 KiB in 8 prefixes; server: ${external ? endpoint : 'local Ceph RGW (scripts/test-s3-server.sh)'}; ${runs} runs per tool, median wall time; machine: ${cpus().length} cores, server on the same machine.`,
    '',
    '| tool | wall time, median (runs) | objects/s | CPU per object (tool) | peak RSS | requests sent |',
    '|---|---|---|---|---|---|',
    ...rows,
  ];
  if (baseline !== undefined && ours !== undefined) {
    lines.push(
      '',
      `Speed-up of the backfill over \`aws s3 sync\` (defaults): ${(baseline / ours).toFixed(2)}x`,
    );
  }
  if (!options.skipDiffMemory) {
    for (const mode of [
      ['--keys', '100000'],
      ['--keys', '1000000'],
      ['--keys', '1000000', '--collect'],
    ]) {
      log(`diff memory: ${mode.join(' ')}`);
      const out = execFileSync(
        process.execPath,
        ['--import', 'tsx', 'scripts/bench-diff-memory.ts', ...mode],
        {
          cwd: ROOT,
          env,
          encoding: 'utf8',
        },
      );
      lines.push('', '```', out.trim(), '```');
    }
  }
  process.stdout.write(`${lines.join('\n')}\n`);
  rmSync(stateDir, { recursive: true, force: true });
  await deleteBucket(client, source);
  if (!external && !serverWasRunning && !options.keepServer) {
    execFileSync(join(ROOT, 'scripts', 'test-s3-server.sh'), ['stop']);
  }
}
