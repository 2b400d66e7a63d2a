// `npm run bench:inventory-verify`: memory and time of verify --inventory (bench/inventory-verify.ts).
import { choiceFlag, positiveIntegerFlag } from '../cli/args';
import { EXIT_OK } from '../cli/exit-codes';
import { type Command, runMain } from '../cli/runtime';
import { benchInventoryVerify } from '../bench/inventory-verify';

const FLAGS = {
  rows: { type: 'string', default: '100000,1000000', value: 'N,N', description: 'rows per side' },
  format: {
    type: 'string',
    default: 'CSV,Parquet',
    value: 'F,F',
    description: 'CSV and/or Parquet',
  },
  dir: {
    type: 'string',
    value: 'DIR',
    description: 'where the reports are generated (default: the temp dir)',
  },
  measure: {
    type: 'string',
    value: 'DIR',
    description: 'internal: measure one folder (child process)',
  },
} as const;

const command: Command<typeof FLAGS> = {
  name: 'bench:inventory-verify',
  usage:
    'npm run bench:inventory-verify -- [--rows 100000,1000000] [--format CSV,Parquet] [--dir DIR]',
  description:
    'Benchmark, not a test: peak memory and time of verify --inventory over synthetic S3 Inventory reports of N rows per side, CSV and Parquet, each measured in a child process of its own. Prints one JSON line per run.',
  flags: FLAGS,
  env: [],
  problem: 'not used (a failed measurement ends the benchmark with an error)',
  async run(values) {
    await benchInventoryVerify({
      rows: values.rows.split(',').map((n) => positiveIntegerFlag(n, 'rows', 1)),
      formats: values.format.split(',').map((f) => choiceFlag(f, 'format', ['CSV', 'Parquet'])),
      dir: values.dir,
      measure: values.measure,
    });
    return EXIT_OK;
  },
};

runMain(command);
