import { parseArgs } from 'node:util';
import { ConfigValidationError } from '../config/validate';
import {
  describeS3Error,
  errorName,
  FatalS3Error,
  remedyOf,
  type S3Remedy,
} from '../s3/client/errors';
import { CommandFailedError, InputError, UsageError } from './errors';
import {
  EXIT_AWS,
  EXIT_INTERNAL,
  EXIT_INTERRUPTED,
  EXIT_OK,
  EXIT_PROBLEM,
  EXIT_USAGE,
} from './exit-codes';
import { type CommandHelp, type FlagSpec, type FlagSpecs, formatHelp } from './help';

/**
 * The one CLI runtime: every entry in scripts/ is a `Command` run by `runMain`. It parses the
 * flags (util.parseArgs, strict), answers `--help` without running anything, and turns whatever
 * the command throws into one line on stderr and the exit code of the table in exit-codes.ts.
 */

export interface Output {
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
}

export interface RunContext {
  readonly output: Output;
  /** Aborted by Ctrl-C / SIGTERM (interruptible commands), or by a test. */
  readonly signal: AbortSignal;
  /** The raw arguments: what a pass-through command hands on. */
  readonly argv: readonly string[];
}

type FlagValue<S extends FlagSpec> = S['type'] extends 'boolean' ? boolean : string;

/** The parsed flags: a flag with a default always has a value. */
export type FlagValues<F extends FlagSpecs> = {
  readonly [K in keyof F]: F[K] extends { default: string | boolean }
    ? FlagValue<F[K]>
    : FlagValue<F[K]> | undefined;
};

export interface Command<F extends FlagSpecs> extends CommandHelp {
  /** Prefixes every error line, e.g. `backfill: NoSuchBucket: ...`. */
  readonly name: string;
  readonly flags: F;
  /**
   * The first Ctrl-C aborts `signal` and the command winds down (copies in flight finish, the
   * resume journal stays); a second one quits at once. Otherwise the first one quits at once.
   */
  readonly interruptible?: boolean;
  /** Arguments go to another program unparsed (`--help` excepted). */
  readonly passThrough?: boolean;
  /** The flag of each library option, to name it in an InputError (`{ asOf: 'as-of' }`). */
  readonly flagOf?: Readonly<Record<string, string>>;
  run(values: FlagValues<F>, context: RunContext): Promise<number> | number;
}

const HELP_FLAG = {
  help: { type: 'boolean', short: 'h', default: false, description: 'show this help and exit' },
} as const satisfies FlagSpecs;

/** The help text of a command, `--help` included among its flags. */
export function helpOf(command: Command<FlagSpecs>): string {
  return formatHelp({ ...command, flags: { ...command.flags, ...HELP_FLAG } });
}

function parseFlags(argv: readonly string[], flags: FlagSpecs): Record<string, unknown> {
  // parseArgs takes only its own keys: the help texts stay out of its way.
  const options = Object.fromEntries(
    Object.entries(flags).map(([name, spec]) => [
      name,
      {
        type: spec.type,
        ...(spec.short === undefined ? {} : { short: spec.short }),
        ...(spec.default === undefined ? {} : { default: spec.default }),
      },
    ]),
  );
  try {
    return parseArgs({ args: [...argv], options, strict: true, allowPositionals: false }).values;
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

const NETWORK_ERRORS = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EPIPE',
  'CredentialsProviderError',
  'TimeoutError',
]);

/** An error of AWS (a service response) or of reaching it, possibly wrapped as a cause. */
function isAwsError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  if ('$metadata' in error || '$fault' in error || NETWORK_ERRORS.has(errorName(error))) {
    return true;
  }
  return 'cause' in error && isAwsError(error.cause);
}

/** The flags a command has and the values it was given: what a remedy can point to. */
export interface CommandLine {
  readonly flags: FlagSpecs;
  readonly values?: Readonly<Record<string, unknown>>;
}

/**
 * What to change on the command line against an S3 error, in the flags this command has: the
 * region flag of the bucket that answered (`--<bucket flag>-region`, else every bucket region
 * flag, else --region), or --role-arn for credentials that may not. Empty when it has none.
 */
