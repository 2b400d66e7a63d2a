import { BastionConfig, SourceBucketConfig, backupEncryptionOf } from '../config';
import {
  REPLICA_KEY_ALIAS,
  accountRootArn,
  backupRegionOf,
  bucketArn,
  partitionOf,
} from '../policies/arns';
import { PolicyDocument, Statement } from '../policies/document';
import { SynthesizedIamDocument } from '../terraform/synthesized';
import { ACTOR_IDS, Actor, DataPathActorId } from './actors';
import { evaluate } from './evaluate';
import { OBJECT_KEY } from './matrix';

/**
 * The data paths of every role, request by request, through the evaluator with the documents as
 * synthesized, KMS included: what replication, the backfill and a restore really send to S3 and
 * to KMS. A path that must work fails the review when one request is denied; a path that must
 * not work fails it when every request is allowed.
 */

export interface DataPathRequest {
  /** What the request does, for the report. */
  readonly what: string;
  readonly actor: DataPathActorId;
  readonly action: string;
  readonly resource: string;
  readonly resourceAccount: string;
  readonly resourcePolicy: PolicyDocument | undefined;
  readonly context: Readonly<Record<string, string | readonly string[]>>;
}

export interface DataPath {
  readonly id: string;
  readonly must: 'work' | 'be denied';
  readonly requests: readonly DataPathRequest[];
}

export interface DataPathResult {
  readonly path: DataPath;
  /** Each request with the evaluator's answer (and the encryption-context check, for KMS). */
  readonly decisions: readonly { request: DataPathRequest; allowed: boolean }[];
  readonly holds: boolean;
}

const ENCRYPTION_CONTEXT = 'kms:EncryptionContext:aws:s3:arn';

/**
 * The key policy KMS gives a key created without one: the account may delegate the key through
 * IAM policies. The source keys are the user's; this is what the paths assume of them.
 * https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html
 */
export function defaultKeyPolicy(config: BastionConfig, accountId: string): PolicyDocument {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'EnableIAMUserPermissions',
        Effect: 'Allow',
        Principal: { AWS: accountRootArn(config, accountId) },
        Action: ['kms:*'],
        Resource: ['*'],
      },
    ],
  };
}

