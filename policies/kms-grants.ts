import { BastionConfig } from '../config';
import { KMS_DECRYPT_ACTIONS, KMS_ENCRYPT_ACTIONS } from './actions';
import {
  REPLICA_KEY_ALIAS,
  backupAccountKeysArn,
  replicaKeyArn,
  s3EncryptionContexts,
} from './arns';
import { ConditionBlock, Statement } from './document';

/** A bucket whose SSE-KMS objects a role reads through S3. */
export interface KmsEncryptedBucket {
  readonly bucketName: string;
  readonly region: string;
}

/**
 * kms:Decrypt on `keys`, only when S3 asks for it (kms:ViaService) on behalf of one of the
 * `buckets` (the encryption context S3 sends: the object's ARN, or the bucket's with S3 Bucket
 * Keys). Every role that reads an SSE-KMS object needs it, besides the S3 permission.
 * https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-via-service
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucket-key.html
 */
export function decryptThroughS3(
  config: BastionConfig,
  Sid: string,
  keys: readonly string[],
  buckets: readonly KmsEncryptedBucket[],
  condition: Statement['Condition'] = {},
): Statement {
  return {
    Sid,
    Effect: 'Allow',
    Action: [...KMS_DECRYPT_ACTIONS],
    Resource: [...new Set(keys)],
    Condition: {
      ...condition,
      StringEquals: {
        'kms:ViaService': [...new Set(buckets.map((b) => `s3.${b.region}.amazonaws.com`))],
      },
      StringLike: {
        'kms:EncryptionContext:aws:s3:arn': [
          ...new Set(buckets.flatMap((b) => s3EncryptionContexts(config, b.bucketName))),
        ],
      },
    },
  };
}

/**
 * How a grant names the replica keys of some backup regions: by ARN when the config knows every
 * one (`replicaKmsKeyArns`); else any key of the backup account that carries the replica alias
 * (the key id is random until the backup stack is applied, and an alias-based grant takes up to
 * five minutes to apply after the alias changes).
 * https://docs.aws.amazon.com/kms/latest/developerguide/alias-authorization.html
 */
export function replicaKeys(
  config: BastionConfig,
  regions: readonly string[],
): { readonly resources: string[]; readonly condition: ConditionBlock } {
  const unique = [...new Set(regions)];
  const known = unique.map((r) => replicaKeyArn(config, r));
  if (known.every((arn): arn is string => arn !== undefined)) {
    return { resources: known, condition: {} };
  }
  return {
    resources: unique.map((r) => backupAccountKeysArn(config, r)),
    condition: { 'ForAnyValue:StringEquals': { 'kms:ResourceAliases': [REPLICA_KEY_ALIAS] } },
  };
}

/**
 * Encrypt with the backup account's key of each of `regions` (the replica key), only when S3 asks
 * on the role's behalf in that region. A cross-account key use needs this grant and the key
 * policy's (policies/replica-key-policy.ts).
 * https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-modifying-external-accounts.html
 */
export function encryptWithBackupKeys(
  config: BastionConfig,
  Sid: string,
  regions: readonly string[],
): Statement {
  const keys = replicaKeys(config, regions);
  return encryptThroughS3(Sid, keys.resources, regions, keys.condition);
}

/**
 * kms:Encrypt and kms:GenerateDataKey on `keys`, only when S3 asks for them (kms:ViaService) in
 * one of `regions`: what a role needs, besides the S3 permission, to write SSE-KMS objects.
 */
export function encryptThroughS3(
  Sid: string,
  keys: readonly string[],
  regions: readonly string[],
  condition: ConditionBlock = {},
): Statement {
  return {
    Sid,
    Effect: 'Allow',
    Action: [...KMS_ENCRYPT_ACTIONS],
    Resource: [...new Set(keys)],
    Condition: {
      ...condition,
      StringEquals: { 'kms:ViaService': [...new Set(regions)].map((r) => `s3.${r}.amazonaws.com`) },
    },
  };
}
