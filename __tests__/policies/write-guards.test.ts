import { BastionConfig, exampleConfig } from '../../config';
import { backupBucketPolicy } from '../../policies/backup-bucket-policy';
import { RoleKey, roleName } from '../../policies/arns';
import { PolicyDocument } from '../../policies/document';
import { ADMIN_POLICY, Actor, ActorId, actorsOf } from '../../review/actors';
import { evaluate } from '../../review/evaluate';
import {
  Variant,
  putObjectIntegrityVariants,
  replicateObjectVariants,
  writeKeysFor,
} from '../../review/variants';
import { synthesizedDocuments } from './synthesized-example';

/**
 * What replication and backfill may write into a backup bucket (docs/backup-integrity.md): each
 * write guardrail fires on its request shape, and each legitimate write still passes, through the
 * IAM evaluator, on the policy as synthesized. The shapes use only condition keys that AWS lists
 * for the action:
 * https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazons3.html
 */
const locked: BastionConfig = {
  ...exampleConfig,
  objectLock: { mode: 'COMPLIANCE', days: 30 },
  sourceBuckets: exampleConfig.sourceBuckets.map((b) => ({
    ...b,
    noncurrentVersionRetentionDays: Math.max(b.noncurrentVersionRetentionDays, 30),
  })),
};

const PUT_OBJECT: Record<string, string> = {
  'if-none-match+sse-s3': 'Allowed',
  'if-none-match+sse-kms-backup-key': 'Allowed',
  'if-none-match+sse-kms-foreign-key': 'DenyForeignKmsKeyWritesOutsideBackupAccount',
  'if-none-match+sse-kms-no-key-id': 'DenyKmsWritesWithoutKeyIdOutsideBackupAccount',
  'if-none-match+sse-c': 'DenySseCWritesOutsideBackupAccount',
  'if-none-match+object-lock-mode': 'DenyObjectLockModeWritesOutsideBackupAccount',
  'if-none-match+object-lock-retain-until': 'DenyObjectLockRetainUntilWritesOutsideBackupAccount',
  'if-none-match+legal-hold': 'DenyObjectLegalHoldWritesOutsideBackupAccount',
  'if-none-match+standard-ia': 'Allowed',
  'if-none-match+glacier-ir': 'Allowed',
  'if-none-match+glacier': 'DenyArchiveStorageClassWritesOutsideBackupAccount',
  'if-none-match+deep-archive': 'DenyArchiveStorageClassWritesOutsideBackupAccount',
  'multipart-step+sse-c': 'DenySseCWritesOutsideBackupAccount',
  'multipart-step+deep-archive': 'DenyArchiveStorageClassWritesOutsideBackupAccount',
};

const REPLICATE_OBJECT: Record<string, string> = {
  '': 'Allowed',
  'sse-s3': 'Allowed',
  'sse-kms-backup-key': 'Allowed',
  'sse-kms-foreign-key': 'DenyForeignKmsKeyWritesOutsideBackupAccount',
  'sse-c': 'DenySseCWritesOutsideBackupAccount',
};

interface Setup {
  readonly config: BastionConfig;
  readonly actors: Actor[];
  readonly policies: Map<string, PolicyDocument>;
}

function setUp(config: BastionConfig): Setup {
  const documents = synthesizedDocuments(config);
  const rolePolicy = (role: RoleKey) =>
    documents.find((d) => d.kind === 'role-policy' && d.owner === roleName(config, role))!.document;
  const policies = new Map(
    documents.filter((d) => d.kind === 'bucket-policy').map((d) => [d.owner, d.document]),
  );
  return { config, actors: actorsOf(config, rolePolicy), policies };
}

async function outcome(
  setup: Setup,
  bucket: string,
  actorId: ActorId,
  action: string,
  variant: Variant,
): Promise<string> {
  const decision = await evaluate({
    actor: setup.actors.find((a) => a.id === actorId)!,
    action,
    resource: `arn:aws:s3:::${bucket}/some/object-key`,
    resourceAccount: setup.config.backup.accountId,
    resourcePolicy: setup.policies.get(bucket),
    secureTransport: true,
    context: variant.context,
  });
  if (decision.result === 'Allowed') return 'Allowed';
  // The Sid of the write guardrail that fired (other Denies may fire beside it).
  return decision.deniedBy.find((sid) => /Outside|BeyondCap/.test(sid)) ?? decision.result;
}

