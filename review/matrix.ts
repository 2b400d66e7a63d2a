import { type EvaluationResult } from '@cloud-copilot/iam-simulate';
import { BastionConfig } from '../config';
import { bucketArn } from '../policies/arns';
import { PolicyDocument, Statement } from '../policies/document';
import { Actor, ActorId } from './actors';
import { evaluate } from './evaluate';
import {
  EXPECTED_BACKUP_ACCESS,
  EXPECTED_SOURCE_ACCESS,
  SHAPES_DENIED_ONLY_BY_WRITE_GUARDS,
} from './expected';
import { S3Action, S3ActionCatalog } from './s3-actions';
import { Variant, cellKey, variantsOf, writeKeysFor } from './variants';

/**
 * The access matrix and the proof. Each backup bucket policy is evaluated three ways:
 * - deployed: the policy as synthesized, over TLS and without;
 * - allows-only: its Deny statements removed. Its Allows alone must grant exactly the envelope,
 *   so a grant that a Deny happens to mask (PutBucketVersioning to the replication role) fails;
 * - denies-only: its Allows replaced by an Allow of s3:* to everyone (a later mistake). Its Denies
 *   alone must hold the envelope, so every Deny is load-bearing and removing one fails.
 */
export type Layer = 'deployed' | 'allows-only' | 'denies-only' | 'source';

export interface Cell {
  readonly layer: Layer;
  /** The backup bucket (or, for the source layer, the source bucket). */
  readonly bucket: string;
  readonly actor: ActorId;
  readonly key: string;
  readonly action: string;
  readonly target: 'bucket' | 'object';
  readonly variant: Variant;
  readonly tls: boolean;
  readonly result: EvaluationResult;
  readonly deniedBy: readonly string[];
}

export interface Finding {
  readonly layer: Layer;
  readonly bucket: string;
  readonly actor: ActorId;
  readonly message: string;
}

/** Actors of the allows-only and denies-only layers. */
export const LAYER_ACTORS: readonly ActorId[] = [
  'primary-admin',
  'replication-role-taken-over',
  'backfill-role-taken-over',
  'other-account',
  'anonymous',
];

export const OBJECT_KEY = 'some/object-key';

function resourceOf(config: BastionConfig, bucket: string, target: 'bucket' | 'object'): string {
  return target === 'bucket'
    ? bucketArn(config, bucket)
    : `${bucketArn(config, bucket)}/${OBJECT_KEY}`;
}

export function allowsOnly(policy: PolicyDocument): PolicyDocument {
  return { ...policy, Statement: policy.Statement.filter((s) => s.Effect === 'Allow') };
}

export const MISTAKE_SID = 'HypotheticalMistakeAllowEverything';

export function deniesOnly(
  config: BastionConfig,
  bucket: string,
  policy: PolicyDocument,
): PolicyDocument {
  const mistake: Statement = {
    Sid: MISTAKE_SID,
    Effect: 'Allow',
    Principal: '*',
    Action: ['s3:*'],
    Resource: [bucketArn(config, bucket), `${bucketArn(config, bucket)}/*`],
  };
  return {
    ...policy,
    Statement: [...policy.Statement.filter((s) => s.Effect === 'Deny'), mistake],
  };
}

interface Run {
  readonly layer: Layer;
  readonly bucket: string;
  readonly resourceAccount: string;
  readonly policy: PolicyDocument | undefined;
  readonly actors: readonly Actor[];
  readonly tls: readonly boolean[];
}

async function evaluateRun(
  config: BastionConfig,
  run: Run,
  actions: readonly S3Action[],
): Promise<Cell[]> {
  const cells: Cell[] = [];
  const keys = writeKeysFor(config, run.bucket);
  for (const actor of run.actors) {
    for (const a of actions) {
      for (const variant of variantsOf(a.action, keys)) {
        for (const tls of run.tls) {
          const decision = await evaluate({
            actor,
            action: a.action,
            resource: resourceOf(config, run.bucket, a.target),
            resourceAccount: run.resourceAccount,
            resourcePolicy: run.policy,
            secureTransport: tls,
            context: variant.context,
          });
          cells.push({
            layer: run.layer,
            bucket: run.bucket,
            actor: actor.id,
            key: cellKey(a.target, a.action, variant),
            action: a.action,
            target: a.target,
            variant,
            tls,
            ...decision,
          });
        }
      }
    }
  }
  return cells;
}

export interface BackupBucketInput {
  readonly backupBucketName: string;
  readonly policy: PolicyDocument;
}

export interface MatrixOptions {
  /** Layers to evaluate; all by default. */
  readonly layers?: readonly Layer[];
  /** Actors to evaluate; all by default. */
  readonly actors?: readonly ActorId[];
}

