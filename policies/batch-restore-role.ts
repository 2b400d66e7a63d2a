import { BastionConfig } from '../config';
import {
  BATCH_RESTORE_BACKUP_OBJECT_ACTIONS,
  BATCH_RESTORE_MANIFEST_OBJECT_ACTIONS,
  BATCH_RESTORE_TARGET_BUCKET_ACTIONS,
  BATCH_RESTORE_TARGET_OBJECT_ACTIONS,
} from './actions';
import { BATCH_RESTORE_PREFIX, bucketArn, objectsArn, partitionOf } from './arns';
import { onBehalfOf } from './conditions';
import { PolicyDocument, Statement, policyDocument } from './document';
import { restoreDataGrants } from './restore-grants';

/**
 * Only S3 Batch Operations, running a job of the backup account, may assume the role.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/batch-ops-iam-role-policies.html
 */
export function batchRestoreRoleTrustPolicy(config: BastionConfig): PolicyDocument {
  const partition = partitionOf(config);
  const backup = config.backup.accountId;
  return policyDocument({ name: 'batch-restore-role-trust', kind: 'trust', partition }, [
    {
      Sid: 'AllowS3BatchOperationsOfBackupAccount',
      Effect: 'Allow',
      Principal: { Service: 'batchoperations.s3.amazonaws.com' },
      Action: ['sts:AssumeRole'],
      Condition: onBehalfOf(backup, [`arn:${partition}:s3:*:${backup}:job/*`]),
    },
  ]);
}

/**
 * Copies chosen versions of the backups into the restore targets: reads object versions of the
 * backup buckets, writes objects of the targets, reads its manifest and writes its completion
 * report under the targets' s3-bastion-restore/ prefix, and never writes to a backup bucket.
 */
export function batchRestoreRolePolicy(config: BastionConfig): PolicyDocument {
  const targets = config.restoreTargetBucketNames ?? [];
  const grants = restoreDataGrants(config, {
    readSid: 'ReadBackupObjectVersions',
    readActions: BATCH_RESTORE_BACKUP_OBJECT_ACTIONS,
    writeActions: BATCH_RESTORE_TARGET_OBJECT_ACTIONS,
  });
  const statements: Statement[] = [...grants.reads, ...grants.writes];
  if (targets.length > 0) {
    statements.push(
      {
        Sid: 'ReadManifestsWriteReports',
        Effect: 'Allow',
        Action: [...BATCH_RESTORE_MANIFEST_OBJECT_ACTIONS],
        Resource: targets.map((b) => objectsArn(config, b, BATCH_RESTORE_PREFIX)),
      },
      {
        Sid: 'LocateTargetBuckets',
        Effect: 'Allow',
        Action: [...BATCH_RESTORE_TARGET_BUCKET_ACTIONS],
        Resource: targets.map((b) => bucketArn(config, b)),
      },
    );
  }
  statements.push(grants.denyBackupWrites);
  return policyDocument(
    { name: 'batch-restore-role-policy', kind: 'identity', partition: partitionOf(config) },
    statements,
  );
}
