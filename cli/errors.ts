/**
 * The errors that choose an exit code (exit-codes.ts) when a command ends with one. Libraries
 * throw InputError and CommandFailedError without naming any flag; the runtime (runtime.ts) and
 * the entries turn them into a line on stderr. Any other error is a bug (exit 70).
 */

/** A bad flag or flag value: one line, exit 2, with a pointer to --help. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/**
 * A library was asked for something it refuses (the same bucket as source and destination, a
 * directory that holds no synthesis, ...): exit 2, before anything was written. `option` names
 * the library option at fault, for an entry that wants to name its flag instead; a message that
 * starts with the option's name (`bucket 'x' is not ...`) gets the flag in its place.
 */
export class InputError extends Error {
  constructor(
    message: string,
    readonly option?: string,
  ) {
    super(message);
    this.name = 'InputError';
  }
}

/** An external program (terraform, git, the cdktf app) failed: the run found a problem, exit 1. */
export class CommandFailedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CommandFailedError';
  }
}
