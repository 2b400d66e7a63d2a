import {
  GetBucketEncryptionCommand,
  GetBucketLifecycleConfigurationCommand,
  GetBucketOwnershipControlsCommand,
  GetBucketPolicyCommand,
  GetBucketVersioningCommand,
  GetPublicAccessBlockCommand,
  type LifecycleRule,
  type PublicAccessBlockConfiguration,
  type ServerSideEncryptionRule,
} from '@aws-sdk/client-s3';
import { partitionOf } from '../../policies/arns';
import { type CheckContext, answerOf, isAccessDenied } from '../context';
import type { BackupBucketDeclaration, BucketPair } from '../expectations';
import { type ProbeResult, fail, pass, skip } from '../probe';

const PROBE = 'backup-bucket-drift';

/** What S3 says about a backup bucket; `undefined` where S3 answered "not configured". */
export interface LiveBucketSettings {
  readonly versioning?: string;
  readonly publicAccessBlock?: PublicAccessBlockConfiguration;
  readonly ownership?: string;
  readonly encryption?: readonly ServerSideEncryptionRule[];
  readonly lifecycle?: readonly LifecycleRule[];
  readonly policy?: string;
}

type Block = Record<string, unknown>;

/** The backup account's key that an SSE-KMS backup bucket declares by reference. */
export interface BackupKeyExpectation {
  readonly partition: string;
  readonly accountId: string;
  /** The config's replicaKmsKeyArns entry of the bucket's region, when it has one. */
  readonly knownArn?: string;
}

/** A Terraform or S3 value in a message: strings as they are, anything else as JSON. */
const show = (value: unknown): string =>
  typeof value === 'string' ? value : (JSON.stringify(value) ?? 'undefined');

/** Terraform nests single blocks in lists (`rule: [{...}]`) or not; take the first either way. */
function first(value: unknown): Block | undefined {
  if (Array.isArray(value)) return value[0] as Block | undefined;
  return typeof value === 'object' && value !== null ? (value as Block) : undefined;
}

/** A policy in canonical form: single-element arrays as scalars, keys and lists sorted. */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) {
    const items = value.map(canonical);
    if (items.length === 1) return items[0];
    return items.map((i) => JSON.stringify(i)).sort();
  }
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(
      Object.entries(value as Block)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, v]) => [k, canonical(v)]),
    );
  }
  return value;
}

function sameSid(statement: unknown): string {
  return show((statement as Block | undefined)?.Sid ?? statement);
}

/** The statements that differ, by Sid, so that the report names the guardrail that drifted. */
function policyDifferences(declared: string, live: string): string[] {
  const statements = (text: string) =>
    new Map(
      (((JSON.parse(text) as Block).Statement as unknown[] | undefined) ?? []).map((s) => [
        sameSid(s),
        JSON.stringify(canonical(s)),
      ]),
    );
  const want = statements(declared);
  const have = statements(live);
  const differences: string[] = [];
  for (const [sid, text] of want) {
    if (!have.has(sid)) differences.push(`policy statement ${sid} is missing`);
    else if (have.get(sid) !== text) differences.push(`policy statement ${sid} differs`);
  }
  for (const sid of have.keys()) {
    if (!want.has(sid)) differences.push(`policy statement ${sid} is not declared by the stack`);
  }
  return differences;
}

const PAB_FIELDS = [
  ['block_public_acls', 'BlockPublicAcls'],
  ['block_public_policy', 'BlockPublicPolicy'],
  ['ignore_public_acls', 'IgnorePublicAcls'],
  ['restrict_public_buckets', 'RestrictPublicBuckets'],
] as const;

