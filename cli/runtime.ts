import { FatalS3Error, UsageError, describeS3Error } from '../s3/client/errors';

export interface Output {
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
}

export const EXIT_OK = 0;
/** The run ended but something is not backed up (failed objects, verify found differences). */
export const EXIT_INCOMPLETE = 1;
export const EXIT_USAGE = 2;
/** A run-ending S3 error: missing bucket, access denied, wrong region, bad credentials. */
export const EXIT_S3_ERROR = 3;
export const EXIT_INTERRUPTED = 130;

/** One line on stderr for an error, and the exit code it deserves. */
export function reportError(tool: string, error: unknown, output: Output): number {
  if (error instanceof UsageError) {
    output.stderr.write(`${tool}: ${error.message} (see --help)\n`);
    return EXIT_USAGE;
  }
  if (error instanceof FatalS3Error) {
    output.stderr.write(`${tool}: ${error.message}\n`);
    return EXIT_S3_ERROR;
  }
  const line =
    error instanceof Error && error.name === 'Error' ? error.message : describeS3Error(error);
  output.stderr.write(`${tool}: ${line}\n`);
  return EXIT_S3_ERROR;
}

/** Runs a CLI main and sets the exit code; an entry point's only statement. */
export function runMain(main: () => Promise<number>): void {
  main().then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(
        `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
      );
      process.exitCode = 70;
    },
  );
}

/**
 * Runs a copying CLI main with Ctrl-C / SIGTERM handling: the first signal stops taking new work
 * (copies in flight finish, the resume journal stays), a second one quits at once.
 */
export function runInterruptibleMain(
  tool: string,
  main: (signal: AbortSignal) => Promise<number>,
): void {
  const stop = new AbortController();
  const onSignal = () => {
    if (stop.signal.aborted) process.exit(EXIT_INTERRUPTED);
    process.stderr.write(`\n${tool}: stopping after the copies in flight (again to quit now)\n`);
    stop.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  runMain(() => main(stop.signal));
}
