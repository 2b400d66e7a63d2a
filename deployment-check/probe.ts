/**
 * The vocabulary of `npm run check-deployment`: every check is a named probe that ends PASS, FAIL
 * or SKIPPED with a reason, never a silent pass.
 */

export type ProbeStatus = 'PASS' | 'FAIL' | 'SKIPPED';

/** Every probe, in the order the report lists them, with what it proves. */
export const PROBES = {
  'replication-completes': 'a canary written to the source reaches COMPLETED replication status',
  'replica-in-backup':
    'the replica is in the backup bucket, owned by the backup account, with the expected encryption and storage class',
  'backfill-append-only':
    'as the backfill role, a conditional copy (If-None-Match: *) of a canary succeeds and a second one is refused',
  'primary-cannot-harm':
    'primary-account credentials are refused deleting a replica version, changing versioning and reading objects',
  'delete-becomes-marker':
    'a delete in the source becomes a delete marker in the backup, with the version still there',
  'alarms-reach-a-person':
    'each declared alarm exists and notifies a topic with at least one confirmed subscription',
  'replication-health': 'no failed replication operations over the last day',
  'restore-role': 'the restore role can be assumed by its principals and reads the canary versions',
  'backup-bucket-drift':
    'versioning, public access block, ownership, encryption, lifecycle and policy equal the synthesized stack',
} as const;

export type ProbeName = keyof typeof PROBES;

/** Probes that write (canaries, or attempts that must be refused); --read-only skips them. */
export const WRITING_PROBES: ReadonlySet<ProbeName> = new Set<ProbeName>([
  'replication-completes',
  'replica-in-backup',
  'backfill-append-only',
  'primary-cannot-harm',
  'delete-becomes-marker',
]);

export interface ProbeResult {
  readonly probe: ProbeName;
  /** What was probed: a bucket pair, an alarm, a role. */
  readonly target: string;
  readonly status: ProbeStatus;
  /** Why it passed, failed or was skipped, in one sentence. */
  readonly reason: string;
  /** What to do about a FAIL (or a SKIPPED that the user can lift). */
  readonly fix?: string;
}

/** A result builder for one status; the fix is kept only when there is one. */
const resultWith =
  (status: ProbeStatus) =>
  (probe: ProbeName, target: string, reason: string, fix?: string): ProbeResult => ({
    probe,
    target,
    status,
    reason,
    ...(fix === undefined ? {} : { fix }),
  });

export const pass = (probe: ProbeName, target: string, reason: string): ProbeResult =>
  resultWith('PASS')(probe, target, reason);
export const fail = resultWith('FAIL');
export const skip = resultWith('SKIPPED');
