import { DeleteObjectCommand, ListObjectVersionsCommand } from '@aws-sdk/client-s3';
import { type Canary, type CheckContext, answerOf, waitFor } from '../context';
import type { BucketPair } from '../expectations';
import { type ProbeResult, fail, pass, skip } from '../probe';

const PROBE = 'delete-becomes-marker';

/**
 * Deletes the canary in the source (no version id: a delete marker) and waits for the marker in
 * the backup, with the replica version still listed behind it. Delete-marker replication:
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/delete-marker-replication.html
 * Delete markers in ListObjectVersions:
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeleteMarkerEntry.html
 */
export async function probeDeleteBecomesMarker(
  context: CheckContext,
  pair: BucketPair,
  canary: Canary | undefined,
): Promise<ProbeResult> {
  if (canary?.versionId === undefined) {
    return skip(PROBE, pair.label, 'no canary was written (see replication-completes)');
  }
  try {
    await context.session
      .s3('primary', pair.sourceRegion)
      .send(new DeleteObjectCommand({ Bucket: pair.source.name, Key: canary.key }));
  } catch (error) {
    return fail(PROBE, pair.label, `cannot delete the canary in the source: ${answerOf(error)}`);
  }
  if (!context.session.hasBackupCredentials) {
    return skip(
      PROBE,
      pair.label,
      'the canary was deleted in the source; seeing its delete marker arrive in the backup needs backup-account credentials',
      'pass --backup-profile or --backup-role-arn',
    );
  }
  const s3 = context.session.s3('backup', pair.backupRegion);
  const waited = await waitFor(
    context,
    `the delete marker in s3://${pair.backupBucket}`,
    async () => {
      const page = await s3.send(
        new ListObjectVersionsCommand({ Bucket: pair.backupBucket, Prefix: canary.key }),
      );
      const marker = (page.DeleteMarkers ?? []).find((m) => m.Key === canary.key && m.IsLatest);
      const versions = (page.Versions ?? []).filter((v) => v.Key === canary.key);
      return {
        done: marker === undefined ? undefined : { marker, versions },
        state: `${versions.length} version(s), no delete marker yet`,
      };
    },
  );
  if (waited.value === undefined && context.signal.aborted) {
    return skip(PROBE, pair.label, `interrupted while waiting (${waited.state})`);
  }
  if (waited.value === undefined) {
    return fail(
      PROBE,
      pair.label,
      `no delete marker for ${canary.key} in ${pair.backupBucket} after ${waited.seconds} s (${waited.state})`,
      'the replication rule must have DeleteMarkerReplication Enabled: redeploy the primary stack',
    );
  }
  if (waited.value.versions.length === 0) {
    return fail(
      PROBE,
      pair.label,
      `the delete marker arrived but no version of ${canary.key} is left behind it`,
      'the backup bucket must be versioned and keep noncurrent versions: check backup-bucket-drift',
    );
  }
  return pass(
    PROBE,
    pair.label,
    `the delete became a delete marker in the backup after ${waited.seconds} s; ${waited.value.versions.length} version(s) kept behind it`,
  );
}
