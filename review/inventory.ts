import { type EvaluationResult } from '@cloud-copilot/iam-simulate';
import { BastionConfig } from '../config';
import {
  INVENTORY_CONFIGURATION_ID,
  INVENTORY_REPORT_PREFIX,
  backupRegionOf,
  bucketArn,
  inventoryBucketName,
  partitionOf,
} from '../policies/arns';
import { PolicyDocument } from '../policies/document';
import { SynthesizedIamDocument } from '../terraform/synthesized';
import { Actor, OTHER_ACCOUNT_ID } from './actors';
import { evaluate } from './evaluate';
import {
  EXPECTED_BACKUP_INVENTORY_ACCESS,
  EXPECTED_PRIMARY_INVENTORY_ACCESS,
  InventoryActorId,
} from './expected';
import { LAYER_ACTORS, deniesOnly } from './matrix';
import { S3ActionCatalog, isMutating } from './s3-actions';

/**
 * The S3 Inventory buckets (config `inventory.enabled`), one per account and region: who can
 * write, read and delete the reports, evaluated on the bucket policies read back from cdktf.out.
 * The backup account's reports name every key and version of the backups; a primary-account
 * principal must not read, change or delete them. S3 delivers the reports as the service principal
 * s3.amazonaws.com, for buckets of the same account, with the bucket owner's ACL.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/configure-inventory.html
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/example-bucket-policies.html
 */

export interface InventoryCell {
  /** deployed: the policy as synthesized; denies-only: its Allows replaced by an allow-all. */
  readonly layer: 'deployed' | 'denies-only';
  readonly actor: InventoryActorId;
  /** `<bucket|object> <action>`, as in the expected data. */
  readonly key: string;
  readonly action: string;
  readonly mutating: boolean;
  readonly tls: boolean;
  readonly result: EvaluationResult;
}

export interface InventoryBucketReview {
  readonly bucket: string;
  readonly side: 'primary' | 'backup';
  readonly region: string;
  /** The buckets whose reports S3 delivers here. */
  readonly inventoried: readonly string[];
  readonly actors: readonly Actor<InventoryActorId>[];
  readonly cells: readonly InventoryCell[];
  /** Every difference from the expected data; empty: the bucket is as expected. */
  readonly findings: readonly InventoryFinding[];
}

export interface InventoryFinding {
  /** undefined: not one actor's (the policy is missing). */
  readonly actor?: InventoryActorId;
  /** `<bucket> (<layer>) <actor>: <what>`, as the report lists it. */
  readonly message: string;
}

/** Where S3 writes a report file: `<prefix>/<source bucket>/<configuration id>/data/...`. */
function reportObjectArn(config: BastionConfig, bucket: string, inventoried: string): string {
  return `${bucketArn(config, bucket)}/${INVENTORY_REPORT_PREFIX}/${inventoried}/${INVENTORY_CONFIGURATION_ID}/data/report.csv.gz`;
}

/** The inventory buckets a config deploys, each with the buckets it receives reports of. */
export function inventoryBucketsOf(
  config: BastionConfig,
): { bucket: string; side: 'primary' | 'backup'; region: string; inventoried: string[] }[] {
  if (config.inventory?.enabled !== true) return [];
  const buckets = new Map<
    string,
    { bucket: string; side: 'primary' | 'backup'; region: string; inventoried: string[] }
  >();
  const add = (side: 'primary' | 'backup', region: string, inventoried: string) => {
    const account = side === 'primary' ? config.primary.accountId : config.backup.accountId;
    const bucket = inventoryBucketName(config, account, region);
    const entry = buckets.get(bucket) ?? { bucket, side, region, inventoried: [] };
    entry.inventoried.push(inventoried);
    buckets.set(bucket, entry);
  };
  for (const source of config.sourceBuckets) {
    add('backup', backupRegionOf(source), source.backupBucketName);
    add('primary', source.region, source.name);
  }
  return [...buckets.values()].sort((a, b) =>
    a.side === b.side ? a.bucket.localeCompare(b.bucket) : a.side === 'backup' ? -1 : 1,
  );
}

/**
 * The canned ACL each delivery sends on s3:PutObject (the only action whose requests carry
 * s3:x-amz-acl here; the evaluator refuses a key that does not apply to the action).
 * https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazons3.html
 */
const DELIVERY_ACL: Readonly<Partial<Record<InventoryActorId, string>>> = {
  's3-inventory-delivery': 'bucket-owner-full-control',
  's3-inventory-delivery-foreign-source': 'bucket-owner-full-control',
};

/**
 * S3 Inventory delivering a report: as configured (the account's own bucket, the owner's ACL), for
 * a bucket of another account (a primary admin pointing a production bucket's inventory at the
 * backup reports, or a stranger's bucket), and without the owner's ACL.
 */