/** Evaluates one backup bucket's policy in the deployed, allows-only and denies-only layers. */
export async function backupBucketMatrix(
  config: BastionConfig,
  input: BackupBucketInput,
  allActors: readonly Actor[],
  catalog: S3ActionCatalog,
  options: MatrixOptions = {},
): Promise<Cell[]> {
  const layers = options.layers ?? ['deployed', 'allows-only', 'denies-only'];
  const actors = allActors.filter((a) => options.actors?.includes(a.id) ?? true);
  // The layers that take the policy apart need only the principals it addresses, each with
  // every identity permission (so that the bucket policy alone decides): backup-account
  // principals are governed by their own account, and a role's own policy grants less than a
  // take-over does.
  const outside = actors.filter((a) => LAYER_ACTORS.includes(a.id));
  const bucket = input.backupBucketName;
  const runs: Run[] = [];
  const base = { bucket, resourceAccount: config.backup.accountId };
  if (layers.includes('deployed')) {
    runs.push({ ...base, layer: 'deployed', policy: input.policy, actors, tls: [true, false] });
  }
  if (layers.includes('allows-only')) {
    runs.push({
      ...base,
      layer: 'allows-only',
      policy: allowsOnly(input.policy),
      actors: outside,
      tls: [true],
    });
  }
  if (layers.includes('denies-only')) {
    runs.push({
      ...base,
      layer: 'denies-only',
      policy: deniesOnly(config, bucket, input.policy),
      actors: outside,
      tls: [true],
    });
  }
  const cells: Cell[] = [];
  for (const run of runs) cells.push(...(await evaluateRun(config, run, catalog.evaluated)));
  return cells;
}

/** The roles' identity policies on the source buckets (no bucket policy: same account). */
export async function sourceBucketMatrix(
  config: BastionConfig,
  sourceBucketName: string,
  allActors: readonly Actor[],
  catalog: S3ActionCatalog,
): Promise<Cell[]> {
  const roles = Object.keys(EXPECTED_SOURCE_ACCESS);
  return evaluateRun(
    config,
    {
      layer: 'source',
      bucket: sourceBucketName,
      resourceAccount: config.primary.accountId,
      policy: undefined,
      actors: allActors.filter((a) => roles.includes(a.id)),
      tls: [true],
    },
    catalog.evaluated,
  );
}

function allowedKeys(
  cells: readonly Cell[],
  layer: Layer,
  actor: ActorId,
  tls: boolean,
): Set<string> {
  return new Set(
    cells
      .filter(
        (c) => c.layer === layer && c.actor === actor && c.tls === tls && c.result === 'Allowed',
      )
      .map((c) => c.key),
  );
}

/**
 * Compares the matrix with the expected data and returns every violation (empty: the proof
 * holds). Checks only the layers, buckets and actors present in `cells`.
 */
export function findingsOf(cells: readonly Cell[]): Finding[] {
  const findings: Finding[] = [];
  const groups = new Map<string, Cell[]>();
  for (const c of cells) {
    const id = `${c.layer}\u0000${c.bucket}\u0000${c.actor}`;
    groups.set(id, [...(groups.get(id) ?? []), c]);
  }
  for (const group of groups.values()) {
    const { layer, bucket, actor } = group[0];
    const add = (message: string) => findings.push({ layer, bucket, actor, message });
    const expected =
      layer === 'source' ? (EXPECTED_SOURCE_ACCESS[actor] ?? []) : EXPECTED_BACKUP_ACCESS[actor];
    const tlsOn = allowedKeys(group, layer, actor, true);
    const tlsOff = allowedKeys(group, layer, actor, false);
    for (const key of tlsOff) add(`allowed without TLS: ${key}`);
    if (layer === 'denies-only') {
      for (const key of tlsOn) {
        // Deny by default: the Denies alone hold bucket reads too.
        if (!expected.includes(key)) {
          add(`the Deny statements alone do not stop: ${key}`);
        }
      }
      continue;
    }
    const what = layer === 'allows-only' ? 'the Allow statements alone grant' : 'allowed';
    const leftToDenies =
      layer === 'allows-only' ? (SHAPES_DENIED_ONLY_BY_WRITE_GUARDS[actor] ?? []) : [];
    for (const key of tlsOn) {
      if (!expected.includes(key) && !leftToDenies.includes(key)) {
        add(`${what}, not expected: ${key}`);
      }
    }
    for (const key of expected) if (!tlsOn.has(key)) add(`expected but not allowed: ${key}`);
  }
  return findings;
}
