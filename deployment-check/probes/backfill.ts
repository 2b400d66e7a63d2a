import { CopyObjectCommand } from '@aws-sdk/client-s3';
import { BastionConfig } from '../../config';
import { type Canary, type CheckContext, answerOf, canaryKey, isAccessDenied } from '../context';
import type { BucketPair } from '../expectations';
import { type ProbeResult, fail, pass, skip } from '../probe';
import { RoleAssumptionError } from '../session';
import { callerIsOneOf } from './principals';

const PROBE = 'backfill-append-only';

/**
 * As the backfill role, the copy the backfill sends: CopyObject with `If-None-Match: *` and the
 * only ACL the backup bucket accepts. The first copy of a new key must succeed, a second copy of
 * the same key must be refused (412 PreconditionFailed from S3, or 403 from the bucket policy).
 * Conditional writes: https://docs.aws.amazon.com/AmazonS3/latest/userguide/conditional-writes.html
 * CopyObject: https://docs.aws.amazon.com/AmazonS3/latest/API/API_CopyObject.html
 * Nothing is lost even if the guardrail were missing: the second copy only adds a version of the
 * check's own canary.
 */
export async function probeBackfillAppendOnly(
  context: CheckContext,
  pair: BucketPair,
  canary: Canary | undefined,
  primaryCaller: string,
): Promise<{ result: ProbeResult; copiedKey?: string }> {
  if (canary?.versionId === undefined) {
    return { result: skip(PROBE, pair.label, 'no canary was written (see replication-completes)') };
  }
  const s3 = context.session.s3('backfill', pair.backupRegion);
  const key = canaryKey(context.runId, 'backfill');
  const copy = () =>
    s3.send(
      new CopyObjectCommand({
        Bucket: pair.backupBucket,
        Key: key,
        CopySource: `${pair.source.name}/${encodeURIComponent(canary.key)}?versionId=${encodeURIComponent(canary.versionId ?? '')}`,
        IfNoneMatch: '*',
        ACL: 'bucket-owner-full-control',
      }),
    );
  try {
    await copy();
  } catch (error) {
    if (error instanceof RoleAssumptionError) {
      return { result: roleProblem(context.config, pair, error, primaryCaller) };
    }
    return {
      result: fail(
        PROBE,
        pair.label,
        `the first conditional copy into ${pair.backupBucket} was refused: ${answerOf(error)}`,
        'compare the backup bucket policy (AllowBackfillRoleCreateAbsentObjects) and the backfill role policy with the stacks, and redeploy',
      ),
    };
  }
  try {
    await copy();
  } catch (error) {
    const answer = answerOf(error);
    if (answer === 'PreconditionFailed' || answer === 'HTTP 412' || isAccessDenied(error)) {
      return {
        result: pass(
          PROBE,
          pair.label,
          `a new key was copied; a second copy of it was refused (${answer})`,
        ),
        copiedKey: key,
      };
    }
    return {
      result: fail(PROBE, pair.label, `the second copy failed unexpectedly: ${answer}`),
      copiedKey: key,
    };
  }
  return {
    result: fail(
      PROBE,
      pair.label,
      `a second copy of s3://${pair.backupBucket}/${key} was accepted: the backfill role can overwrite (only the check's canary got a new version)`,
      'the backup bucket must refuse writes without If-None-Match from the backfill role (DenyBackfillOverwrites): redeploy the backup stack',
    ),
    copiedKey: key,
  };
}

function roleProblem(
  config: BastionConfig,
  pair: BucketPair,
  error: RoleAssumptionError,
  caller: string,
): ProbeResult {
  if (!callerIsOneOf(caller, config.backfillPrincipalArns)) {
    return skip(
      PROBE,
      pair.label,
      `the primary credentials (${caller}) are not among backfillPrincipalArns, so they cannot assume ${error.roleArn}`,
      `run with --profile or --role-arn of one of: ${config.backfillPrincipalArns.join(', ')}`,
    );
  }
  return fail(
    PROBE,
    pair.label,
    error.message,
    'the backfill role trust policy must name this principal: redeploy the primary stack',
  );
}
