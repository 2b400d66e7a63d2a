import { Statement } from '../policies/document';
import {
  blocksOf,
  denyLoosening,
  LockWeakening,
  objectLockTurnedOff,
  objectLockWeakenings,
  publicAccessBlockTurnedOff,
  versioningTurnedOff,
} from './resource-weakenings';
import { SynthesizedStack, TerraformResource, iamDocumentsOf, resolveName } from './synthesized';

/**
 * The changes of a PR that weaken the backup, read from the two syntheses: a shorter recovery
 * window, Object Lock shortened, loosened or removed, a Deny guardrail removed or loosened,
 * versioning or replication turned off, a backup bucket dropped. The PR diff puts them above
 * everything else, because each is easy to miss among ordinary attribute changes. A change that
 * cannot be judged mechanically (a rewritten condition) is listed too: a reviewer decides.
 */
export interface Weakening {
  readonly stack: string;
  /** What is weakened: a bucket, or a policy statement (`bucket policy of x: Sid`). */
  readonly subject: string;
  readonly change: string;
}

type Resources = Record<string, Record<string, TerraformResource>>;

const resourcesOf = (stack: SynthesizedStack | undefined): Resources => stack?.json.resource ?? {};

/** Each resource of a type, keyed by the literal bucket name it configures. */
function byBucket(
  stack: SynthesizedStack | undefined,
  type: string,
): Map<string, TerraformResource> {
  const map = new Map<string, TerraformResource>();
  if (!stack) return map;
  for (const resource of Object.values(resourcesOf(stack)[type] ?? {})) {
    map.set(resolveName(stack, resource.bucket, 'aws_s3_bucket', 'id'), resource);
  }
  return map;
}

/** The shortest enabled expiry, in days, of noncurrent or current versions (undefined: never). */
function shortestExpiry(
  lifecycle: TerraformResource | undefined,
  kind: 'noncurrent' | 'current',
): number | undefined {
  const days = blocksOf(lifecycle, 'rule')
    .filter((r) => r.status === 'Enabled')
    .flatMap((r) =>
      kind === 'noncurrent'
        ? blocksOf(r, 'noncurrent_version_expiration').map((e) => e.noncurrent_days)
        : blocksOf(r, 'expiration').map((e) => e.days),
    )
    .filter((d): d is number => typeof d === 'number');
  return days.length === 0 ? undefined : Math.min(...days);
}

const never = (days: number | undefined): number => days ?? Number.POSITIVE_INFINITY;
const shown = (days: number | undefined): string => (days === undefined ? 'never' : `${days} days`);

function lifecycleWeakenings(base: SynthesizedStack, head: SynthesizedStack): Weakening[] {
  const out: Weakening[] = [];
  const before = byBucket(base, 'aws_s3_bucket_lifecycle_configuration');
  const after = byBucket(head, 'aws_s3_bucket_lifecycle_configuration');
  for (const [bucket, lifecycle] of after) {
    for (const kind of ['noncurrent', 'current'] as const) {
      const b = shortestExpiry(before.get(bucket), kind);
      const a = shortestExpiry(lifecycle, kind);
      if (never(a) < never(b)) {
        out.push({
          stack: head.name,
          subject: `bucket ${bucket}`,
          change:
            kind === 'noncurrent'
              ? `noncurrent-version retention (the recovery window) shortened from ${shown(b)} to ${shown(a)}`
              : `current versions now expire after ${shown(a)} (before: ${shown(b)})`,
        });
      }
    }
  }
  return out;
}

function objectLockWeakeningsOf(base: SynthesizedStack, head: SynthesizedStack): Weakening[] {
  const out: Weakening[] = [];
  const bucketsBefore = byBucket(base, 'aws_s3_bucket');
  const bucketsAfter = byBucket(head, 'aws_s3_bucket');
  const before = byBucket(base, 'aws_s3_bucket_object_lock_configuration');
  const after = byBucket(head, 'aws_s3_bucket_object_lock_configuration');
  for (const [bucket, lock] of before) {
    if (!bucketsAfter.has(bucket)) continue; // the bucket's removal is reported on its own
    for (const weakening of objectLockWeakenings(lock, after.get(bucket))) {
      out.push({ stack: head.name, subject: `bucket ${bucket}`, change: lockText(weakening) });
    }
  }
  for (const [bucket, resource] of bucketsBefore) {
    if (objectLockTurnedOff(resource, bucketsAfter.get(bucket))) {
      out.push({
        stack: head.name,
        subject: `bucket ${bucket}`,
        change: 'Object Lock no longer enabled on the bucket',
      });
    }
  }
  return out;
}

function lockText(weakening: LockWeakening): string {
  const { before } = weakening;
  switch (weakening.kind) {
    case 'retention-removed':
      return `Object Lock default retention removed (was ${before.mode ?? ''} ${before.days} days)`;
    case 'retention-shortened':
      return `Object Lock retention shortened from ${before.days} to ${weakening.after.days} days`;
    case 'mode-loosened':
      return `Object Lock mode loosened from COMPLIANCE to ${weakening.after.mode ?? '(none)'}: governance retention can be bypassed`;
  }
}

