import { BastionConfig } from '../config';
import { PolicyDocument, Statement } from '../policies/document';
import { backupBucketPolicy } from '../policies/backup-bucket-policy';
import { Actor } from '../review/actors';
import { backupBucketMatrix, findingsOf } from '../review/matrix';
import { S3ActionCatalog } from '../review/s3-actions';
import { denyLoosening } from '../terraform/resource-weakenings';
import { Refusal } from './bucket-checks';
import { PlannedBucket, bucketGoes, remaining } from './plan-index';

/** A policy attribute as planned: JSON text, parsed; undefined when unknown or not JSON. */
export function parsePolicy(text: unknown): PolicyDocument | undefined {
  if (typeof text !== 'string') return undefined;
  try {
    const parsed = JSON.parse(text) as { Statement?: unknown };
    const statements = Array.isArray(parsed.Statement) ? parsed.Statement : [parsed.Statement];
    return { ...(parsed as PolicyDocument), Statement: statements.filter(Boolean) as Statement[] };
  } catch {
    return undefined;
  }
}

/**
 * How a planned Deny statement is weaker than the guardrail it replaces (empty: as strong or
 * stronger), as terraform/resource-weakenings.ts judges it. Any change to the principal or the
 * condition counts: a condition is too subtle to rank automatically, and the Deny must be re-read
 * by a person.
 */
export async function loosenings(guardrail: Statement, planned: Statement): Promise<string[]> {
  const loosening = await denyLoosening(guardrail, planned);
  const found: string[] = [];
  if (loosening.notDeny) found.push('is no longer a Deny');
  const listed = (words: string, items: readonly string[]) =>
    items.length > 0 ? [`${words} ${items.join(', ')}`] : [];
  found.push(
    ...listed('no longer denies', loosening.actionsNoLongerDenied),
    ...listed('now exempts', loosening.actionsExempted),
    ...listed('no longer covers', loosening.resourcesNoLongerCovered),
    ...listed('now exempts', loosening.resourcesExempted),
  );
  if (loosening.principalsChanged) found.push('names other principals');
  if (loosening.conditionChanged) found.push('has another condition');
  return found;
}

/**
 * The Deny guardrails a backup bucket must keep: those of its current policy (the plan's
 * `before`) and those the trusted checkout's policies/ would write for it, by Sid.
 */
function guardrails(
  config: BastionConfig,
  bucketName: string,
  before: PolicyDocument | undefined,
): Map<string, Statement> {
  const found = new Map<string, Statement>();
  const source = config.sourceBuckets.find((b) => b.backupBucketName === bucketName);
  const expected = source ? backupBucketPolicy(config, source) : undefined;
  for (const document of [expected, before]) {
    for (const s of document?.Statement ?? []) {
      if (s.Effect === 'Deny' && s.Sid && !found.has(s.Sid)) found.set(s.Sid, s);
    }
  }
  return found;
}

/** Matrix verdicts by bucket and policy text: plans of one stack repeat the same policies. */
const verdicts = new Map<string, Promise<string[]>>();

/**
 * What the matrix finds beyond the expected access, one line per actor and layer with the
 * requests it names (a removed Deny can open dozens at once).
 */
function matrixReasons(
  bucketName: string,
  policy: PolicyDocument,
  context: PolicyCheckContext,
): Promise<string[]> {
  const key = JSON.stringify([context.config.backup.accountId, bucketName, policy]);
  let verdict = verdicts.get(key);
  if (verdict === undefined) {
    verdict = evaluateMatrix(bucketName, policy, context);
    verdicts.set(key, verdict);
  }
  return verdict;
}

async function evaluateMatrix(
  bucketName: string,
  policy: PolicyDocument,
  context: PolicyCheckContext,
): Promise<string[]> {
  const cells = await backupBucketMatrix(
    context.config,
    { backupBucketName: bucketName, policy },
    context.actors,
    context.catalog,
  );
  const labels = new Map(context.actors.map((a) => [a.id, a.label]));
  const grouped = new Map<string, string[]>();
  for (const f of findingsOf(cells)) {
    // Less access than expected breaks replication or restore, not the backup's safety.
    if (f.message.startsWith('expected but not allowed')) continue;
    const [what, request] = f.message.split(/: (?=(?:bucket|object) )/);
    const head = `${bucketName}: the planned bucket policy lets ${labels.get(f.actor) ?? f.actor} do more than expected (${f.layer} layer: ${what})`;
    grouped.set(head, [...(grouped.get(head) ?? []), request ?? f.message]);
  }
  return [...grouped].map(([head, requests]) => `${head}: ${requests.join(', ')}`);
}

export interface PolicyCheckContext {
  readonly config: BastionConfig;
  readonly actors: readonly Actor[];
  readonly catalog: S3ActionCatalog;
}

/**
 * The planned bucket policy of one backup bucket: every guardrail kept, and the access matrix
 * (the same evaluator, actors and expected-access data as `npm run review`) granting no actor
 * more than expected.
 */
export async function policyRefusals(
  bucket: PlannedBucket,
  context: PolicyCheckContext,
): Promise<Refusal[]> {
  const refusals: Refusal[] = [];
  const policies = bucket.settings.aws_s3_bucket_policy.filter((c) => remaining(c) !== null);
  if (bucketGoes(bucket)) return refusals;
  if (policies.length === 0) {
    refusals.push({
      address: bucket.bucket[0]?.address ?? bucket.name,
      reason: `${bucket.name}: no bucket policy: every guardrail is gone`,
    });
    return refusals;
  }
  for (const change of policies) {
    const planned = parsePolicy(remaining(change)?.policy);
    if (!planned) {
      refusals.push({
        address: change.address,
        reason: `${bucket.name}: the planned bucket policy is not known before apply (or not JSON): it cannot be checked`,
      });
      continue;
    }
    const before = parsePolicy(change.change.before?.policy);
    const bySid = new Map(planned.Statement.filter((s) => s.Sid).map((s) => [s.Sid, s]));
    for (const [sid, guardrail] of guardrails(context.config, bucket.name, before)) {
      const now = bySid.get(sid);
      if (!now) {
        refusals.push({
          address: change.address,
          reason: `${bucket.name}: Deny guardrail ${sid} is removed from the bucket policy`,
        });
        continue;
      }
      const weaker = await loosenings(guardrail, now);
      if (weaker.length > 0) {
        refusals.push({
          address: change.address,
          reason: `${bucket.name}: Deny guardrail ${sid} is loosened: it ${weaker.join('; ')}`,
        });
      }
    }
    for (const reason of await matrixReasons(bucket.name, planned, context)) {
      refusals.push({ address: change.address, reason });
    }
  }
  return refusals;
}
