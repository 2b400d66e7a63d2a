import { BastionConfig } from '../config';
import { REPLICA_KEY_ALIAS, backupRegionOf, bucketArn, partitionOf } from '../policies/arns';
import { PolicyDocument, Statement } from '../policies/document';
import { SynthesizedIamDocument } from '../terraform/synthesized';
import { Actor, ActorId } from './actors';
import { evaluate } from './evaluate';

/**
 * The data paths of every role, request by request, through the evaluator with the documents as
 * synthesized, KMS included: what replication, the backfill and a restore really send to S3 and
 * to KMS. A path that must work fails the review when one request is denied; a path that must
 * not work fails it when every request is allowed.
 */

export interface DataPathRequest {
  /** What the request does, for the report. */
  readonly what: string;
  readonly actor: ActorId;
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

const OBJECT_KEY = 'some/object-key';
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
        Principal: { AWS: `arn:${partitionOf(config)}:iam::${accountId}:root` },
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
    const toBackup = (what: string, actor: ActorId, action: string, resource = backupObject) => ({
      what,
      actor,
      action,
      resource,
      resourceAccount: backup,
      resourcePolicy: backupPolicy,
      context: {},
    });
    const onSource = (what: string, actor: ActorId, action: string) => ({
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
    const replicaKey = config.replicaKmsKeyArns?.[backupRegion];
    const replicaKeyResource =
      replicaKey ?? `arn:${partitionOf(config)}:kms:${backupRegion}:${backup}:key/replica-key-id`;
    const aliasContext: Record<string, string[]> =
      replicaKey === undefined ? { 'kms:ResourceAliases': [REPLICA_KEY_ALIAS] } : {};
    for (const bucketKeys of [false, true]) {
      const label = bucketKeys ? 'SSE-KMS with Bucket Keys' : 'SSE-KMS';
      const sourceContext = bucketKeys ? bucketArn(config, source.name) : sourceObject;
      const backupContext = bucketKeys ? bucketArn(config, source.backupBucketName) : backupObject;
      const decryptSource = (actor: ActorId): DataPathRequest => ({
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
        actor: ActorId,
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
  actors: readonly Actor[],
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