/** Every data path of a config, with the documents read back from cdktf.out. */
export function dataPathsOf(
  config: BastionConfig,
  documents: readonly SynthesizedIamDocument[],
): DataPath[] {
  const bucketPolicy = (name: string) =>
    documents.find((d) => d.kind === 'bucket-policy' && d.owner === name)?.document;
  const replicaKeyPolicy = (region: string) =>
    documents.find((d) => d.kind === 'key-policy' && d.stack === `backup-${region}`)?.document;
  const primary = config.primary.accountId;
  const backup = config.backup.accountId;
  const paths: DataPath[] = [];

  for (const source of config.sourceBuckets) {
    const backupRegion = backupRegionOf(source);
    const sourceObject = `${bucketArn(config, source.name)}/${OBJECT_KEY}`;
    const backupObject = `${bucketArn(config, source.backupBucketName)}/${OBJECT_KEY}`;
    const backupPolicy = bucketPolicy(source.backupBucketName);
    const toBackup = (
      what: string,
      actor: DataPathActorId,
      action: string,
      resource = backupObject,
    ) => ({
      what,
      actor,
      action,
      resource,
      resourceAccount: backup,
      resourcePolicy: backupPolicy,
      context: {},
    });
    const onSource = (what: string, actor: DataPathActorId, action: string) => ({
      what,
      actor,
      action,
      resource: sourceObject,
      resourceAccount: primary,
      resourcePolicy: undefined,
      context: {},
    });
    const replication: DataPathRequest[] = [
      onSource('read the new version', 'replication-role', 's3:GetObjectVersionForReplication'),
      onSource(
        'read its annotations',
        'replication-role',
        's3:GetObjectVersionAnnotationForReplication',
      ),
      toBackup(
        'read the backup versioning',
        'replication-role',
        's3:GetBucketVersioning',
        bucketArn(config, source.backupBucketName),
      ),
      toBackup('write the replica', 'replication-role', 's3:ReplicateObject'),
      toBackup('write its tags', 'replication-role', 's3:ReplicateTags'),
      toBackup('write its annotations', 'replication-role', 's3:ReplicateObjectAnnotation'),
      toBackup('replicate a delete marker', 'replication-role', 's3:ReplicateDelete'),
    ];
    const backfill: DataPathRequest[] = [
      onSource('read the source object', 'backfill-role', 's3:GetObject'),
      {
        ...toBackup(
          'create the copy (CopyObject with If-None-Match: *)',
          'backfill-role',
          's3:PutObject',
        ),
        context: { 's3:ObjectCreationOperation': 'true', 's3:if-none-match': '*' },
      },
    ];
    const restore: DataPathRequest[] = [
      {
        ...toBackup('read a version of the backup', 'restore-role', 's3:GetObjectVersion'),
        resourcePolicy: backupPolicy,
      },
    ];
    if (backupEncryptionOf(config) === 'SSE-KMS') {
      paths.push(...backupKeyPaths(config, source, replicaKeyPolicy(backupRegion)));
    }
    const kmsKey = source.sourceKmsKeyArn;
    if (kmsKey === undefined) {
      paths.push(
        { id: `replication of ${source.name} (SSE-S3)`, must: 'work', requests: replication },
        { id: `backfill of ${source.name} (SSE-S3)`, must: 'work', requests: backfill },
        { id: `restore from ${source.backupBucketName}`, must: 'work', requests: restore },
      );
      continue;
    }
    // With S3 Bucket Keys, S3 asks KMS with the bucket's ARN as encryption context; without, with
    // the object's. https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucket-key.html
    const { resource: replicaKeyResource, aliasContext } = backupKeyOf(config, backupRegion);
    for (const bucketKeys of [false, true]) {
      const label = bucketKeys ? 'SSE-KMS with Bucket Keys' : 'SSE-KMS';
      const sourceContext = bucketKeys ? bucketArn(config, source.name) : sourceObject;
      const backupContext = bucketKeys ? bucketArn(config, source.backupBucketName) : backupObject;
      const decryptSource = (actor: DataPathActorId): DataPathRequest => ({
        what: 'decrypt the source object through S3',
        actor,
        action: 'kms:Decrypt',
        resource: kmsKey,
        resourceAccount: primary,
        resourcePolicy: defaultKeyPolicy(config, primary),
        context: {
          'kms:ViaService': `s3.${source.region}.amazonaws.com`,
          [ENCRYPTION_CONTEXT]: sourceContext,
        },
      });
      const replicaKeyRequest = (
        what: string,
        actor: DataPathActorId,
        action: string,
      ): DataPathRequest => ({
        what,
        actor,
        action,
        resource: replicaKeyResource,
        resourceAccount: backup,
        resourcePolicy: replicaKeyPolicy(backupRegion),
        context: {
          'kms:ViaService': `s3.${backupRegion}.amazonaws.com`,
          [ENCRYPTION_CONTEXT]: backupContext,
          ...aliasContext,
        },
      });
      paths.push(
        {
          id: `replication of ${source.name} (${label})`,
          must: 'work',
          requests: [
            ...replication,
            decryptSource('replication-role'),
            replicaKeyRequest(
              'encrypt the replica with the replica key',
              'replication-role',
              'kms:GenerateDataKey',
            ),
          ],
        },
        {
          id: `backfill of ${source.name} (${label})`,
          must: 'work',
          requests: [...backfill, decryptSource('backfill-role')],
        },
        {
          id: `restore from ${source.backupBucketName} (${label})`,
          must: 'work',
          requests: [
            ...restore,
            replicaKeyRequest('decrypt the replica through S3', 'restore-role', 'kms:Decrypt'),
          ],
        },
        {
          id: `the replication role reading a replica of ${source.backupBucketName} (${label})`,
          must: 'be denied',
          requests: [replicaKeyRequest('decrypt a replica', 'replication-role', 'kms:Decrypt')],
        },
        {
          id: `the backfill role decrypting outside S3 (${label})`,
          must: 'be denied',
          requests: [
            {
              ...decryptSource('backfill-role'),
              what: 'decrypt with the source key directly',
              context: { [ENCRYPTION_CONTEXT]: sourceContext },
            },
          ],
        },
      );
    }
  }
  for (const region of backupEncryptionOf(config) === 'SSE-KMS' || hasKmsSource(config)
    ? [...new Set(config.sourceBuckets.filter(holdsKey(config)).map(backupRegionOf))]
    : []) {
    paths.push(...keyAdministrationPaths(config, region, replicaKeyPolicy(region)));
  }
  return paths;
}

