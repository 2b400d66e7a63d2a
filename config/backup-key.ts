import { backupRegionOf } from '../policies/arns';
import type { BastionConfig, SourceBucketConfig } from './types';

/** The backup buckets' default encryption, `backupEncryption` or its default. */
export function backupEncryptionOf(config: BastionConfig): 'SSE-S3' | 'SSE-KMS' {
  return config.backupEncryption ?? 'SSE-S3';
}

/**
 * The source buckets whose backups hold objects encrypted with the backup account's key of their
 * backup region (the replica key): every one with SSE-KMS backups, else the SSE-KMS sources (their
 * replicas are re-encrypted with it).
 */
export function keyEncryptedBackups(
  config: BastionConfig,
  buckets: readonly SourceBucketConfig[] = config.sourceBuckets,
): SourceBucketConfig[] {
  return backupEncryptionOf(config) === 'SSE-KMS'
    ? [...buckets]
    : buckets.filter((b) => b.sourceKmsKeyArn !== undefined);
}

/** The backup regions that hold a backup-account key (replica key), in config order. */
export function backupKeyRegions(config: BastionConfig): string[] {
  return [...new Set(keyEncryptedBackups(config).map(backupRegionOf))];
}
