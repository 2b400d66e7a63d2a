import { expandIamActions } from '@cloud-copilot/iam-expand';

/**
 * What weakened between a before and an after view of the same resource, judged once for both
 * readers: `npm run diff` (two syntheses, terraform/weakening.ts) and `npm run guard` (a plan's
 * `resource_changes` before/after, guard/). Each rule returns facts, not sentences: each tool
 * words them for its own readers. A view is the resource's attributes, `undefined` where the
 * resource is absent; nested blocks may be a list (plan JSON) or one object (cdktf's synthesis).
 */
export type ResourceValues = Readonly<Record<string, unknown>>;

/** A nested block's entries: a list of objects, or one object. */
export function blocksOf(
  values: ResourceValues | null | undefined,
  name: string,
): ResourceValues[] {
  const value = values?.[name];
  const list: unknown[] =
    value === undefined || value === null ? [] : Array.isArray(value) ? value : [value];
  return list.filter((v): v is ResourceValues => typeof v === 'object' && v !== null);
}

/** The first entry of a nested block. */
export const firstBlockOf = (values: ResourceValues | null | undefined, name: string) =>
  blocksOf(values, name)[0];

/** `versioning_configuration.status` of an aws_s3_bucket_versioning. */
export function versioningStatusOf(values: ResourceValues | null | undefined): unknown {
  return firstBlockOf(values, 'versioning_configuration')?.status;
}

/** The four settings of an aws_s3_bucket_public_access_block, each on for a backup bucket. */
export const PUBLIC_ACCESS_BLOCK_SETTINGS = [
  'block_public_acls',
  'block_public_policy',
  'ignore_public_acls',
  'restrict_public_buckets',
] as const;

/**
 * The settings every backup bucket must have, as a before view: the guard judges a plan against
 * them (whatever the bucket had), the PR diff against the base's synthesis.
 */
export const REQUIRED_BUCKET_SETTINGS = {
  versioning: { versioning_configuration: [{ status: 'Enabled' }] },
  publicAccessBlock: Object.fromEntries(PUBLIC_ACCESS_BLOCK_SETTINGS.map((s) => [s, true])),
} as const satisfies Record<string, ResourceValues>;

/**
 * aws_s3_bucket_versioning: Enabled before and not after, with the status after (undefined
 * where the resource is gone or names none).
 */
export function versioningTurnedOff(
  before: ResourceValues | null | undefined,
  after: ResourceValues | null | undefined,
): { readonly status: unknown } | undefined {
  if (versioningStatusOf(before) !== 'Enabled') return undefined;
  const status = versioningStatusOf(after);
  return status === 'Enabled' ? undefined : { status };
}

/** aws_s3_bucket_public_access_block: each setting on before and not after, with its value. */
export function publicAccessBlockTurnedOff(
  before: ResourceValues | null | undefined,
  after: ResourceValues | null | undefined,
): { readonly setting: string; readonly value: unknown }[] {
  return PUBLIC_ACCESS_BLOCK_SETTINGS.filter(
    (s) => before?.[s] === true && after?.[s] !== true,
  ).map((setting) => ({ setting, value: after?.[setting] }));
}

/** An Object Lock default retention: its mode and its length in days (a year counted as 365). */
export interface LockRetention {
  readonly mode: string | undefined;
  readonly days: number;
}

/** The default retention of an aws_s3_bucket_object_lock_configuration; undefined: none. */
export function lockRetentionOf(
  values: ResourceValues | null | undefined,
): LockRetention | undefined {
  const retention = firstBlockOf(firstBlockOf(values, 'rule'), 'default_retention');
  if (!retention) return undefined;
  const positive = (n: unknown) => (typeof n === 'number' && n > 0 ? n : 0);
  const mode = typeof retention.mode === 'string' ? retention.mode : undefined;
  return { mode, days: positive(retention.days) + positive(retention.years) * 365 };
}

/** How an Object Lock configuration weakened. */
export type LockWeakening =
  | { readonly kind: 'retention-removed'; readonly before: LockRetention }
  | {
      readonly kind: 'retention-shortened';
      readonly before: LockRetention;
      readonly after: LockRetention;
    }
  | {
      readonly kind: 'mode-loosened';
      readonly before: LockRetention;
      readonly after: LockRetention;
    };

/**
 * aws_s3_bucket_object_lock_configuration: a default retention removed (the resource gone with
 * it counts: the caller that reports the removal elsewhere skips it), shortened, or moved from
 * COMPLIANCE (which nobody can bypass) to another mode.
 */