const hasKmsSource = (config: BastionConfig) =>
  config.sourceBuckets.some((b) => b.sourceKmsKeyArn !== undefined);
const holdsKey = (config: BastionConfig) => (b: SourceBucketConfig) =>
  backupEncryptionOf(config) === 'SSE-KMS' || b.sourceKmsKeyArn !== undefined;

/** The backup key of a region as the requests name it: its ARN when known, and its alias. */
function backupKeyOf(config: BastionConfig, region: string) {
  const known = config.replicaKmsKeyArns?.[region];
  return {
    resource:
      known ??
      `arn:${partitionOf(config)}:kms:${region}:${config.backup.accountId}:key/replica-key-id`,
    // KMS sets kms:ResourceAliases from the key's aliases; the grants that name the alias need it.
    aliasContext: (known === undefined
      ? { 'kms:ResourceAliases': [REPLICA_KEY_ALIAS] }
      : {}) as Readonly<Record<string, readonly string[]>>,
  };
}

/**
 * With SSE-KMS backups (the backup key is every backup bucket's default, S3 Bucket Keys on, so S3
 * sends the bucket's ARN as encryption context): the backfill encrypts its copies and completes
 * multipart copies, both restore roles decrypt through S3; none of them uses the key outside S3,
 * and neither primary role decrypts a backup; replication encrypts with it only for SSE-KMS sources.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/mpuoverview.html#mpuAndPermissions
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucket-key.html
 */
