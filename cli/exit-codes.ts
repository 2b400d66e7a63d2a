/**
 * The one exit-code table of every command (scripts/*). A script may rely on it: 1 means the run
 * went through and found something a person must look at; 2 means nothing was done because the
 * input was wrong; 3 means AWS or S3 ended the run.
 */
export const EXIT_OK = 0;
/** The run finished but found a problem: objects failed, differences, findings, a refused plan. */
export const EXIT_PROBLEM = 1;
/** Usage or input error: a bad flag, a bad config, a file that is not what was asked. */
export const EXIT_USAGE = 2;
/** An AWS/S3 error ended the run: access denied, no such bucket, bad credentials, wrong region. */
export const EXIT_AWS = 3;
/** An internal error: a bug, reported with its stack trace. */
export const EXIT_INTERNAL = 70;
/** Interrupted (Ctrl-C / SIGTERM); a copying run resumes where it stopped. */
export const EXIT_INTERRUPTED = 130;

export const EXIT_CODES: ReadonlyArray<{ readonly code: number; readonly meaning: string }> = [
  { code: EXIT_OK, meaning: 'ok' },
  { code: EXIT_PROBLEM, meaning: 'the run finished but found a problem' },
  { code: EXIT_USAGE, meaning: 'usage or input error (bad flag, bad config); nothing was done' },
  {
    code: EXIT_AWS,
    meaning: 'an AWS/S3 error ended the run (access denied, no such bucket, credentials)',
  },
  { code: EXIT_INTERRUPTED, meaning: 'interrupted' },
  { code: EXIT_INTERNAL, meaning: 'internal error (a bug: the stack trace is printed)' },
];
