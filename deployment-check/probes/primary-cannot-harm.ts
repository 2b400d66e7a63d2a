import {
  DeleteObjectCommand,
  GetObjectCommand,
  PutBucketVersioningCommand,
} from '@aws-sdk/client-s3';
import { type Canary, type CheckContext, answerOf, canaryKey, isAccessDenied } from '../context';
import type { BucketPair } from '../expectations';
import { type ProbeResult, fail, pass } from '../probe';

const PROBE = 'primary-cannot-harm';

interface Attempt {
  /** The IAM action the request needs, and the bucket-policy guardrail that must refuse it. */
  readonly action: string;
  readonly guardrail: string;
  /** Why nothing is lost if S3 lets it through. */
  readonly harmless: string;
  readonly send: () => Promise<unknown>;
}

/**
 * From the primary account, requests the backup bucket policy must refuse with AccessDenied,
 * chosen so that nothing is lost even if a guardrail were missing: deleting the check's own
 * replica version, enabling versioning that is already enabled, reading the canary's replica.
 * DeleteObject with versionId needs s3:DeleteObjectVersion, PutBucketVersioning
 * s3:PutBucketVersioning, GetObject with versionId s3:GetObjectVersion:
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/using-with-s3-policy-actions.html
 * A 404 (NoSuchKey, NoSuchVersion) means S3 authorized the request and then found nothing:
 * the guardrail is missing just the same.
 */
export async function probePrimaryCannotHarm(
  context: CheckContext,
  pair: BucketPair,
  canary: Canary | undefined,
): Promise<ProbeResult> {
  const s3 = context.session.s3('primary', pair.backupRegion);
  const bucket = pair.backupBucket;
  const key = canary?.key ?? canaryKey(context.runId, 'absent');
  const versionId = canary?.replicaVersionId ?? canary?.versionId;
  const attempts: Attempt[] = [
    {
      action: 's3:PutBucketVersioning',
      guardrail: 'DenyEverythingOutsideBackupAccountExceptReplicationAndBackfill',
      harmless: 'versioning was already Enabled',
      send: () =>
        s3.send(
          new PutBucketVersioningCommand({
            Bucket: bucket,
            VersioningConfiguration: { Status: 'Enabled' },
          }),
        ),
    },
    {
      // A version read: the key's latest entry may be the canary's delete marker by now.
      action: versionId === undefined ? 's3:GetObject' : 's3:GetObjectVersion',
      guardrail: 'DenyEverythingOutsideBackupAccountExceptReplicationAndBackfill',
      harmless: 'a read of the canary',
      send: () =>
        s3.send(
          new GetObjectCommand({
            Bucket: bucket,
            Key: key,
            VersionId: versionId,
            Range: 'bytes=0-0',
          }),
        ),
    },
  ];
  if (versionId !== undefined) {
    attempts.push({
      action: 's3:DeleteObjectVersion',
      guardrail: 'DenyEverythingOutsideBackupAccountExceptReplicationAndBackfill',
      harmless: "only the check's own replica version was at stake",
      send: () =>
        s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key, VersionId: versionId })),
    });
  }
  const notRefused: string[] = [];
  // One at a time, the delete last (a read of a version it removed would say nothing): the
  // report must say which request did what.
  for (const attempt of attempts) {
    try {
      await attempt.send();
      notRefused.push(
        `${attempt.action} was ALLOWED (guardrail ${attempt.guardrail} missing; ${attempt.harmless})`,
      );
    } catch (error) {
      if (isAccessDenied(error)) continue;
      notRefused.push(
        `${attempt.action} was not refused but answered ${answerOf(error)} (guardrail ${attempt.guardrail})`,
      );
    }
  }
  const tried = attempts.map((a) => a.action).join(', ');
  if (notRefused.length > 0) {
    return fail(
      PROBE,
      pair.label,
      `the primary account is not locked out of ${bucket}: ${notRefused.join('; ')}`,
      'the backup bucket policy lacks a guardrail: redeploy the backup stack with backup-account credentials and compare the live policy (backup-bucket-drift)',
    );
  }
  return pass(
    PROBE,
    pair.label,
    `AccessDenied for each of ${tried}${versionId === undefined ? ' (no replica version to aim a delete at)' : ''}`,
  );
}