export function remedyText(remedy: S3Remedy | undefined, commandLine: CommandLine): string {
  const has = (flag: string) => flag in commandLine.flags;
  if (remedy?.kind === 'credentials') return has('role-arn') ? ' or use --role-arn' : '';
  if (remedy?.kind !== 'region') return '';
  const bucketFlag = Object.keys(commandLine.flags).find(
    (flag) => has(`${flag}-region`) && commandLine.values?.[flag] === remedy.bucket,
  );
  const regionFlags =
    bucketFlag !== undefined
      ? [`${bucketFlag}-region`]
      : Object.keys(commandLine.flags).filter((flag) => flag.endsWith('-region'));
  if (regionFlags.length > 0) {
    return `; correct or drop ${regionFlags.map((flag) => `--${flag}`).join(' / ')} (without it the region is looked up)`;
  }
  return has('region') ? "; pass the bucket's region with --region" : '';
}

/** One line (several for a config) on stderr for an error, and its exit code. */
export function reportError(
  tool: string,
  error: unknown,
  output: Output,
  flagOf: Readonly<Record<string, string>> = {},
  commandLine: CommandLine = { flags: {} },
): number {
  const write = (line: string) => output.stderr.write(`${tool}: ${line}\n`);
  if (error instanceof InputError && error.option !== undefined && error.option in flagOf) {
    // A message that starts with the option's name says it with the flag's; others get it first.
    const flag = `--${flagOf[error.option]}`;
    const message = error.message.startsWith(`${error.option} `)
      ? `${flag}${error.message.slice(error.option.length)}`
      : `${flag}: ${error.message}`;
    write(`${message} (see --help)`);
    return EXIT_USAGE;
  }
  if (error instanceof UsageError || error instanceof InputError) {
    write(`${error.message} (see --help)`);
    return EXIT_USAGE;
  }
  if (error instanceof ConfigValidationError) {
    write(error.message);
    return EXIT_USAGE;
  }
  if (error instanceof CommandFailedError) {
    write(error.message);
    return EXIT_PROBLEM;
  }
  if (error instanceof FatalS3Error) {
    write(error.message + remedyText(error.remedy, commandLine));
    return EXIT_AWS;
  }
  if (isAwsError(error) && errorName(error) === 'Error') {
    write((error as Error).message);
    return EXIT_AWS;
  }
  if (isAwsError(error)) {
    write(describeS3Error(error) + remedyText(remedyOf(error), commandLine));
    return EXIT_AWS;
  }
  write(
    `internal error (a bug, please report it):\n${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
  );
  return EXIT_INTERNAL;
}

/** Runs a command on `argv` and returns its exit code; never throws. What tests call. */
export async function runCommand<F extends FlagSpecs>(
  command: Command<F>,
  argv: readonly string[],
  output: Output = process,
  signal: AbortSignal = new AbortController().signal,
): Promise<number> {
  let values: Record<string, unknown> | undefined;
  try {
    const wantsHelp = argv.includes('--help') || argv.includes('-h');
    if (command.passThrough && wantsHelp) {
      output.stdout.write(helpOf(command));
      return EXIT_OK;
    }
    values = command.passThrough ? {} : parseFlags(argv, { ...command.flags, ...HELP_FLAG });
    if (values.help === true) {
      output.stdout.write(helpOf(command));
      return EXIT_OK;
    }
    return await command.run(values as FlagValues<F>, { output, signal, argv });
  } catch (error) {
    return reportError(command.name, error, output, command.flagOf, {
      flags: command.flags,
      values,
    });
  }
}

/** `(argv, output, signal) => exit code` of a command: what an entry exports for its tests. */
export function commandMain<F extends FlagSpecs>(command: Command<F>) {
  return (argv: readonly string[], output?: Output, signal?: AbortSignal) =>
    runCommand(command, argv, output, signal);
}

/** An entry point's only statement: runs the command on process.argv and sets the exit code. */
export function runMain<F extends FlagSpecs>(command: Command<F>): void {
  const stop = new AbortController();
  const onSignal = () => {
    if (stop.signal.aborted || !command.interruptible) process.exit(EXIT_INTERRUPTED);
    process.stderr.write(
      `\n${command.name}: stopping after the copies in flight (again to quit now)\n`,
    );
    stop.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  void runCommand(command, process.argv.slice(2), process, stop.signal).then((code) => {
    process.exitCode = code;
  });
}
