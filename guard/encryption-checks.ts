import { BastionConfig, backupEncryptionOf } from '../config';
import { Refusal } from './bucket-checks';
import { Values } from './plan-file';
import { PlanIndex, PlannedBucket, bucketGoes, remaining } from './plan-index';

const ENCRYPTION = 'aws_s3_bucket_server_side_encryption_configuration';

function first(values: unknown, name: string): Values | undefined {
  const list = (values as Values | null | undefined)?.[name];
  return Array.isArray(list) && typeof list[0] === 'object' && list[0] !== null
    ? (list[0] as Values)
    : undefined;
}

/**
 * The ARNs that name the backup key in a plan: each kept aws_kms_key's ARN (known from state), and
 * the config's replicaKmsKeyArns; plus the addresses of the kept keys, for a reference that is
 * only known after apply (the key is created in the same apply).
 */
function backupKeys(index: PlanIndex, config: BastionConfig) {
  const kept = index.ofType('aws_kms_key').filter((k) => remaining(k) !== null);
  const arns = new Set<string>(Object.values(config.replicaKmsKeyArns ?? {}));
  for (const key of kept) {
    for (const values of [key.change.before, key.change.after]) {
      if (typeof values?.arn === 'string') arns.add(values.arn);
    }
  }
  return { arns, addresses: new Set(kept.map((k) => k.address)) };
}

/**
 * With `backupEncryption: 'SSE-KMS'`, each backup bucket's default encryption must stay aws:kms
 * with the backup key: AES256, another key (a primary-account key would let its admins read or
 * destroy every new backup object), or no default encryption at all is refused. The key itself
 * is guarded by key-checks.ts (never destroyed or replaced). With SSE-S3 backups nothing here
 * applies.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/default-bucket-encryption.html
 */
export function encryptionRefusals(
  index: PlanIndex,
  config: BastionConfig,
  buckets: readonly PlannedBucket[],
): Refusal[] {
  if (backupEncryptionOf(config) !== 'SSE-KMS') return [];
  const configured = new Set(config.sourceBuckets.map((b) => b.backupBucketName));
  const keys = backupKeys(index, config);
  const refusals: Refusal[] = [];
  for (const bucket of buckets) {
    if (!configured.has(bucket.name)) continue;
    if (bucketGoes(bucket)) continue;
    const changes = index
      .ofType(ENCRYPTION)
      .filter((c) => index.stringAttribute(c, 'bucket', 'bucket') === bucket.name);
    const address = bucket.bucket[0]?.address ?? bucket.name;
    const kept = changes.filter((c) => remaining(c) !== null);
    for (const gone of changes.filter((c) => remaining(c) === null)) {
      refusals.push({
        address: gone.address,
        reason: `${bucket.name}: its default encryption configuration is destroyed: backupEncryption SSE-KMS needs aws:kms with the backup key`,
      });
    }
    if (kept.length === 0 && changes.length === 0 && bucket.bucket.length > 0) {
      refusals.push({
        address,
        reason: `${bucket.name}: no default encryption configuration: backupEncryption SSE-KMS needs aws:kms with the backup key`,
      });
    }
    for (const change of kept) {
      const byDefault = first(
        first(remaining(change), 'rule'),
        'apply_server_side_encryption_by_default',
      );
      const algorithm = byDefault?.sse_algorithm;
      if (algorithm !== 'aws:kms') {
        refusals.push({
          address: change.address,
          reason: `${bucket.name}: default encryption is ${JSON.stringify(algorithm)}, must be "aws:kms" with the backup key (backupEncryption SSE-KMS)`,
        });
        continue;
      }
      const keyId = byDefault?.kms_master_key_id;
      if (typeof keyId === 'string' && keyId !== '') {
        if (!keys.arns.has(keyId)) {
          refusals.push({
            address: change.address,
            reason: `${bucket.name}: default encryption key ${keyId} is not the backup key of the backup account`,
          });
        }
        continue;
      }
      const references = keyReferences(index, change);
      if (!references.some((r) => keys.addresses.has(r))) {
        refusals.push({
          address: change.address,
          reason: `${bucket.name}: default encryption key is not known before apply and names no kept backup key (${references.join(', ') || 'no reference'})`,
        });
      }
    }
  }
  return refusals;
}

/** The resources the key id of a bucket's default encryption refers to (`aws_kms_key.x`). */
function keyReferences(index: PlanIndex, change: Parameters<PlanIndex['configOf']>[0]): string[] {
  const expressions = index.configOf(change)?.expressions as Values | undefined;
  const byDefault = first(first(expressions, 'rule'), 'apply_server_side_encryption_by_default');
  const keyId = byDefault?.kms_master_key_id as { references?: readonly string[] } | undefined;
  const module = change.module_address ? `${change.module_address}.` : '';
  return (keyId?.references ?? [])
    .filter((r) => r.startsWith('aws_kms_key.') && r.split('.').length === 2)
    .map((r) => `${module}${r}`);
}
