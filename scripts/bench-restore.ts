// `npm run bench:restore`: times one point-in-time restore (bench/restore-bench.ts).
import { positiveIntegerFlag } from '../cli/args';
import { EXIT_OK, EXIT_PROBLEM } from '../cli/exit-codes';
import { S3_SERVER_ENV } from '../cli/help';
import { type Command, runMain } from '../cli/runtime';
import { benchRestore } from '../bench/restore-bench';
import { main as restoreMain } from './restore';

const FLAGS = {
  objects: { type: 'string', value: 'N', description: 'objects in the backup (default 3000)' },
  size: { type: 'string', value: 'BYTES', description: 'bytes per object (default 1024)' },
  concurrency: { type: 'string', value: 'N', description: 'copies in flight (default 128)' },
} as const;

const command: Command<typeof FLAGS> = {
  name: 'bench:restore',
  usage: 'npm run bench:restore -- [--objects N] [--size BYTES] [--concurrency N]',
  description:
    'Benchmark, not a test: a versioned bucket of N objects, a third overwritten and a sixth deleted after the restore point, restored as of that point into a fresh bucket with the default settings. Prints the timings as JSON.',
  flags: FLAGS,
  env: S3_SERVER_ENV,
  problem: 'the restore failed, or the target does not match the backup at the restore point',
  async run(values) {
    const ok = await benchRestore(
      {
        objects: positiveIntegerFlag(values.objects, 'objects', 3000),
        size: positiveIntegerFlag(values.size, 'size', 1024),
        concurrency: positiveIntegerFlag(values.concurrency, 'concurrency', 128),
      },
      restoreMain,
    );
    return ok ? EXIT_OK : EXIT_PROBLEM;
  },
};

runMain(command);
