import { BastionConfig } from '../config';
import {
  BATCH_JOB_CREATE_ACTIONS,
  BATCH_JOB_READ_ACTIONS,
  PASS_ROLE_ACTIONS,
  RESTORE_BACKUP_BUCKET_ACTIONS,
  RESTORE_BACKUP_OBJECT_ACTIONS,
  RESTORE_TARGET_BUCKET_ACTIONS,
  RESTORE_TARGET_OBJECT_ACTIONS,
} from './actions';
import {
  INVENTORY_REPORT_PREFIX,
  accountRootArn,
  backupRegionOf,
  bucketArn,
  inventoryBucketName,
  objectsArn,
  partitionOf,
  roleArn,
} from './arns';
import { principalIs } from './conditions';
import { PolicyDocument, Statement, policyDocument } from './document';
import { restoreDataGrants } from './restore-grants';

/**
 * The break-glass role lives in the backup account and trusts only backup-account principals
 * named in config. With none named, nobody can assume it (the statement names the account but
 * requires a principal ARN that cannot match).
 */
export function restoreRoleTrustPolicy(config: BastionConfig): PolicyDocument {
  const operators = config.restorePrincipalArns ?? [];
  return policyDocument(
    { name: 'restore-role-trust', kind: 'trust', partition: partitionOf(config) },
    [
      {
        Sid: 'AllowBreakGlassOperatorsToAssume',
        Effect: 'Allow',
        Principal: { AWS: accountRootArn(config, config.backup.accountId) },
        Action: ['sts:AssumeRole'],
        Condition: principalIs(
          ...(operators.length > 0
            ? operators
            : [
                `arn:${partitionOf(config)}:iam::${config.backup.accountId}:role/no-restore-operator-configured`,
              ]),
        ),
      },
    ],
  );
}

/** Read every version of the backups; write only to the configured restore targets. */
export function restoreRolePolicy(config: BastionConfig): PolicyDocument {
  const backups = config.sourceBuckets.map((b) => b.backupBucketName);
  const targets = config.restoreTargetBucketNames ?? [];
  const grants = restoreDataGrants(config, {
    readSid: 'ReadEveryBackupObjectVersion',
    readActions: RESTORE_BACKUP_OBJECT_ACTIONS,
    writeActions: RESTORE_TARGET_OBJECT_ACTIONS,
  });
  const statements: Statement[] = [
    {
      Sid: 'ListBackupBucketVersions',
      Effect: 'Allow',
      Action: [...RESTORE_BACKUP_BUCKET_ACTIONS],
      Resource: backups.map((b) => bucketArn(config, b)),
    },
    ...grants.reads,
    ...(targets.length > 0
      ? [
          {
            Sid: 'ListRestoreTargets',
            Effect: 'Allow' as const,
            Action: [...RESTORE_TARGET_BUCKET_ACTIONS],
            Resource: targets.map((b) => bucketArn(config, b)),
          },
        ]
      : []),
    ...grants.writes,
    grants.denyBackupWrites,
  ];
  if (config.inventory?.enabled === true) {
    // restore --engine batch --versions-from-inventory and verify --inventory read the backup
    // buckets' reports from the backup account's inventory buckets.
    const inventories = [
      ...new Set(
        config.sourceBuckets.map((b) =>
          inventoryBucketName(config, config.backup.accountId, backupRegionOf(b)),
        ),
      ),
    ];
    statements.push(
      {
        Sid: 'ListBackupInventoryReports',
        Effect: 'Allow',
        Action: ['s3:ListBucket'],
        Resource: inventories.map((b) => bucketArn(config, b)),
      },
      {
        Sid: 'ReadBackupInventoryReports',
        Effect: 'Allow',
        Action: ['s3:GetObject'],
        Resource: inventories.map((b) => objectsArn(config, b, `${INVENTORY_REPORT_PREFIX}/`)),
      },
    );
  }
  if (targets.length > 0) {
    // restore --engine batch: the operator starts and follows a Batch Operations Copy job that
    // runs as the batch-restore role.
    statements.push(
      {
        Sid: 'StartBatchRestoreJobs',
        Effect: 'Allow',
        Action: [...BATCH_JOB_CREATE_ACTIONS],
        Resource: ['*'],
      },
      {
        Sid: 'FollowBatchRestoreJobs',
        Effect: 'Allow',
        Action: [...BATCH_JOB_READ_ACTIONS],
        Resource: [`arn:${partitionOf(config)}:s3:*:${config.backup.accountId}:job/*`],
      },
      {
        Sid: 'PassBatchRestoreRole',
        Effect: 'Allow',
        Action: [...PASS_ROLE_ACTIONS],
        Resource: [roleArn(config, 'batchRestore')],
      },
    );
  }
  return policyDocument(
    { name: 'restore-role-policy', kind: 'identity', partition: partitionOf(config) },
    statements,
  );
}