function backupKeyPaths(
  config: BastionConfig,
  source: SourceBucketConfig,
  keyPolicy: PolicyDocument | undefined,
): DataPath[] {
  const region = backupRegionOf(source);
  const backupObject = `${bucketArn(config, source.backupBucketName)}/${OBJECT_KEY}`;
  const key = backupKeyOf(config, region);
  const request = (
    what: string,
    actor: DataPathActorId,
    action: string,
    viaS3 = true,
  ): DataPathRequest => ({
    what,
    actor,
    action,
    resource: key.resource,
    resourceAccount: config.backup.accountId,
    resourcePolicy: keyPolicy,
    context: {
      ...(viaS3 ? { 'kms:ViaService': `s3.${region}.amazonaws.com` } : {}),
      [ENCRYPTION_CONTEXT]: bucketArn(config, source.backupBucketName),
      ...key.aliasContext,
    },
  });
  const bucket = source.backupBucketName;
  const denied = (id: string, r: DataPathRequest): DataPath => ({
    id: `${id} (${bucket}, SSE-KMS backups)`,
    must: 'be denied',
    requests: [r],
  });
  return [
    {
      id: `backfill into ${bucket} (SSE-KMS backups)`,
      must: 'work',
      requests: [
        request('encrypt the copy with the backup key', 'backfill-role', 'kms:GenerateDataKey'),
        request('complete a multipart copy', 'backfill-role', 'kms:Decrypt'),
      ],
    },
    // A replica of an SSE-S3 source keeps SSE-S3 (S3 does not apply the bucket's default key to
    // it), so replication needs the key only where an SSE-KMS source replicates (paths above);
    // elsewhere the role has no use of it at all.
    // https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-config-for-kms-objects.html
    ...(config.sourceBuckets.some(
      (b) => b.sourceKmsKeyArn !== undefined && backupRegionOf(b) === region,
    )
      ? []
      : [
          denied(
            'the replication role encrypting with a key no SSE-KMS source needs',
            request('kms:GenerateDataKey through S3', 'replication-role', 'kms:GenerateDataKey'),
          ),
        ]),
    {
      id: `restore from ${bucket} (SSE-KMS backups)`,
      must: 'work',
      requests: [request('decrypt a backup version through S3', 'restore-role', 'kms:Decrypt')],
    },
    {
      id: `batch restore from ${bucket} (SSE-KMS backups)`,
      must: 'work',
      requests: [
        {
          what: 'read a backup version',
          actor: 'batch-restore-role',
          action: 's3:GetObjectVersion',
          resource: backupObject,
          resourceAccount: config.backup.accountId,
          resourcePolicy: undefined,
          context: {},
        },
        request('decrypt it through S3', 'batch-restore-role', 'kms:Decrypt'),
      ],
    },
    ...(
      [
        ['the replication role decrypting a backup', 'replication-role', 'kms:Decrypt', true],
        ['the backfill role encrypting outside S3', 'backfill-role', 'kms:GenerateDataKey', false],
        ['the backfill role decrypting outside S3', 'backfill-role', 'kms:Decrypt', false],
        ['the restore role decrypting outside S3', 'restore-role', 'kms:Decrypt', false],
        [
          'the batch-restore role decrypting outside S3',
          'batch-restore-role',
          'kms:Decrypt',
          false,
        ],
      ] as const
    ).map(([id, actor, action, viaS3]) =>
      denied(
        id,
        request(viaS3 ? `${action} through S3` : `${action} directly`, actor, action, viaS3),
      ),
    ),
  ];
}

/**
 * What would make every object the key encrypts unreadable, hand the key to someone else, or read
 * with it: no principal outside the backup account may do any of it, the primary admin (Action *
 * on Resource *) and both primary roles taken over included. Decrypt through S3 is refused to
 * all of them but the backfill role (multipart copies, above), whose reads the bucket policy
 * denies. The backup account still administers the key.
 * https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-modifying-external-accounts.html
 */
export const KEY_ADMINISTRATION_ACTIONS = [
  'kms:ScheduleKeyDeletion',
  'kms:DisableKey',
  'kms:PutKeyPolicy',
  'kms:CreateGrant',
  'kms:Decrypt',
] as const;

/** Everyone outside the backup account: the primary side, another account, anonymous. */
// The restore roles decrypt through S3 by design (their own paths above).
const OUTSIDE_ACTORS: readonly DataPathActorId[] = ACTOR_IDS.filter(
  (id) =>
    id !== 'restore-role' &&
    id !== 'batch-restore-role' &&
    id !== 'backup-principal-without-grants',
);

function keyAdministrationPaths(
  config: BastionConfig,
  region: string,
  keyPolicy: PolicyDocument | undefined,
): DataPath[] {
  const key = backupKeyOf(config, region);
  const request = (
    actor: DataPathActorId,
    action: string,
    context: DataPathRequest['context'] = key.aliasContext,
  ): DataPathRequest => ({
    what: `${action} on the backup key of ${region}`,
    actor,
    action,
    resource: key.resource,
    resourceAccount: config.backup.accountId,
    resourcePolicy: keyPolicy,
    context,
  });
  const paths: DataPath[] = [];
  for (const actor of OUTSIDE_ACTORS) {
    for (const action of KEY_ADMINISTRATION_ACTIONS) {
      paths.push({
        id: `${actor} calling ${action} on the backup key of ${region}`,
        must: 'be denied',
        requests: [request(actor, action)],
      });
    }
    if (actor !== 'backfill-role' && actor !== 'backfill-role-taken-over') {
      paths.push({
        id: `${actor} decrypting through S3 with the backup key of ${region}`,
        must: 'be denied',
        requests: [
          request(actor, 'kms:Decrypt', {
            ...key.aliasContext,
            'kms:ViaService': `s3.${region}.amazonaws.com`,
          }),
        ],
      });
    }
  }
  paths.push({
    id: `the backup account administering the backup key of ${region}`,
    must: 'work',
    requests: [request('backup-admin', 'kms:PutKeyPolicy')],
  });
  return paths;
}

