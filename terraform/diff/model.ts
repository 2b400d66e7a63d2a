import { expandIamActions } from '@cloud-copilot/iam-expand';
import { Principal, Statement } from '../../policies/document';
import {
  SynthesizedIamDocument,
  SynthesizedStack,
  iamDocumentsOf,
  readSynthesizedStacks,
} from '../synthesized';
import { Weakening, findWeakenings } from '../weakening';

/**
 * The model of the PR summary: what two syntheses (a base ref and the working tree) differ in,
 * per stack in resources and per IAM document in permissions, with action wildcards expanded so
 * that a reviewer sees what `s3:Put*` really grants. Reads cdktf.out, so it shows what would
 * deploy. markdown.ts renders it, worktree.ts synthesizes the base ref.
 */

export interface StackDiff {
  readonly stack: string;
  /** 'added' / 'removed': the whole stack is new or gone. */
  readonly status: 'added' | 'removed' | 'changed';
  readonly added: readonly string[];
  readonly changed: readonly ResourceChange[];
  readonly removed: readonly string[];
  /** The provider or terraform (backend, required_providers) blocks differ. */
  readonly settingsChanged: boolean;
}

/** A changed resource and its changed attributes (IAM documents: see the permission diff). */
export interface ResourceChange {
  readonly address: string;
  readonly attributes: ReadonlyArray<{ path: string; before: string; after: string }>;
}

/** One permission line: effect, action, resource and condition, for one principal. */
export interface Permission {
  readonly effect: 'Allow' | 'Deny';
  readonly action: string;
  readonly resource: string;
  readonly condition: string;
}

export interface PrincipalDiff {
  readonly principal: string;
  readonly added: readonly Permission[];
  readonly removed: readonly Permission[];
}

export interface DocumentDiff {
  readonly stack: string;
  readonly address: string;
  readonly kind: SynthesizedIamDocument['kind'];
  readonly owner: string;
  readonly principals: readonly PrincipalDiff[];
}

export interface SynthesisDiff {
  readonly stacks: readonly StackDiff[];
  readonly documents: readonly DocumentDiff[];
  /** Changes that weaken the backup: shown first. */
  readonly weakenings: readonly Weakening[];
  /** Said above everything, e.g. that the base had no config and counts as empty. */
  readonly baseNote?: string;
}

/** Drops cdktf's `//` metadata, which changes with construct paths but deploys nothing. */
function withoutMetadata(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutMetadata);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([key]) => key !== '//')
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([key, v]) => [key, withoutMetadata(v)]),
    );
  }
  return value;
}

export const canonical = (value: unknown): string => JSON.stringify(withoutMetadata(value) ?? null);

function resourcesOf(stack: SynthesizedStack | undefined): Map<string, string> {
  const map = new Map<string, string>();
  for (const [type, byName] of Object.entries(stack?.json.resource ?? {})) {
    for (const [name, resource] of Object.entries(byName))
      map.set(`${type}.${name}`, canonical(resource));
  }
  return map;
}

const POLICY_ATTRIBUTES = new Set(['policy', 'assume_role_policy']);

/** Leaf values by path (`rule.0.noncurrent_version_expiration.0.noncurrent_days`). */
function leaves(value: unknown, path = '', into = new Map<string, string>()): Map<string, string> {
  if (value !== null && typeof value === 'object') {
    for (const [key, v] of Object.entries(value)) leaves(v, path ? `${path}.${key}` : key, into);
  } else {
    into.set(path, JSON.stringify(value));
  }
  return into;
}

/** The attributes that differ; an IAM document's change is told by the permission diff. */
function attributeChanges(before: string, after: string): ResourceChange['attributes'] {
  const b = leaves(JSON.parse(before));
  const a = leaves(JSON.parse(after));
  return [...new Set([...b.keys(), ...a.keys()])]
    .sort()
    .filter((path) => b.get(path) !== a.get(path))
    .map((path) =>
      POLICY_ATTRIBUTES.has(path)
        ? { path, before: 'IAM document', after: 'IAM document' }
        : { path, before: b.get(path) ?? '(none)', after: a.get(path) ?? '(none)' },
    );
}

export function diffStacks(
  base: readonly SynthesizedStack[],
  head: readonly SynthesizedStack[],
): StackDiff[] {
  const names = [...new Set([...base, ...head].map((s) => s.name))].sort();
  const diffs: StackDiff[] = [];
  for (const name of names) {
    const baseStack = base.find((s) => s.name === name);
    const headStack = head.find((s) => s.name === name);
    const before = resourcesOf(baseStack);
    const after = resourcesOf(headStack);
    const added = [...after.keys()].filter((a) => !before.has(a)).sort();
    const removed = [...before.keys()].filter((a) => !after.has(a)).sort();
    const changed = [...after.keys()]
      .filter((a) => before.has(a) && before.get(a) !== after.get(a))
      .sort()
      .map((address) => ({
        address,
        attributes: attributeChanges(before.get(address) as string, after.get(address) as string),
      }));
    const settings = (s?: SynthesizedStack) =>
      canonical({ p: s?.json.provider, t: s?.json.terraform });
    const settingsChanged =
      baseStack !== undefined &&
      headStack !== undefined &&
      settings(baseStack) !== settings(headStack);
    const unchanged = added.length + removed.length + changed.length === 0 && !settingsChanged;
    if (unchanged && baseStack && headStack) continue;
    diffs.push({
      stack: name,
      status: !baseStack ? 'added' : !headStack ? 'removed' : 'changed',
      added,
      changed,
      removed,
      settingsChanged,
    });
  }
  return diffs;
}

