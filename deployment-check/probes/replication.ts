import {
  GetBucketAclCommand,
  HeadObjectCommand,
  ListObjectVersionsCommand,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import { type Canary, type CheckContext, answerOf, canaryKey, waitFor } from '../context';
import type { BucketPair } from '../expectations';
import { type ProbeResult, fail, pass, skip } from '../probe';

const PROBE = 'replication-completes';

/**
 * Writes a canary into the source bucket and waits until S3 reports its replication COMPLETED.
 * x-amz-replication-status on the source is PENDING, COMPLETED or FAILED, and absent when no
 * replication rule covers the key:
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-status.html
 */
export async function probeReplicationCompletes(
  context: CheckContext,
  pair: BucketPair,
): Promise<{ result: ProbeResult; canary?: Canary }> {
  const s3 = context.session.s3('primary', pair.sourceRegion);
  const key = canaryKey(context.runId, 'replication');
  let versionId: string | undefined;
  try {
    const body = Buffer.from(`s3-bastion-backup deployment check ${context.runId}\n`);
    const put = await s3.send(
      new PutObjectCommand({
        Bucket: pair.source.name,
        Key: key,
        Body: body,
        ContentLength: body.length,
        ContentType: 'text/plain',
      }),
    );
    versionId = put.VersionId;
  } catch (error) {
    return {
      result: fail(
        PROBE,
        pair.label,
        `cannot write the canary s3://${pair.source.name}/${key}: ${answerOf(error)}`,
        'run with primary-account credentials that may s3:PutObject in the source bucket, or use --read-only',
      ),
    };
  }
  const canary: Canary = { key, versionId };
  if (versionId === undefined) {
    return {
      result: fail(
        PROBE,
        pair.label,
        `the source bucket returned no version id: versioning is not enabled on ${pair.source.name}, and S3 replicates only from versioned buckets`,
        'deploy the primary stack (it enables versioning unless manageSourceVersioning is false)',
      ),
      canary,
    };
  }
  const waited = await waitFor(
    context,
    `replication of s3://${pair.source.name}/${key}`,
    async () => {
      const head = await s3.send(
        new HeadObjectCommand({ Bucket: pair.source.name, Key: key, VersionId: versionId }),
      );
      const status = head.ReplicationStatus;
      const finished = status === 'COMPLETED' || status === 'FAILED' || status === undefined;
      return { done: finished ? (status ?? 'NONE') : undefined, state: status ?? 'no status' };
    },
  );
  canary.replicationStatus = waited.value ?? waited.state;
  if (waited.value === undefined && context.signal.aborted) {
    return {
      result: skip(PROBE, pair.label, `interrupted while waiting (${waited.state})`),
      canary,
    };
  }
  if (waited.value === 'COMPLETED') {
    return {
      result: pass(
        PROBE,
        pair.label,
        `the canary's replication COMPLETED after ${waited.seconds} s`,
      ),
      canary,
    };
  }
  if (waited.value === 'NONE') {
    return {
      result: fail(
        PROBE,
        pair.label,
        `S3 reports no replication status for the canary: no replication rule covers ${pair.source.name}`,
        'deploy the primary stack (it writes the replication configuration of the source bucket)',
      ),
      canary,
    };
  }
  if (waited.value === 'FAILED') {
    return {
      result: fail(
        PROBE,
        pair.label,
        "the canary's replication FAILED (missing replication-role, KMS or backup-bucket permissions; S3 does not retry it)",
        `compare the backup bucket policy with the stack (backup-bucket-drift), then re-replicate: npm run backfill -- --source ${pair.source.name} --destination ${pair.backupBucket} --engine batch`,
      ),
      canary,
    };
  }
  return {
    result: fail(
      PROBE,
      pair.label,
      `the canary is still ${waited.state} after ${waited.seconds} s`,
      'replication can lag under load: run again with a longer --wait-seconds; if it stays PENDING, check the backup bucket exists and is versioned',
    ),
    canary,
  };
}

const REPLICA_PROBE = 'replica-in-backup';

/**
 * With backup-account credentials: the canary's replica exists in the backup bucket, owned by the
 * backup account (BucketOwnerEnforced makes the bucket owner own every object:
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-change-owner.html), encrypted
 * as the stack declares, in the expected storage class. ListObjectVersions reports each version's
 * Owner: https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjectVersions.html
 */
export async function probeReplicaInBackup(
  context: CheckContext,
  pair: BucketPair,
  canary: Canary | undefined,
): Promise<ProbeResult> {
  if (!context.session.hasBackupCredentials) {
    return skip(
      REPLICA_PROBE,
      pair.label,
      'needs backup-account credentials (the primary account may not read the backup)',
      'pass --backup-profile or --backup-role-arn',
    );
  }
  if (canary === undefined) {
    return skip(REPLICA_PROBE, pair.label, 'no canary was written (see replication-completes)');
  }
  const s3 = context.session.s3('backup', pair.backupRegion);
  const waited = await waitFor(context, `the replica in s3://${pair.backupBucket}`, async () => {
    const page = await s3.send(
      new ListObjectVersionsCommand({ Bucket: pair.backupBucket, Prefix: canary.key }),
    );
    const versions = (page.Versions ?? []).filter((v) => v.Key === canary.key);
    // AWS keeps the source's version id on the replica; take the newest otherwise.
    const replica = versions.find((v) => v.VersionId === canary.versionId) ?? versions[0];
    return { done: replica, state: 'not there yet' };
  });
  const replica = waited.value;
  if (replica === undefined && context.signal.aborted) {
    return skip(REPLICA_PROBE, pair.label, 'interrupted while waiting for the replica');
  }
  if (replica === undefined) {
    return fail(
      REPLICA_PROBE,
      pair.label,
      `no replica of ${canary.key} in ${pair.backupBucket} after ${waited.seconds} s`,
      'see replication-completes; check the replication rule names this backup bucket',
    );
  }
  canary.replicaVersionId = replica.VersionId;
  const problems: string[] = [];
  const [head, acl] = await Promise.all([
    s3.send(
      new HeadObjectCommand({
        Bucket: pair.backupBucket,
        Key: canary.key,
        VersionId: replica.VersionId,
      }),
    ),
    s3.send(new GetBucketAclCommand({ Bucket: pair.backupBucket })),
  ]);
  const bucketOwner = acl.Owner?.ID;
  if (replica.Owner?.ID === undefined) {
    problems.push('S3 did not report the replica owner');
  } else if (replica.Owner.ID !== bucketOwner) {
    problems.push(
      `the replica is owned by ${replica.Owner.ID}, not by the backup bucket's owner ${bucketOwner}`,
    );
  }
  const declared = context.expectations.backupBuckets.get(pair.backupBucket);
  const expectedAlgorithm = expectedEncryption(declared?.encryption, pair);
  if (expectedAlgorithm !== undefined && head.ServerSideEncryption !== expectedAlgorithm) {
    problems.push(
      `the replica is encrypted with ${head.ServerSideEncryption ?? 'nothing'}, expected ${expectedAlgorithm}`,
    );
  }
  const expectedClass = pair.source.replicaStorageClass ?? 'STANDARD';
  const actualClass = head.StorageClass ?? 'STANDARD';
  if (actualClass !== expectedClass) {
    problems.push(`the replica is in storage class ${actualClass}, expected ${expectedClass}`);
  }
  if (problems.length > 0) {
    return fail(
      REPLICA_PROBE,
      pair.label,
      problems.join('; '),
      'compare the replication rule and the backup bucket with the stacks (backup-bucket-drift) and redeploy',
    );
  }
  return pass(
    REPLICA_PROBE,
    pair.label,
    `replica version ${replica.VersionId} owned by the backup bucket's owner, ${head.ServerSideEncryption ?? 'unencrypted'}, ${actualClass}`,
  );
}

/**
 * The algorithm the replica must carry: an SSE-KMS canary stays SSE-KMS (re-encrypted with the
 * replica key), anything else gets the backup bucket's declared default encryption. With an
 * aws:kms default (SSE-KMS backups) an SSE-S3 canary is not judged: AWS documents that a replica
 * of an SSE-S3 object keeps SSE-S3 and the destination's default is not applied, which only a
 * live account confirms; the pass line says which the replica carries.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-config-for-kms-objects.html
 */
function expectedEncryption(
  declaration: Record<string, unknown> | undefined,
  pair: BucketPair,
): string | undefined {
  if (pair.source.sourceKmsKeyArn !== undefined) return undefined;
  const rules = declaration?.rule;
  const first = Array.isArray(rules) ? (rules[0] as Record<string, unknown>) : undefined;
  const byDefault = first?.apply_server_side_encryption_by_default as
    Record<string, unknown> | undefined;
  const algorithm = byDefault?.sse_algorithm;
  return typeof algorithm === 'string' && algorithm !== 'aws:kms' ? algorithm : undefined;
}