/**
 * iam-simulate (0.1.173) drops a context key whose variable part follows a colon
 * (`kms:EncryptionContext:aws:s3:arn`), so a condition on it would silently not apply. The
 * evaluator gets the documents without that key; this checks it: some Allow of the actor's own
 * policies that names the action must also accept the request's encryption context.
 */
function encryptionContextAllows(
  policies: readonly PolicyDocument[],
  action: string,
  value: string,
): boolean {
  const glob = (pattern: string) =>
    new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`);
  return policies.some((p) =>
    p.Statement.some((s) => {
      if (s.Effect !== 'Allow' || !(s.Action ?? []).some((a) => glob(a).test(action))) return false;
      const values = Object.entries(s.Condition ?? {})
        .filter(([operator]) => operator === 'StringLike' || operator === 'StringEquals')
        .flatMap(([, block]) => [block?.[ENCRYPTION_CONTEXT] ?? []].flat());
      return values.length === 0 || values.some((v) => glob(v).test(value));
    }),
  );
}

function withoutEncryptionContext(policy: PolicyDocument): PolicyDocument {
  const strip = (s: Statement): Statement => {
    if (s.Condition === undefined) return s;
    const condition: Record<string, Record<string, string | readonly string[]>> = {};
    for (const [operator, block] of Object.entries(s.Condition)) {
      const kept = Object.entries(block ?? {}).filter(([key]) => key !== ENCRYPTION_CONTEXT);
      if (kept.length > 0) condition[operator] = Object.fromEntries(kept);
    }
    return { ...s, Condition: condition };
  };
  return { ...policy, Statement: policy.Statement.map(strip) };
}

/** Evaluates every request of every path. */
export async function evaluateDataPaths(
  paths: readonly DataPath[],
  actors: readonly Actor<DataPathActorId>[],
): Promise<DataPathResult[]> {
  const results: DataPathResult[] = [];
  const stripped = new Map<PolicyDocument, PolicyDocument>();
  const once = (p: PolicyDocument) => {
    if (!stripped.has(p)) stripped.set(p, withoutEncryptionContext(p));
    return stripped.get(p)!;
  };
  for (const path of paths) {
    const decisions: { request: DataPathRequest; allowed: boolean }[] = [];
    for (const request of path.requests) {
      const actor = actors.find((a) => a.id === request.actor);
      if (actor === undefined) throw new Error(`no actor ${request.actor}`);
      const { [ENCRYPTION_CONTEXT]: encryptionContext, ...context } = request.context;
      const decision = await evaluate({
        actor: {
          ...actor,
          identityPolicies: actor.identityPolicies.map((p) => ({ ...p, policy: once(p.policy) })),
        },
        action: request.action,
        resource: request.resource,
        resourceAccount: request.resourceAccount,
        resourcePolicy: request.resourcePolicy && once(request.resourcePolicy),
        secureTransport: true,
        context,
      });
      const contextAllowed =
        encryptionContext === undefined ||
        encryptionContextAllows(
          actor.identityPolicies.map((p) => p.policy),
          request.action,
          String(encryptionContext),
        );
      decisions.push({ request, allowed: decision.result === 'Allowed' && contextAllowed });
    }
    const holds =
      path.must === 'work' ? decisions.every((d) => d.allowed) : decisions.some((d) => !d.allowed);
    results.push({ path, decisions, holds });
  }
  return results;
}