const list = (value: string | readonly string[] | undefined): string[] =>
  value === undefined ? [] : typeof value === 'string' ? [value] : [...value];

function principalsOf(principal: Principal | undefined, negated: boolean): string[] {
  if (principal === undefined) return [];
  const names =
    principal === '*'
      ? ['*']
      : [
          ...list(principal.AWS).map((p) => `AWS ${p}`),
          ...list(principal.Service).map((s) => `Service ${s}`),
        ];
  return names.map((n) => (negated ? `everyone but ${n}` : n));
}

/** The principals a statement applies to; an identity policy's is the role that holds it. */
function statementPrincipals(document: SynthesizedIamDocument, s: Statement): string[] {
  if (document.kind === 'role-policy') return [`role ${document.owner}`];
  return [...principalsOf(s.Principal, false), ...principalsOf(s.NotPrincipal, true)];
}

/** Each statement as permission lines per principal, wildcards in Action expanded. */
export async function permissionsOf(
  document: SynthesizedIamDocument,
): Promise<Map<string, Map<string, Permission>>> {
  const byPrincipal = new Map<string, Map<string, Permission>>();
  for (const s of document.document.Statement) {
    const actions = s.Action
      ? await expandIamActions([...s.Action], { expandAsterisk: false })
      : [`every action except ${(await expandIamActions([...(s.NotAction ?? [])])).join(', ')}`];
    const resources = s.Resource
      ? [...s.Resource]
      : s.NotResource
        ? [`every resource except ${s.NotResource.join(', ')}`]
        : ['(none: trust policy)'];
    const condition = s.Condition ? canonical(s.Condition) : '';
    for (const principal of statementPrincipals(document, s)) {
      const lines = byPrincipal.get(principal) ?? new Map<string, Permission>();
      byPrincipal.set(principal, lines);
      for (const action of actions) {
        for (const resource of resources) {
          const permission = { effect: s.Effect, action, resource, condition };
          lines.set(canonical(permission), permission);
        }
      }
    }
  }
  return byPrincipal;
}

export async function diffDocuments(
  base: readonly SynthesizedStack[],
  head: readonly SynthesizedStack[],
): Promise<DocumentDiff[]> {
  const idOf = (d: SynthesizedIamDocument) => `${d.stack} ${d.address}`;
  const before = new Map(base.flatMap(iamDocumentsOf).map((d) => [idOf(d), d]));
  const after = new Map(head.flatMap(iamDocumentsOf).map((d) => [idOf(d), d]));
  const diffs: DocumentDiff[] = [];
  for (const id of [...new Set([...before.keys(), ...after.keys()])].sort()) {
    const baseDocument = before.get(id);
    const headDocument = after.get(id);
    const document = (headDocument ?? baseDocument) as SynthesizedIamDocument;
    if (
      baseDocument &&
      headDocument &&
      canonical(baseDocument.document) === canonical(headDocument.document)
    ) {
      continue;
    }
    const none = new Map<string, Map<string, Permission>>();
    const basePermissions = baseDocument ? await permissionsOf(baseDocument) : none;
    const headPermissions = headDocument ? await permissionsOf(headDocument) : none;
    const principals: PrincipalDiff[] = [];
    for (const principal of [
      ...new Set([...basePermissions.keys(), ...headPermissions.keys()]),
    ].sort()) {
      const baseLines = basePermissions.get(principal) ?? new Map<string, Permission>();
      const headLines = headPermissions.get(principal) ?? new Map<string, Permission>();
      const added = [...headLines].filter(([line]) => !baseLines.has(line)).map(([, p]) => p);
      const removed = [...baseLines].filter(([line]) => !headLines.has(line)).map(([, p]) => p);
      if (added.length + removed.length > 0) principals.push({ principal, added, removed });
    }
    diffs.push({
      stack: document.stack,
      address: document.address,
      kind: document.kind,
      owner: document.owner,
      principals,
    });
  }
  return diffs;
}

/** Compares two synthesized outdirs (each holding `stacks/<stack>/cdk.tf.json`). */
export async function diffSynthesized(
  /** Undefined: the base deploys nothing (its config did not exist yet). */
  baseOutdir: string | undefined,
  headOutdir: string,
): Promise<SynthesisDiff> {
  const base = baseOutdir === undefined ? [] : readSynthesizedStacks(baseOutdir);
  const head = readSynthesizedStacks(headOutdir);
  return {
    stacks: diffStacks(base, head),
    documents: await diffDocuments(base, head),
    weakenings: await findWeakenings(base, head),
  };
}
