import { type ConfigProblem, isPositiveInteger, problem, type SectionChecker } from './rules';

/** `objectLock`: a mode, and days no longer than any bucket's retention unless a reason is given. */
export const objectLockProblems: SectionChecker = (config) => {
  const lock = config.objectLock;
  if (lock === undefined) return [];
  const problems: ConfigProblem[] = [];
  if (lock.mode !== 'GOVERNANCE' && lock.mode !== 'COMPLIANCE') {
    problems.push(problem('objectLock.mode', lock.mode, 'must be GOVERNANCE or COMPLIANCE'));
  }
  if (
    lock.maxReplicaRetentionDays !== undefined &&
    !isPositiveInteger(lock.maxReplicaRetentionDays)
  ) {
    problems.push(
      problem(
        'objectLock.maxReplicaRetentionDays',
        lock.maxReplicaRetentionDays,
        'must be a positive whole number of days',
      ),
    );
  }
  if (!isPositiveInteger(lock.days)) {
    problems.push(problem('objectLock.days', lock.days, 'must be a positive whole number of days'));
  } else if (!lock.longerThanRetentionReason?.trim()) {
    config.sourceBuckets.forEach((bucket, i) => {
      if (lock.days > bucket.noncurrentVersionRetentionDays) {
        problems.push(
          problem(
            'objectLock.days',
            lock.days,
            `must not exceed sourceBuckets[${i}].noncurrentVersionRetentionDays (${bucket.noncurrentVersionRetentionDays}) unless objectLock.longerThanRetentionReason says why`,
          ),
        );
      }
    });
  }
  return problems;
};
