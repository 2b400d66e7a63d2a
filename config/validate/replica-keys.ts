import {
  type ConfigProblem,
  KMS_KEY_ARN,
  partitionOf,
  problem,
  type SectionChecker,
} from './rules';
import { backupKeyRegions } from '../backup-key';

const BACKUP_ENCRYPTIONS = ['SSE-S3', 'SSE-KMS'];

/** `backupEncryption`: the backup buckets' default encryption, one of the two S3 offers here. */
export const backupEncryptionProblems: SectionChecker = (config) =>
  config.backupEncryption === undefined || BACKUP_ENCRYPTIONS.includes(config.backupEncryption)
    ? []
    : [problem('backupEncryption', config.backupEncryption, 'must be SSE-S3 or SSE-KMS')];

/**
 * `replicaKmsKeyArns`: per backup region, a key of the backup account in that region, and only
 * for regions that hold one: where the backup of an SSE-KMS source bucket lives, or every backup
 * region with `backupEncryption: 'SSE-KMS'`.
 */
export const replicaKeyProblems: SectionChecker = (config) => {
  const partition = partitionOf(config);
  const kmsBackupRegions = new Set(backupKeyRegions(config));
  const problems: ConfigProblem[] = [];
  for (const [region, arn] of Object.entries(config.replicaKmsKeyArns ?? {})) {
    const at = `replicaKmsKeyArns['${region}']`;
    const m = KMS_KEY_ARN.exec(arn);
    if (!m) {
      problems.push(
        problem(
          at,
          arn,
          'must be a KMS key ARN: arn:<partition>:kms:<region>:<account>:key/<key id>',
        ),
      );
    } else if (m[1] !== partition || m[2] !== region || m[3] !== config.backup.accountId) {
      problems.push(
        problem(
          at,
          arn,
          `must be a key of the backup account ${config.backup.accountId} in ${region}, partition '${partition}' (the backup stack's replica-key-arn output)`,
        ),
      );
    }
    if (!kmsBackupRegions.has(region)) {
      problems.push(
        problem(
          at,
          arn,
          "must be a backup region that holds a replica key: one where the backup of an SSE-KMS source bucket lives, or any backup region with backupEncryption 'SSE-KMS'",
        ),
      );
    }
  }
  return problems;
};