function lifecycleDifferences(
  declared: Block,
  live: readonly LifecycleRule[] | undefined,
): string[] {
  const rules = (Array.isArray(declared.rule) ? declared.rule : []) as Block[];
  const liveById = new Map((live ?? []).map((r) => [r.ID, r]));
  const differences: string[] = [];
  for (const rule of rules) {
    const id = String(rule.id);
    const actual = liveById.get(id);
    liveById.delete(id);
    if (actual === undefined) {
      differences.push(`lifecycle rule ${id} is missing`);
      continue;
    }
    const want = {
      status: rule.status,
      noncurrentDays: first(rule.noncurrent_version_expiration)?.noncurrent_days,
      expiredObjectDeleteMarker: first(rule.expiration)?.expired_object_delete_marker,
      abortDays: first(rule.abort_incomplete_multipart_upload)?.days_after_initiation,
    };
    const have = {
      status: actual.Status,
      noncurrentDays: actual.NoncurrentVersionExpiration?.NoncurrentDays,
      expiredObjectDeleteMarker: actual.Expiration?.ExpiredObjectDeleteMarker,
      abortDays: actual.AbortIncompleteMultipartUpload?.DaysAfterInitiation,
    };
    for (const field of Object.keys(want) as (keyof typeof want)[]) {
      if (want[field] !== undefined && want[field] !== have[field]) {
        differences.push(
          `lifecycle rule ${id} ${field}: declared ${show(want[field])}, found ${show(have[field])}`,
        );
      }
    }
  }
  for (const id of liveById.keys()) {
    differences.push(`lifecycle rule ${id ?? '(no id)'} is not declared by the stack`);
  }
  return differences;
}

/** Every difference between what the stack declares and what S3 reports, in one list. */
export function bucketDifferences(
  declared: BackupBucketDeclaration,
  live: LiveBucketSettings,
  backupKey?: BackupKeyExpectation,
): string[] {
  const differences: string[] = [];
  const status = first(declared.versioning?.versioning_configuration)?.status;
  if (status !== undefined && status !== live.versioning) {
    differences.push(
      `versioning: declared ${show(status)}, found ${live.versioning ?? 'never enabled'}`,
    );
  }
  if (declared.publicAccessBlock !== undefined) {
    for (const [tf, s3] of PAB_FIELDS) {
      const want = declared.publicAccessBlock[tf];
      const have = live.publicAccessBlock?.[s3];
      if (want !== undefined && want !== (have ?? false)) {
        differences.push(
          `public access block ${s3}: declared ${show(want)}, found ${String(have ?? 'not set')}`,
        );
      }
    }
  }
  const ownership = first(declared.ownership?.rule)?.object_ownership;
  if (ownership !== undefined && ownership !== live.ownership) {
    differences.push(
      `object ownership: declared ${show(ownership)}, found ${live.ownership ?? 'not set'}`,
    );
  }
  const encryption = first(declared.encryption?.rule);
  if (encryption !== undefined) {
    const byDefault = first(encryption.apply_server_side_encryption_by_default);
    const rule = live.encryption?.[0];
    const want = byDefault?.sse_algorithm;
    const have = rule?.ApplyServerSideEncryptionByDefault?.SSEAlgorithm;
    if (want !== undefined && want !== have) {
      differences.push(`default encryption: declared ${show(want)}, found ${have ?? 'none'}`);
    }
    const keyId = byDefault?.kms_master_key_id;
    const liveKey = rule?.ApplyServerSideEncryptionByDefault?.KMSMasterKeyID;
    if (typeof keyId === 'string' && !keyId.includes('${') && keyId !== liveKey) {
      differences.push(`default encryption key: declared ${keyId}, found ${liveKey ?? 'none'}`);
    }
    // The stack names the backup key by reference (its ARN exists only after apply): the live key
    // must be that key, by ARN when the config knows it, else a key of the backup account in the
    // bucket's region. S3 answers GetBucketEncryption with the key as it was set: the ARN.
    // https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketEncryption.html
    if (typeof keyId === 'string' && keyId.includes('${aws_kms_key.') && backupKey) {
      const prefix = `arn:${backupKey.partition}:kms:${declared.region}:${backupKey.accountId}:key/`;
      const wrong =
        backupKey.knownArn !== undefined
          ? liveKey !== backupKey.knownArn
          : liveKey === undefined || !liveKey.startsWith(prefix);
      if (wrong) {
        differences.push(
          `default encryption key: declared the backup key (${backupKey.knownArn ?? `${prefix}...`}), found ${liveKey ?? 'none'}`,
        );
      }
    }
    const bucketKey = encryption.bucket_key_enabled;
    if (bucketKey !== undefined && bucketKey !== (rule?.BucketKeyEnabled ?? false)) {
      differences.push(
        `bucket key: declared ${show(bucketKey)}, found ${String(rule?.BucketKeyEnabled ?? false)}`,
      );
    }
  }
  if (declared.lifecycle !== undefined) {
    differences.push(...lifecycleDifferences(declared.lifecycle, live.lifecycle));
  }
  if (declared.policy !== undefined) {
    if (live.policy === undefined) differences.push('the bucket has no policy');
    else differences.push(...policyDifferences(declared.policy, live.policy));
  }
  return differences;
}

