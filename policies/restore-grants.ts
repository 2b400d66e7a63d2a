import { BastionConfig, keyEncryptedBackups } from '../config';
import { S3_WRITE_ACTION_PATTERNS } from './actions';
import { backupRegionOf, bucketArn, objectsArn } from './arns';
import { Statement } from './document';
import { decryptThroughS3, replicaKeys } from './kms-grants';

/**
 * What both restore roles (the operator's restore role and the batch-restore role that S3 Batch
 * Operations runs as) need to bring a backup back: read backup object versions, decrypt the ones
 * the backup key encrypts (through S3 only), write restored objects into the targets, and never
 * write to a backup bucket. Written once, so that the two roles cannot drift apart.
 */
export interface RestoreDataGrants {
  /** Reads of backup object versions, and kms:Decrypt through S3 where the backup key encrypts them. */
  readonly reads: Statement[];
  /** Writes of restored objects into the restore targets; empty when the config names none. */
  readonly writes: Statement[];
  readonly denyBackupWrites: Statement;
}

export function restoreDataGrants(
  config: BastionConfig,
  role: {
    /** The Sid of the backup-version read statement (kept per role). */
    readonly readSid: string;
    readonly readActions: readonly string[];
    readonly writeActions: readonly string[];
  },
): RestoreDataGrants {
  const backups = config.sourceBuckets.map((b) => b.backupBucketName);
  const targets = config.restoreTargetBucketNames ?? [];
  const reads: Statement[] = [
    {
      Sid: role.readSid,
      Effect: 'Allow',
      Action: [...role.readActions],
      Resource: backups.map((b) => objectsArn(config, b)),
    },
  ];
  // Replicas of SSE-KMS sources, and with SSE-KMS backups every object S3 encrypts by default,
  // are encrypted with the backup key of their region: reading them takes kms:Decrypt on it,
  // through S3. The key is the backup account's, so this grant and the key policy's grant to the
  // account are enough.
  const encrypted = keyEncryptedBackups(config);
  if (encrypted.length > 0) {
    const keys = replicaKeys(config, encrypted.map(backupRegionOf));
    reads.push(
      decryptThroughS3(
        config,
        'DecryptReplicasThroughS3',
        keys.resources,
        encrypted.map((b) => ({ bucketName: b.backupBucketName, region: backupRegionOf(b) })),
        keys.condition,
      ),
    );
  }
  const writes: Statement[] =
    targets.length > 0
      ? [
          {
            Sid: 'WriteRestoredObjectsToTargets',
            Effect: 'Allow',
            Action: [...role.writeActions],
            Resource: targets.map((b) => objectsArn(config, b)),
          },
        ]
      : [];
  return { reads, writes, denyBackupWrites: denyWritesToBackupBuckets(config) };
}

/** Whatever else a restore role is granted, it never writes to a backup bucket. */
export function denyWritesToBackupBuckets(config: BastionConfig): Statement {
  return {
    Sid: 'DenyWritesToBackupBuckets',
    Effect: 'Deny',
    Action: [...S3_WRITE_ACTION_PATTERNS],
    Resource: config.sourceBuckets.flatMap((b) => [
      bucketArn(config, b.backupBucketName),
      objectsArn(config, b.backupBucketName),
    ]),
  };
}
