import { BastionConfig, exampleConfig } from '../../config';
import { renderReport } from '../../review/report';
import { Review, passes, reviewDocuments } from '../../review/review-documents';
import { synthesizedDocuments } from './synthesized-example';

/**
 * Object Lock changes the backup bucket, not its policy: the same proof must hold, the
 * lock-changing actions (retention, legal hold, governance bypass, the lock configuration) must
 * stay denied to every primary-account principal, and the report must say what the lock adds.
 */
const locked: BastionConfig = {
  ...exampleConfig,
  objectLock: { mode: 'GOVERNANCE', days: 30 },
  sourceBuckets: exampleConfig.sourceBuckets.map((b) => ({
    ...b,
    noncurrentVersionRetentionDays: Math.max(b.noncurrentVersionRetentionDays, 30),
  })),
};

let review: Review;
beforeAll(async () => {
  review = await reviewDocuments(locked, synthesizedDocuments(locked));
});

const LOCK_ACTIONS = [
  's3:PutObjectRetention',
  's3:PutObjectLegalHold',
  's3:BypassGovernanceRetention',
  's3:PutBucketObjectLockConfiguration',
];

describe('the access proof with Object Lock (GOVERNANCE, 30 days)', () => {
  it('holds: no finding in any layer', () => {
    expect(review.findings).toEqual([]);
    expect(passes(review)).toBe(true);
  });

  it.each([
    'primary-admin',
    'replication-role-taken-over',
    'backfill-role-taken-over',
    'other-account',
  ])('denies %s every Object Lock action, with and without TLS', (actor) => {
    for (const bucket of review.buckets) {
      const lockCells = bucket.cells.filter(
        (c) => c.actor === actor && c.layer === 'deployed' && LOCK_ACTIONS.includes(c.action),
      );
      expect(new Set(lockCells.map((c) => c.action))).toEqual(new Set(LOCK_ACTIONS));
      expect(lockCells.filter((c) => c.result === 'Allowed')).toEqual([]);
    }
  });

  it('says in the report that Object Lock protects every version, with its mode and days', () => {
    const report = renderReport(review);
    expect(report).toContain('Object Lock GOVERNANCE with 30 days of default retention');
    expect(report).not.toContain('This config has no Object Lock');
    expect(report).toMatch(/replica retention cap .*a live account proves it/);
  });
});