function bucketWeakenings(base: SynthesizedStack, head: SynthesizedStack): Weakening[] {
  const out: Weakening[] = [];
  const bucketsBefore = byBucket(base, 'aws_s3_bucket');
  const bucketsAfter = byBucket(head, 'aws_s3_bucket');
  for (const [bucket, resource] of bucketsBefore) {
    const now = bucketsAfter.get(bucket);
    if (now === undefined) {
      out.push({
        stack: head.name,
        subject: `bucket ${bucket}`,
        change:
          'bucket removed from the stack (with every version it holds, if the apply gets that far)',
      });
      continue;
    }
    const guarded = (r: TerraformResource) =>
      (r.lifecycle as { prevent_destroy?: boolean } | undefined)?.prevent_destroy === true;
    if (guarded(resource) && !guarded(now)) {
      out.push({
        stack: head.name,
        subject: `bucket ${bucket}`,
        change: 'prevent_destroy removed: a plan may now destroy the bucket',
      });
    }
  }
  const versioningBefore = byBucket(base, 'aws_s3_bucket_versioning');
  const versioningAfter = byBucket(head, 'aws_s3_bucket_versioning');
  for (const [bucket, resource] of versioningBefore) {
    const now = versioningAfter.get(bucket);
    const off = versioningTurnedOff(resource, now);
    if (off) {
      out.push({
        stack: head.name,
        subject: `bucket ${bucket}`,
        change: `versioning no longer Enabled (${now === undefined ? 'resource removed' : String(off.status)})`,
      });
    }
  }
  const blocksBefore = byBucket(base, 'aws_s3_bucket_public_access_block');
  const blocksAfter = byBucket(head, 'aws_s3_bucket_public_access_block');
  for (const [bucket, resource] of blocksBefore) {
    if (!bucketsAfter.has(bucket)) continue; // the bucket's removal is reported on its own
    const now = blocksAfter.get(bucket);
    const off = publicAccessBlockTurnedOff(resource, now).map((o) => o.setting);
    if (off.length > 0) {
      out.push({
        stack: head.name,
        subject: `bucket ${bucket}`,
        change: `public access block ${off.join(', ')} no longer on${now === undefined ? ' (resource removed)' : ''}`,
      });
    }
  }
  const replicationBefore = byBucket(base, 'aws_s3_bucket_replication_configuration');
  const replicationAfter = byBucket(head, 'aws_s3_bucket_replication_configuration');
  for (const [bucket, resource] of replicationBefore) {
    const enabled = (r: TerraformResource | undefined) =>
      blocksOf(r, 'rule').filter((rule) => rule.status === 'Enabled').length;
    if (enabled(replicationAfter.get(bucket)) < enabled(resource)) {
      out.push({
        stack: head.name,
        subject: `bucket ${bucket}`,
        change: 'replication rule removed or disabled: new writes no longer reach the backup',
      });
    }
  }
  return out;
}

/** How a Deny statement denies less in `after` than in `before` (resource-weakenings.ts). */
async function looseningsOf(before: Statement, after: Statement): Promise<string[]> {
  const loosening = await denyLoosening(before, after);
  const found: string[] = [];
  const listed = (words: string, items: readonly string[]) =>
    items.length > 0 ? [`${words} ${items.join(', ')}`] : [];
  if (loosening.actionsSwitched) found.push('switched between Action and NotAction');
  else {
    found.push(
      ...listed('no longer denies', loosening.actionsNoLongerDenied),
      ...listed('now exempts', loosening.actionsExempted),
    );
  }
  found.push(...listed('no longer covers', loosening.resourcesNoLongerCovered));
  if (loosening.notResourceChanged) found.push('NotResource changed');
  if (loosening.principalsChanged) found.push('applies to other principals');
  if (loosening.conditionChanged) {
    const shown = (condition: unknown) => JSON.stringify(condition ?? null);
    found.push(`condition changed from ${shown(before.Condition)} to ${shown(after.Condition)}`);
  }
  return found;
}

async function guardrailWeakenings(
  base: SynthesizedStack,
  head: SynthesizedStack,
): Promise<Weakening[]> {
  const out: Weakening[] = [];
  const resourcePolicies = (stack: SynthesizedStack) =>
    iamDocumentsOf(stack).filter((d) => d.kind === 'bucket-policy' || d.kind === 'key-policy');
  const after = new Map(resourcePolicies(head).map((d) => [`${d.kind} ${d.owner}`, d]));
  for (const document of resourcePolicies(base)) {
    const kind = document.kind === 'bucket-policy' ? 'bucket policy of' : 'key policy of';
    const now = after.get(`${document.kind} ${document.owner}`);
    for (const statement of document.document.Statement.filter((s) => s.Effect === 'Deny')) {
      const subject = `${kind} ${document.owner}: ${statement.Sid}`;
      const match = now?.document.Statement.find(
        (s) => s.Effect === 'Deny' && s.Sid === statement.Sid,
      );
      if (!match) {
        out.push({
          stack: head.name,
          subject,
          change: now ? 'guardrail removed' : 'policy removed, with this guardrail',
        });
        continue;
      }
      const loosened = await looseningsOf(statement, match);
      if (loosened.length > 0) {
        out.push({
          stack: head.name,
          subject,
          change: `guardrail loosened: ${loosened.join('; ')}`,
        });
      }
    }
  }
  return out;
}

/** Every weakening of `head` against `base`, stack by stack (a stack only in base included). */
export async function findWeakenings(
  base: readonly SynthesizedStack[],
  head: readonly SynthesizedStack[],
): Promise<Weakening[]> {
  const out: Weakening[] = [];
  for (const before of base) {
    const after = head.find((s) => s.name === before.name) ?? { name: before.name, json: {} };
    out.push(
      ...bucketWeakenings(before, after),
      ...lifecycleWeakenings(before, after),
      ...objectLockWeakeningsOf(before, after),
      ...(await guardrailWeakenings(before, after)),
    );
  }
  return out;
}
