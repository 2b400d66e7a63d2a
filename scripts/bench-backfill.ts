// `npm run bench:backfill`: the backfill against aws s3 sync and rclone (bench/backfill-bench.ts).
import { positiveIntegerFlag } from '../cli/args';
import { EXIT_OK } from '../cli/exit-codes';
import { S3_SERVER_ENV } from '../cli/help';
import { type Command, runMain } from '../cli/runtime';
import { benchBackfill } from '../bench/backfill-bench';

const FLAGS = {
  objects: {
    type: 'string',
    value: 'N',
    description: 'objects of 1 KiB in the data set (default 5000)',
  },
  runs: {
    type: 'string',
    value: 'R',
    description: 'timed runs per tool; the median counts (default 3)',
  },
  'skip-diff-memory': {
    type: 'boolean',
    default: false,
    description: 'skip the memory benchmark of the diff (bench:diff-memory)',
  },
  'keep-server': { type: 'boolean', default: false, description: 'leave the local RGW running' },
} as const;

const command: Command<typeof FLAGS> = {
  name: 'bench:backfill',
  usage: 'npm run bench:backfill -- [--objects N] [--runs R] [--skip-diff-memory] [--keep-server]',
  description:
    'Benchmark, not a test: the backfill, aws s3 sync and rclone on one data set (wall time, peak RSS, requests sent), then the memory of the diff. Installs awscli, rclone and time when missing (apt-get). Prints a Markdown report.',
  flags: FLAGS,
  env: S3_SERVER_ENV,
  problem: 'not used (a failing tool ends the benchmark with an error)',
  async run(values) {
    await benchBackfill({
      objectCount: positiveIntegerFlag(values.objects, 'objects', 5000),
      runs: positiveIntegerFlag(values.runs, 'runs', 3),
      skipDiffMemory: values['skip-diff-memory'],
      keepServer: values['keep-server'],
    });
    return EXIT_OK;
  },
};

runMain(command);
