import {
  REPLICA_STORAGE_CLASSES,
  RESTORE_READABLE_STORAGE_CLASSES,
  type SourceBucketConfig,
} from '..';
import { MIN_NONCURRENT_VERSION_RETENTION_DAYS } from '../limits';
import {
  bucketNameProblems,
  KMS_KEY_ARN,
  type ConfigProblem,
  isPositiveInteger,
  partitionOf,
  problem,
  regionProblems,
  type SectionChecker,
} from './rules';

/** `sourceBuckets[i].sourceKmsKeyArn`: a key of the primary account in the bucket's region. */
function kmsKeyProblems(
  at: string,
  bucket: SourceBucketConfig,
  primaryAccountId: string,
  partition: string,
): ConfigProblem[] {
  if (bucket.sourceKmsKeyArn === undefined) return [];
  const m = KMS_KEY_ARN.exec(bucket.sourceKmsKeyArn);
  if (!m) {
    return [
      problem(
        `${at}.sourceKmsKeyArn`,
        bucket.sourceKmsKeyArn,
        'must be a KMS key ARN: arn:<partition>:kms:<region>:<account>:key/<key id>',
      ),
    ];
  }
  if (m[1] === partition && m[2] === bucket.region && m[3] === primaryAccountId) return [];
  return [
    problem(
      `${at}.sourceKmsKeyArn`,
      bucket.sourceKmsKeyArn,
      `must be a key of the primary account ${primaryAccountId} in the bucket's region ${bucket.region}, partition '${partition}'`,
    ),
  ];
}

/** `sourceBuckets`: at least one; valid, distinct bucket names, regions, retention, keys. */
export const sourceBucketProblems: SectionChecker = (config) => {
  const problems: ConfigProblem[] = [];
  if (config.sourceBuckets.length === 0) {
    problems.push(problem('sourceBuckets', [], 'must name at least one source bucket'));
  }
  const firstPathOf = new Map<string, string>();
  const nameProblems = (path: string, name: string) => {
    problems.push(...bucketNameProblems(path, name));
    const firstPath = firstPathOf.get(name);
    if (firstPath === undefined) firstPathOf.set(name, path);
    else {
      problems.push(
        problem(
          path,
          name,
          `must be distinct from every other bucket name, but ${firstPath} has it too`,
        ),
      );
    }
  };
  config.sourceBuckets.forEach((bucket, i) => {
    const at = `sourceBuckets[${i}]`;
    nameProblems(`${at}.name`, bucket.name);
    nameProblems(`${at}.backupBucketName`, bucket.backupBucketName);
    problems.push(...regionProblems(`${at}.region`, bucket.region));
    if (bucket.backupRegion !== undefined) {
      problems.push(...regionProblems(`${at}.backupRegion`, bucket.backupRegion));
    }
    if (!isPositiveInteger(bucket.noncurrentVersionRetentionDays)) {
      problems.push(
        problem(
          `${at}.noncurrentVersionRetentionDays`,
          bucket.noncurrentVersionRetentionDays,
          'must be a positive whole number of days',
        ),
      );
    } else if (
      bucket.noncurrentVersionRetentionDays < MIN_NONCURRENT_VERSION_RETENTION_DAYS &&
      !bucket.shortRetentionReason?.trim()
    ) {
      problems.push(
        problem(
          `${at}.noncurrentVersionRetentionDays`,
          bucket.noncurrentVersionRetentionDays,
          `must be at least ${MIN_NONCURRENT_VERSION_RETENTION_DAYS} days (the recovery window) unless ${at}.shortRetentionReason says why`,
        ),
      );
    }
    problems.push(...storageClassProblems(at, bucket.replicaStorageClass));
    problems.push(...kmsKeyProblems(at, bucket, config.primary.accountId, partitionOf(config)));
  });
  return problems;
};

/** `restoreTargetBucketNames`: valid names, never a backup bucket. */
export const restoreTargetProblems: SectionChecker = (config) =>
  (config.restoreTargetBucketNames ?? []).flatMap((name, i) => {
    const at = `restoreTargetBucketNames[${i}]`;
    return [
      ...bucketNameProblems(at, name),
      ...(config.sourceBuckets.some((b) => b.backupBucketName === name)
        ? [problem(at, name, 'must not be a backup bucket: a restore never writes into the backup')]
        : []),
    ];
  });

/** `batchReplicationReportBucket`: a valid name. */
export const batchReportBucketProblems: SectionChecker = (config) =>
  config.batchReplicationReportBucket === undefined
    ? []
    : bucketNameProblems('batchReplicationReportBucket', config.batchReplicationReportBucket);

/**
 * A replica storage class S3 knows, and one the restore reads at once: an archived replica needs a
 * RestoreObject request and hours of waiting first (docs/backup-integrity.md).
 */
function storageClassProblems(at: string, storageClass: string | undefined): ConfigProblem[] {
  if (storageClass === undefined) return [];
  const readable = RESTORE_READABLE_STORAGE_CLASSES.join(', ');
  if (!(REPLICA_STORAGE_CLASSES as readonly string[]).includes(storageClass)) {
    return [problem(`${at}.replicaStorageClass`, storageClass, `must be one of ${readable}`)];
  }
  if (!(RESTORE_READABLE_STORAGE_CLASSES as readonly string[]).includes(storageClass)) {
    return [
      problem(
        `${at}.replicaStorageClass`,
        storageClass,
        `must be a class the restore reads without RestoreObject (${readable}): ` +
          'an archived replica needs a restore request and hours of waiting before it can be read, ' +
          'which the restore path does not do, and bills a minimum storage duration',
      ),
    ];
  }
  return [];
}
