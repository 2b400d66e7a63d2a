import { EXIT_CODES } from './exit-codes';

/**
 * One flag of a command: what util.parseArgs needs, plus what `--help` prints. Every flag a
 * command accepts is described here, so `--help` cannot forget one.
 */
export interface FlagSpec {
  readonly type: 'string' | 'boolean';
  readonly short?: string;
  readonly default?: string | boolean;
  /** The value's placeholder in `--help`, e.g. `ARN` in `--role-arn ARN`. */
  readonly value?: string;
  readonly description: string;
}

export type FlagSpecs = Readonly<Record<string, FlagSpec>>;

/** An environment variable a command reads, for `--help`. */
export interface EnvVar {
  readonly name: string;
  readonly description: string;
}

/** The AWS SDK's standard chain, read by every command that talks to AWS. */
export const AWS_ENV: readonly EnvVar[] = [
  {
    name: 'AWS_PROFILE, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN',
    description: 'credentials (the AWS SDK default chain)',
  },
  { name: 'AWS_REGION', description: 'region when --region is not given' },
  {
    name: 'AWS_ENDPOINT_URL_S3',
    description: 'an S3-compatible endpoint when --endpoint-url is not given',
  },
];

export const CONFIG_ENV: EnvVar = {
  name: 'BASTION_CONFIG',
  description: 'module exporting `config: BastionConfig` (default: the example, config/example.ts)',
};

export const STATE_DIR_ENV: EnvVar = {
  name: 'S3_BASTION_STATE_DIR',
  description:
    'where resume journals live when --state-dir is not given (default ~/.s3-bastion-backup)',
};

export const OUTDIR_ENV: EnvVar = {
  name: 'CDKTF_OUTDIR',
  description: 'where the synthesized stacks go (default cdktf.out)',
};

export const TERRAFORM_ENV: readonly EnvVar[] = [
  { name: 'TERRAFORM_BINARY', description: 'the terraform executable (default terraform on PATH)' },
  {
    name: 'TF_CLI_CONFIG_FILE',
    description:
      'your own Terraform CLI config (else one is written that uses the provider mirror)',
  },
  {
    name: 'BASTION_TF_PROVIDER_MIRROR',
    description:
      'a filesystem provider mirror (default: the first of /opt/tf-plugins and the usual places)',
  },
];

/** The local Ceph RGW the tests and benchmarks start (scripts/test-s3-server.sh). */
export const S3_SERVER_ENV: readonly EnvVar[] = [
  {
    name: 'S3_SERVER_DIR',
    description: 'directory of the local RGW (default /tmp/s3-bastion-rgw)',
  },
  { name: 'RGW_PORT', description: 'port of the local RGW' },
  {
    name: 'AWS_ENDPOINT_URL_S3',
    description: 'benchmark against this endpoint instead of a local RGW',
  },
];

/** What `--help` says of a command besides its flags. */
export interface CommandHelp {
  /** The `npm run` form, e.g. `npm run verify -- --source <bucket> --destination <bucket> [options]`. */
  readonly usage: string;
  readonly description: string;
  readonly flags: FlagSpecs;
  readonly env: readonly EnvVar[];
  /** What exit code 1 means for this command, e.g. `objects failed or are missing`. */
  readonly problem: string;
}

const WIDTH = 100;

function wrap(text: string, indent: number, firstLineUsed: number): string {
  const lines: string[] = [];
  let line = '';
  let room = WIDTH - firstLineUsed;
  for (const word of text.split(/\s+/)) {
    if (line !== '' && line.length + 1 + word.length > room) {
      lines.push(line);
      line = word;
      room = WIDTH - indent;
    } else {
      line = line === '' ? word : `${line} ${word}`;
    }
  }
  lines.push(line);
  return lines.join(`\n${' '.repeat(indent)}`);
}

function table(rows: ReadonlyArray<readonly [string, string]>): string[] {
  const column = Math.min(30, Math.max(...rows.map(([left]) => left.length)) + 2);
  return rows.map(([left, right]) =>
    left.length + 2 > column
      ? `${left}\n${' '.repeat(column)}${wrap(right, column, column)}`
      : `${left.padEnd(column)}${wrap(right, column, column)}`,
  );
}

/** The full `--help` text: usage, description, every flag, environment variables, exit codes. */
export function formatHelp(help: CommandHelp): string {
  const flagRows = Object.entries(help.flags).map(([name, spec]): [string, string] => {
    const short = spec.short === undefined ? '    ' : `-${spec.short}, `;
    const value = spec.type === 'string' ? ` ${spec.value ?? 'VALUE'}` : '';
    return [`  ${short}--${name}${value}`, spec.description];
  });
  const envRows = help.env.map((v): [string, string] => [`  ${v.name}`, v.description]);
  const exitRows = EXIT_CODES.map(({ code, meaning }): [string, string] => [
    `  ${code}`,
    code === 1 ? `${meaning}: ${help.problem}` : meaning,
  ]);
  return [
    `usage: ${help.usage}`,
    '',
    wrap(help.description, 0, 0),
    '',
    'Options:',
    ...table(flagRows),
    ...(envRows.length > 0 ? ['', 'Environment:', ...table(envRows)] : []),
    '',
    'Exit codes:',
    ...table(exitRows),
    '',
  ].join('\n');
}
