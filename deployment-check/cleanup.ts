import { DeleteObjectCommand, ListObjectVersionsCommand } from '@aws-sdk/client-s3';
import { CANARY_PREFIX, type CheckContext, answerOf } from './context';
import type { BucketPair } from './expectations';

/** What the run left behind in one pair, said plainly in the report. */
export interface CleanupReport {
  readonly pair: string;
  readonly sourceVersionsRemoved: number;
  readonly note: string;
}

/**
 * Removes this run's canaries: every version under `.s3-bastion-canary/<run>/` in the source (a
 * delete with a version id is never replicated). The backup cannot be cleaned that way, by design:
 * with backup-account credentials the check places delete markers so that the lifecycle rule
 * expires the canary versions after the recovery window; without, they stay until someone with
 * backup-account credentials does so.
 */
export async function removeCanaries(
  context: CheckContext,
  pair: BucketPair,
): Promise<CleanupReport> {
  const prefix = `${CANARY_PREFIX}${context.runId}/`;
  let removed = 0;
  const problems: string[] = [];
  try {
    const s3 = context.session.s3('primary', pair.sourceRegion);
    const page = await s3.send(
      new ListObjectVersionsCommand({ Bucket: pair.source.name, Prefix: prefix }),
    );
    const entries = [...(page.Versions ?? []), ...(page.DeleteMarkers ?? [])];
    for (const entry of entries) {
      if (entry.Key === undefined || !entry.Key.startsWith(prefix)) continue;
      await s3.send(
        new DeleteObjectCommand({
          Bucket: pair.source.name,
          Key: entry.Key,
          VersionId: entry.VersionId,
        }),
      );
      removed += 1;
    }
  } catch (error) {
    problems.push(`could not remove the canaries from the source (${answerOf(error)})`);
  }
  const days = pair.source.noncurrentVersionRetentionDays;
  let backupNote: string;
  if (context.session.hasBackupCredentials) {
    let marked = 0;
    try {
      const s3 = context.session.s3('backup', pair.backupRegion);
      const page = await s3.send(
        new ListObjectVersionsCommand({ Bucket: pair.backupBucket, Prefix: prefix }),
      );
      for (const version of page.Versions ?? []) {
        if (!version.IsLatest || version.Key === undefined) continue;
        await s3.send(new DeleteObjectCommand({ Bucket: pair.backupBucket, Key: version.Key }));
        marked += 1;
      }
      backupNote =
        `the backup keeps the canary versions under s3://${pair.backupBucket}/${prefix} until its lifecycle ` +
        `expires them (${days} days after they became noncurrent; ${marked} delete marker(s) placed now)`;
    } catch (error) {
      backupNote = `could not place delete markers on the backup canaries (${answerOf(error)})`;
    }
  } else {
    backupNote =
      `the backup keeps the canary versions under s3://${pair.backupBucket}/${prefix}: replicated ones ` +
      `expire ${days} days after the replicated delete marker, the backfill copy stays current until ` +
      `someone with backup-account credentials deletes it`;
  }
  return {
    pair: pair.label,
    sourceVersionsRemoved: removed,
    note: [...problems, backupNote].join('; '),
  };
}