/** S3's "not configured" answers: the setting is absent, which is a difference, not an error. */
const NOT_CONFIGURED = new Set([
  'NoSuchPublicAccessBlockConfiguration',
  'OwnershipControlsNotFoundError',
  'ServerSideEncryptionConfigurationNotFoundError',
  'NoSuchLifecycleConfiguration',
  'NoSuchBucketPolicy',
]);

async function orAbsent<T>(read: () => Promise<T>): Promise<T | undefined> {
  try {
    return await read();
  } catch (error) {
    if (NOT_CONFIGURED.has(answerOf(error))) return undefined;
    throw error;
  }
}

/**
 * Reads each setting with the backup account's credentials: GetBucketVersioning,
 * GetPublicAccessBlock, GetBucketOwnershipControls, GetBucketEncryption,
 * GetBucketLifecycleConfiguration, GetBucketPolicy
 * (https://docs.aws.amazon.com/AmazonS3/latest/API/API_Operations_Amazon_Simple_Storage_Service.html).
 */
export async function readLiveSettings(
  context: CheckContext,
  pair: BucketPair,
): Promise<LiveBucketSettings> {
  const s3 = context.session.s3('backup', pair.backupRegion);
  const Bucket = pair.backupBucket;
  const versioning = await s3.send(new GetBucketVersioningCommand({ Bucket }));
  const pab = await orAbsent(() => s3.send(new GetPublicAccessBlockCommand({ Bucket })));
  const ownership = await orAbsent(() =>
    s3.send(new GetBucketOwnershipControlsCommand({ Bucket })),
  );
  const encryption = await orAbsent(() => s3.send(new GetBucketEncryptionCommand({ Bucket })));
  const lifecycle = await orAbsent(() =>
    s3.send(new GetBucketLifecycleConfigurationCommand({ Bucket })),
  );
  const policy = await orAbsent(() => s3.send(new GetBucketPolicyCommand({ Bucket })));
  return {
    versioning: versioning.Status,
    publicAccessBlock: pab?.PublicAccessBlockConfiguration,
    ownership: ownership?.OwnershipControls?.Rules?.[0]?.ObjectOwnership,
    encryption: encryption?.ServerSideEncryptionConfiguration?.Rules,
    lifecycle: lifecycle?.Rules,
    policy: policy?.Policy,
  };
}

export async function probeBackupBucketDrift(
  context: CheckContext,
  pair: BucketPair,
): Promise<ProbeResult> {
  if (!context.session.hasBackupCredentials) {
    return skip(
      PROBE,
      pair.label,
      'reading the backup bucket settings needs backup-account credentials',
      'pass --backup-profile or --backup-role-arn',
    );
  }
  const declared = context.expectations.backupBuckets.get(pair.backupBucket);
  if (declared === undefined) {
    return skip(PROBE, pair.label, `the synthesized stacks declare no bucket ${pair.backupBucket}`);
  }
  let live: LiveBucketSettings;
  try {
    live = await readLiveSettings(context, pair);
  } catch (error) {
    if (isAccessDenied(error)) {
      return skip(
        PROBE,
        pair.label,
        `no permission to read the bucket settings (${answerOf(error)})`,
        'use backup-account credentials allowed s3:GetBucket* on the backup bucket',
      );
    }
    return fail(PROBE, pair.label, `cannot read the bucket settings: ${answerOf(error)}`);
  }
  const differences = bucketDifferences(declared, live, {
    partition: partitionOf(context.config),
    accountId: context.config.backup.accountId,
    knownArn: context.config.replicaKmsKeyArns?.[pair.backupRegion],
  });
  if (differences.length > 0) {
    return fail(
      PROBE,
      pair.label,
      differences.join('; '),
      `someone changed the bucket outside Terraform, or the ${declared.stack} stack is not applied: review, then cdktf deploy ${declared.stack}`,
    );
  }
  return pass(
    PROBE,
    pair.label,
    'versioning, public access block, ownership, encryption, lifecycle and policy equal the synthesized stack',
  );
}