describe.each([
  ['the example config', exampleConfig],
  ['an Object Lock config (COMPLIANCE, 30 days)', locked],
])('write guardrails on %s', (_, config) => {
  let setup: Setup;
  beforeAll(() => {
    setup = setUp(config);
  });
  const buckets = config.sourceBuckets.map((b) => b.backupBucketName);

  it.each(buckets)('decide every backfill PutObject shape in %s as expected', async (bucket) => {
    const variants = putObjectIntegrityVariants(writeKeysFor(config, bucket));
    expect(variants.map((v) => v.id).sort()).toEqual(Object.keys(PUT_OBJECT).sort());
    for (const actor of ['backfill-role', 'backfill-role-taken-over'] as const) {
      const got: Record<string, string> = {};
      for (const v of variants) got[v.id] = await outcome(setup, bucket, actor, 's3:PutObject', v);
      expect(got).toEqual(PUT_OBJECT);
    }
  });

  it.each(buckets)('decide every ReplicateObject shape in %s as expected', async (bucket) => {
    const variants = replicateObjectVariants(writeKeysFor(config, bucket));
    for (const actor of ['replication-role', 'replication-role-taken-over'] as const) {
      const got: Record<string, string> = {};
      for (const v of variants) {
        got[v.id] = await outcome(setup, bucket, actor, 's3:ReplicateObject', v);
      }
      expect(got).toEqual(REPLICATE_OBJECT);
    }
  });

  it('pins SSE-KMS keys to the backup account in the backup bucket region', () => {
    for (const source of config.sourceBuckets) {
      const statement = backupBucketPolicy(config, source).Statement.find(
        (s) => s.Sid === 'DenyForeignKmsKeyWritesOutsideBackupAccount',
      )!;
      expect(statement.Condition?.StringNotLike).toEqual({
        's3:x-amz-server-side-encryption-aws-kms-key-id': [
          'arn:aws:kms:us-west-2:222222222222:key/*',
          'arn:aws:kms:us-west-2:222222222222:alias/*',
        ],
      });
    }
  });
});

describe('the replica retention cap of an Object Lock backup bucket', () => {
  let setup: Setup;
  beforeAll(() => {
    setup = setUp(locked);
  });
  const bucket = locked.sourceBuckets[0].backupBucketName;
  const backupAdmin = (): Actor => ({
    ...setup.actors.find((a) => a.id === 'backup-principal-without-grants')!,
    identityPolicies: [{ name: 'AdministratorAccess', policy: ADMIN_POLICY }],
  });
  const retention = (days: number): Variant => ({
    id: `retention-${days}`,
    label: `${days} days of remaining retention`,
    context: { 's3:object-lock-remaining-retention-days': String(days) },
  });

  it('is the bucket default retention unless configured, and absent without Object Lock', () => {
    const capOf = (config: BastionConfig) =>
      backupBucketPolicy(config, config.sourceBuckets[0]).Statement.find(
        (s) => s.Sid === 'DenyRetentionBeyondCap',
      )?.Condition?.NumericGreaterThan;
    expect(capOf(locked)).toEqual({ 's3:object-lock-remaining-retention-days': '30' });
    expect(
      capOf({ ...locked, objectLock: { ...locked.objectLock!, maxReplicaRetentionDays: 365 } }),
    ).toEqual({ 's3:object-lock-remaining-retention-days': '365' });
    expect(capOf(exampleConfig)).toBeUndefined();
  });

  it('denies even a backup-account admin a retention beyond the cap, and allows one within', async () => {
    const decide = async (days: number) => {
      const decision = await evaluate({
        actor: backupAdmin(),
        action: 's3:PutObjectRetention',
        resource: `arn:aws:s3:::${bucket}/some/object-key`,
        resourceAccount: locked.backup.accountId,
        resourcePolicy: setup.policies.get(bucket),
        secureTransport: true,
        context: retention(days).context,
      });
      return [decision.result, decision.deniedBy];
    };
    expect(await decide(36500)).toEqual(['ExplicitlyDenied', ['DenyRetentionBeyondCap']]);
    expect(await decide(30)).toEqual(['Allowed', []]);
  });

  it('cannot be judged offline for ReplicateObject: the evaluator knows no retention key there', async () => {
    // AWS's user guide says to cap replicas with this key on s3:ReplicateObject; the Service
    // Authorization Reference (and so the evaluator) lists it for s3:PutObjectRetention only.
    // When iam-data gains it, this fails: then prove the replica half here too.
    await expect(
      evaluate({
        actor: setup.actors.find((a) => a.id === 'replication-role')!,
        action: 's3:ReplicateObject',
        resource: `arn:aws:s3:::${bucket}/some/object-key`,
        resourceAccount: locked.backup.accountId,
        resourcePolicy: setup.policies.get(bucket),
        secureTransport: true,
        context: retention(36500).context,
      }),
    ).rejects.toThrow(/ignored s3:object-lock-remaining-retention-days for s3:ReplicateObject/);
  });
});
