// `npm run bench:diff-memory`: peak memory of the streaming diff (bench/diff-memory.ts).
import { positiveIntegerFlag } from '../cli/args';
import { EXIT_OK } from '../cli/exit-codes';
import { type Command, runMain } from '../cli/runtime';
import { benchDiffMemory } from '../bench/diff-memory';

const FLAGS = {
  keys: { type: 'string', value: 'N', description: 'keys per side (default 1000000)' },
  collect: {
    type: 'boolean',
    default: false,
    description: 'run the naive diff instead (both listings into memory, then a Set lookup)',
  },
} as const;

const command: Command<typeof FLAGS> = {
  name: 'bench:diff-memory',
  usage: 'npm run bench:diff-memory -- [--keys N] [--collect]',
  description:
    'Benchmark, not a test: peak memory of the streaming diff over N listed keys per side, through the real SDK listing code against a synthetic ListObjectsV2 server (the destination lacks every 10th key). Prints one JSON line.',
  flags: FLAGS,
  env: [],
  problem: 'not used',
  async run(values) {
    const keys = positiveIntegerFlag(values.keys, 'keys', 1_000_000);
    await benchDiffMemory({ keys, collect: values.collect });
    return EXIT_OK;
  },
};

runMain(command);
