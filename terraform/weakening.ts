import { expandIamActions } from '@cloud-copilot/iam-expand';
import { Statement } from '../policies/document';
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

const list = <T>(value: unknown): T[] =>
  value === undefined || value === null ? [] : Array.isArray(value) ? (value as T[]) : [value as T];

interface LifecycleRule {
  status?: string;
  noncurrent_version_expiration?:
    Array<{ noncurrent_days?: number }> | { noncurrent_days?: number };
  expiration?: Array<{ days?: number }> | { days?: number };
}

/** The shortest enabled expiry, in days, of noncurrent or current versions (undefined: never). */
function shortestExpiry(
  lifecycle: TerraformResource | undefined,
  kind: 'noncurrent' | 'current',
): number | undefined {
  const days = list<LifecycleRule>(lifecycle?.rule)
    .filter((r) => r.status === 'Enabled')
    .flatMap((r) =>
      kind === 'noncurrent'
        ? list<{ noncurrent_days?: number }>(r.noncurrent_version_expiration).map(
            (e) => e.noncurrent_days,
          )
        : list<{ days?: number }>(r.expiration).map((e) => e.days),
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

interface LockRule {
  default_retention?: Array<LockRetention> | LockRetention;
}
interface LockRetention {
  mode?: string;
  days?: number;
  years?: number;
}

function retentionOf(lock: TerraformResource | undefined): LockRetention | undefined {
  const rule = list<LockRule>(lock?.rule)[0];
  return list<LockRetention>(rule?.default_retention)[0];
}

const lockDays = (r: LockRetention | undefined): number =>
  r === undefined ? 0 : (r.days ?? 0) + (r.years ?? 0) * 365;

function objectLockWeakenings(base: SynthesizedStack, head: SynthesizedStack): Weakening[] {
  const out: Weakening[] = [];
  const bucketsBefore = byBucket(base, 'aws_s3_bucket');
  const bucketsAfter = byBucket(head, 'aws_s3_bucket');
  const before = byBucket(base, 'aws_s3_bucket_object_lock_configuration');
  const after = byBucket(head, 'aws_s3_bucket_object_lock_configuration');
  for (const [bucket, lock] of before) {
    const subject = `bucket ${bucket}`;
    if (!bucketsAfter.has(bucket)) continue; // the bucket's removal is reported on its own
    const b = retentionOf(lock);
    const a = retentionOf(after.get(bucket));
    if (a === undefined) {
      out.push({
        stack: head.name,
        subject,
        change: `Object Lock default retention removed (was ${b?.mode ?? ''} ${lockDays(b)} days)`,
      });
      continue;
    }
    if (lockDays(a) < lockDays(b)) {
      out.push({
        stack: head.name,
        subject,
        change: `Object Lock retention shortened from ${lockDays(b)} to ${lockDays(a)} days`,
      });
    }
    if (b?.mode === 'COMPLIANCE' && a.mode !== 'COMPLIANCE') {
      out.push({
        stack: head.name,
        subject,
        change: `Object Lock mode loosened from COMPLIANCE to ${a.mode ?? '(none)'}: governance retention can be bypassed`,
      });
    }
  }
  for (const [bucket, resource] of bucketsBefore) {
    const now = bucketsAfter.get(bucket);
    if (
      resource.object_lock_enabled === true &&
      now !== undefined &&
      now.object_lock_enabled !== true
    ) {
      out.push({
        stack: head.name,
        subject: `bucket ${bucket}`,
        change: 'Object Lock no longer enabled on the bucket',
      });
    }
  }
  return out;
}

interface VersioningConfiguration {
  status?: string;
}

function versioningStatus(resource: TerraformResource | undefined): string | undefined {
  return list<VersioningConfiguration>(resource?.versioning_configuration)[0]?.status;
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
    if (versioningStatus(resource) !== 'Enabled') continue;
    const now = versioningAfter.get(bucket);
    if (now === undefined || versioningStatus(now) !== 'Enabled') {
      out.push({
        stack: head.name,
        subject: `bucket ${bucket}`,
        change: `versioning no longer Enabled (${now === undefined ? 'resource removed' : String(versioningStatus(now))})`,
      });
    }
  }
  const replicationBefore = byBucket(base, 'aws_s3_bucket_replication_configuration');
  const replicationAfter = byBucket(head, 'aws_s3_bucket_replication_configuration');
  for (const [bucket, resource] of replicationBefore) {
    const enabled = (r: TerraformResource | undefined) =>
      list<{ status?: string; delete_marker_replication?: unknown }>(r?.rule).filter(
        (rule) => rule.status === 'Enabled',
      ).length;
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

const asList = (value: string | readonly string[] | undefined): string[] =>
  value === undefined ? [] : typeof value === 'string' ? [value] : [...value];

async function expanded(actions: readonly string[] | undefined): Promise<Set<string>> {
  if (actions === undefined) return new Set();
  return new Set(await expandIamActions([...actions], { expandAsterisk: true }));
}

const canonical = (value: unknown): string => JSON.stringify(value ?? null);

/** How a Deny statement denies less in `after` than in `before`; empty when it does not. */
async function looseningsOf(before: Statement, after: Statement): Promise<string[]> {
  const found: string[] = [];
  const missing = (b: Set<string>, a: Set<string>) => [...b].filter((x) => !a.has(x));
  if (before.Action && after.Action) {
    const gone = missing(await expanded(before.Action), await expanded(after.Action));
    if (gone.length > 0) found.push(`no longer denies ${gone.sort().join(', ')}`);
  } else if (before.Action || after.Action) {
    found.push('switched between Action and NotAction');
  }
  if (before.NotAction && after.NotAction) {
    const exempted = missing(await expanded(after.NotAction), await expanded(before.NotAction));
    if (exempted.length > 0) found.push(`now exempts ${exempted.sort().join(', ')}`);
  }
  const resourcesGone = missing(new Set(asList(before.Resource)), new Set(asList(after.Resource)));
  if (resourcesGone.length > 0) found.push(`no longer covers ${resourcesGone.join(', ')}`);
  if (canonical(before.NotResource) !== canonical(after.NotResource))
    found.push('NotResource changed');
  if (
    canonical(before.Principal) !== canonical(after.Principal) ||
    canonical(before.NotPrincipal) !== canonical(after.NotPrincipal)
  )
    found.push('applies to other principals');
  if (canonical(before.Condition) !== canonical(after.Condition)) {
    found.push(
      `condition changed from ${canonical(before.Condition)} to ${canonical(after.Condition)}`,
    );
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
      ...objectLockWeakenings(before, after),
      ...(await guardrailWeakenings(before, after)),
    );
  }
  return out;
}