function deliveryActors(
  config: BastionConfig,
  side: 'primary' | 'backup',
  inventoried: string,
): Actor<InventoryActorId>[] {
  const account = side === 'primary' ? config.primary.accountId : config.backup.accountId;
  const partition = partitionOf(config);
  const foreign =
    side === 'backup'
      ? { account: config.primary.accountId, bucket: config.sourceBuckets[0].name }
      : { account: OTHER_ACCOUNT_ID, bucket: 'someone-elses-bucket' };
  const delivery = (
    id: InventoryActorId,
    label: string,
    sourceAccount: string,
    sourceBucket: string,
  ): Actor<InventoryActorId> => ({
    id,
    label,
    side: 'other',
    principal: 's3.amazonaws.com',
    identityPolicies: [],
    serviceContext: {
      'aws:PrincipalIsAWSService': 'true',
      'aws:SourceAccount': sourceAccount,
      'aws:SourceArn': `arn:${partition}:s3:::${sourceBucket}`,
    },
  });
  return [
    delivery(
      's3-inventory-delivery',
      `S3 Inventory delivering the reports of \`${inventoried}\``,
      account,
      inventoried,
    ),
    delivery(
      's3-inventory-delivery-foreign-source',
      `S3 Inventory delivering the reports of \`${foreign.bucket}\` (account ${foreign.account})`,
      foreign.account,
      foreign.bucket,
    ),
    delivery(
      's3-inventory-delivery-without-owner-acl',
      'S3 Inventory delivering without the bucket-owner-full-control ACL',
      account,
      inventoried,
    ),
  ];
}

/**
 * Evaluates each inventory bucket's policy as synthesized, for every actor of the matrix and S3
 * Inventory itself, on every S3 action that takes a bucket or an object, over TLS and without;
 * the backup account's also with its Allows replaced by an allow-all, for the principals outside
 * the account (its Deny alone must keep them out). Differences from the expected data in
 * expected.ts are the findings. A missing policy is a finding too.
 */
export async function reviewInventoryBuckets(
  config: BastionConfig,
  documents: readonly SynthesizedIamDocument[],
  matrixActors: readonly Actor[],
  catalog: S3ActionCatalog,
): Promise<InventoryBucketReview[]> {
  const reviews: InventoryBucketReview[] = [];
  for (const { bucket, side, region, inventoried } of inventoryBucketsOf(config)) {
    const policies = documents.filter((d) => d.kind === 'bucket-policy' && d.owner === bucket);
    const expected =
      side === 'backup' ? EXPECTED_BACKUP_INVENTORY_ACCESS : EXPECTED_PRIMARY_INVENTORY_ACCESS;
    const actors = [...matrixActors, ...deliveryActors(config, side, inventoried[0])].filter(
      (a) => expected[a.id] !== undefined,
    );
    const base = { bucket, side, region, inventoried, actors };
    if (policies.length !== 1) {
      reviews.push({
        ...base,
        cells: [],
        findings: [{ message: `${bucket}: no single bucket policy in cdktf.out` }],
      });
      continue;
    }
    const policy = policies[0].document;
    const account = side === 'primary' ? config.primary.accountId : config.backup.accountId;
    const cells: InventoryCell[] = [];
    const run = async (
      layer: InventoryCell['layer'],
      runActors: readonly Actor<InventoryActorId>[],
      resourcePolicy: PolicyDocument,
      tlsValues: readonly boolean[],
    ) => {
      for (const actor of runActors) {
        for (const a of catalog.evaluated) {
          for (const tls of tlsValues) {
            const decision = await evaluate({
              actor,
              action: a.action,
              resource:
                a.target === 'bucket'
                  ? bucketArn(config, bucket)
                  : reportObjectArn(config, bucket, inventoried[0]),
              resourceAccount: account,
              resourcePolicy,
              secureTransport: tls,
              context: {
                ...actor.serviceContext,
                ...(a.action === 's3:PutObject' && DELIVERY_ACL[actor.id] !== undefined
                  ? { 's3:x-amz-acl': DELIVERY_ACL[actor.id]! }
                  : {}),
              },
            });
            cells.push({
              layer,
              actor: actor.id,
              key: `${a.target} ${a.action}`,
              action: a.action,
              mutating: isMutating(a),
              tls,
              result: decision.result,
            });
          }
        }
      }
    };
    await run('deployed', actors, policy, [true, false]);
    if (side === 'backup') {
      await run(
        'denies-only',
        actors.filter((a) => (LAYER_ACTORS as readonly string[]).includes(a.id)),
        deniesOnly(config, bucket, policy),
        [true],
      );
    }
    reviews.push({
      ...base,
      cells,
      findings: inventoryFindingsOf(bucket, cells, expected),
    });
  }
  return reviews;
}

function inventoryFindingsOf(
  bucket: string,
  cells: readonly InventoryCell[],
  expected: Readonly<Partial<Record<InventoryActorId, readonly string[]>>>,
): InventoryFinding[] {
  const findings: InventoryFinding[] = [];
  const allowed = (layer: InventoryCell['layer'], actor: InventoryActorId, tls: boolean) =>
    new Set(
      cells
        .filter(
          (c) => c.layer === layer && c.actor === actor && c.tls === tls && c.result === 'Allowed',
        )
        .map((c) => c.key),
    );
  const groups = new Set(cells.map((c) => `${c.layer}\u0000${c.actor}`));
  for (const group of groups) {
    const [layer, actor] = group.split('\u0000') as [InventoryCell['layer'], InventoryActorId];
    const add = (what: string) =>
      findings.push({ actor, message: `${bucket} (${layer}) ${actor}: ${what}` });
    for (const key of allowed(layer, actor, false)) add(`allowed without TLS: ${key}`);
    const overTls = allowed(layer, actor, true);
    if (layer === 'denies-only') {
      for (const key of overTls) add(`the Deny statements alone do not stop: ${key}`);
      continue;
    }
    const wanted = expected[actor] ?? [];
    for (const key of overTls) if (!wanted.includes(key)) add(`allowed, not expected: ${key}`);
    for (const key of wanted) if (!overTls.has(key)) add(`expected but not allowed: ${key}`);
  }
  return findings;
}