export function objectLockWeakenings(
  before: ResourceValues | null | undefined,
  after: ResourceValues | null | undefined,
): LockWeakening[] {
  const was = lockRetentionOf(before);
  if (was === undefined) return [];
  const now = lockRetentionOf(after);
  if (now === undefined) return [{ kind: 'retention-removed', before: was }];
  const found: LockWeakening[] = [];
  if (now.days < was.days) found.push({ kind: 'retention-shortened', before: was, after: now });
  if (was.mode === 'COMPLIANCE' && now.mode !== 'COMPLIANCE') {
    found.push({ kind: 'mode-loosened', before: was, after: now });
  }
  return found;
}

/** aws_s3_bucket: Object Lock enabled before, not after (a bucket that is gone does not count). */
export function objectLockTurnedOff(
  before: ResourceValues | null | undefined,
  after: ResourceValues | null | undefined,
): boolean {
  return before?.object_lock_enabled === true && !!after && after.object_lock_enabled !== true;
}

/** A policy statement as read from either side: fields may be a string or a list. */
export interface StatementView {
  readonly Sid?: unknown;
  readonly Effect?: unknown;
  readonly Principal?: unknown;
  readonly NotPrincipal?: unknown;
  readonly Action?: unknown;
  readonly NotAction?: unknown;
  readonly Resource?: unknown;
  readonly NotResource?: unknown;
  readonly Condition?: unknown;
}

/** How a Deny statement denies less after than before (empty lists and false: it does not). */
export interface DenyLoosening {
  /** The statement with its Sid is no longer a Deny. */
  readonly notDeny: boolean;
  /** One side lists Action, the other NotAction: not comparable action by action. */
  readonly actionsSwitched: boolean;
  /** Actions denied before and not after (wildcards expanded). */
  readonly actionsNoLongerDenied: readonly string[];
  /** Actions of NotAction after that it did not list before: now exempted. */
  readonly actionsExempted: readonly string[];
  /** Resources covered before and not after. */
  readonly resourcesNoLongerCovered: readonly string[];
  /** NotResource entries added: those resources are now exempted. */
  readonly resourcesExempted: readonly string[];
  readonly notResourceChanged: boolean;
  /** Principal or NotPrincipal differ (in any spelling IAM reads differently). */
  readonly principalsChanged: boolean;
  /** The condition differs: too subtle to rank, a person re-reads it. */
  readonly conditionChanged: boolean;
}

const asList = (value: unknown): string[] =>
  value === undefined || value === null ? [] : (Array.isArray(value) ? value : [value]).map(String);

async function expanded(actions: unknown): Promise<Set<string>> {
  const list = asList(actions);
  return new Set(list.length === 0 ? [] : await expandIamActions(list, { expandAsterisk: true }));
}

const missing = (from: Iterable<string>, to: ReadonlySet<string>) =>
  [...from].filter((x) => !to.has(x));

/**
 * A principal or condition in one spelling: keys sorted, a single value as a one-element list,
 * lists sorted. IAM reads `"x"` and `["x"]` alike, and neither key nor value order matters.
 */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) {
    return value.map(canonical).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
  }
  if (typeof value !== 'object' || value === null) return value ?? null;
  const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) =>
    a.localeCompare(b),
  );
  return Object.fromEntries(
    entries.map(([k, v]) => [k, canonical(typeof v === 'object' && v !== null ? v : [v])]),
  );
}

const sameJson = (a: unknown, b: unknown) =>
  JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));

/** IAM's `*` and `?` wildcards in an ARN, as IAM matches resources. */
function covers(pattern: string, value: string): boolean {
  const regex = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${regex}$`).test(value);
}

/** Entries of `from` that no pattern of `to` covers. */
const uncovered = (from: unknown, to: unknown) =>
  asList(from).filter((value) => !asList(to).some((pattern) => covers(pattern, value)));

/** How the Deny `before` is weaker as `after` (the statement with the same Sid). */
export async function denyLoosening(
  before: StatementView,
  after: StatementView,
): Promise<DenyLoosening> {
  const hasActions = (s: StatementView) => asList(s.Action).length > 0;
  return {
    notDeny: after.Effect !== 'Deny',
    actionsSwitched: hasActions(before) !== hasActions(after),
    actionsNoLongerDenied: missing(
      await expanded(before.Action),
      await expanded(after.Action),
    ).sort(),
    actionsExempted: missing(
      await expanded(after.NotAction),
      await expanded(before.NotAction),
    ).sort(),
    resourcesNoLongerCovered: uncovered(before.Resource, after.Resource),
    resourcesExempted: uncovered(after.NotResource, before.NotResource),
    notResourceChanged: !sameJson(before.NotResource, after.NotResource),
    principalsChanged:
      !sameJson(before.Principal, after.Principal) ||
      !sameJson(before.NotPrincipal, after.NotPrincipal),
    conditionChanged: !sameJson(before.Condition, after.Condition),
  };
}
