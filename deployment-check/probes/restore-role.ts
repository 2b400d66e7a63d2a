import { GetObjectCommand, ListObjectVersionsCommand } from '@aws-sdk/client-s3';
import { CANARY_PREFIX, type CheckContext, answerOf } from '../context';
import type { BucketPair } from '../expectations';
import { type ProbeResult, fail, pass, skip } from '../probe';
import { RoleAssumptionError } from '../session';
import { callerIsOneOf } from './principals';

const PROBE = 'restore-role';

/**
 * With backup-account credentials of a restore principal: assume the restore role, list the
 * versions under the canary prefix (s3:ListBucketVersions) and read one of them
 * (s3:GetObjectVersion). Writes nothing, so it also runs with --read-only.
 * https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html
 */
export async function probeRestoreRole(
  context: CheckContext,
  pair: BucketPair,
  backupCaller: string | undefined,
): Promise<ProbeResult> {
  const target = `restore role -> ${pair.backupBucket}`;
  const principals = context.config.restorePrincipalArns ?? [];
  if (backupCaller === undefined) {
    return skip(
      PROBE,
      target,
      'needs backup-account credentials of a restore principal',
      'pass --backup-profile or --backup-role-arn',
    );
  }
  if (principals.length === 0) {
    return skip(
      PROBE,
      target,
      'the config names no restorePrincipalArns: nobody can assume the restore role yet',
    );
  }
  const s3 = context.session.s3('restore', pair.backupRegion);
  try {
    const page = await s3.send(
      new ListObjectVersionsCommand({
        Bucket: pair.backupBucket,
        Prefix: `${CANARY_PREFIX}${context.runId}/`,
      }),
    );
    const version = (page.Versions ?? [])[0];
    if (version?.Key === undefined) {
      return pass(
        PROBE,
        target,
        'assumed the restore role and listed the versions (no canary version to read in this run)',
      );
    }
    await s3.send(
      new GetObjectCommand({
        Bucket: pair.backupBucket,
        Key: version.Key,
        VersionId: version.VersionId,
        Range: 'bytes=0-0',
      }),
    );
    return pass(
      PROBE,
      target,
      `assumed the restore role, listed ${page.Versions?.length ?? 0} canary version(s) and read ${version.Key} (${version.VersionId})`,
    );
  } catch (error) {
    if (error instanceof RoleAssumptionError) {
      if (!callerIsOneOf(backupCaller, principals)) {
        return skip(
          PROBE,
          target,
          `the backup credentials (${backupCaller}) are not among restorePrincipalArns`,
          `run with --backup-profile or --backup-role-arn of one of: ${principals.join(', ')}`,
        );
      }
      return fail(
        PROBE,
        target,
        error.message,
        'the restore role trust policy must name this principal: redeploy the backup stack',
      );
    }
    return fail(
      PROBE,
      target,
      `the restore role cannot read the backup: ${answerOf(error)}`,
      'the restore role needs s3:ListBucketVersions and s3:GetObjectVersion on the backup bucket: redeploy the backup stack',
    );
  }
}
