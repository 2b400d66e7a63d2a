import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { expandIamActions } from '@cloud-copilot/iam-expand';
import { Principal, Statement } from '../policies/document';
import {
  SynthesizedIamDocument,
  SynthesizedStack,
  iamDocumentsOf,
  readSynthesizedStacks,
} from './synthesized';
import { synthesizeProject } from './synth';
import { CommandFailedError, InputError } from '../cli/errors';

/**
 * The PR summary: what two syntheses (a base ref and the working tree) differ in, per stack in
 * resources and per IAM document in permissions, with action wildcards expanded so that a
 * reviewer sees what `s3:Put*` really grants. Reads cdktf.out, so it shows what would deploy.
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

const canonical = (value: unknown): string => JSON.stringify(withoutMetadata(value) ?? null);

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
    const b = base.find((s) => s.name === name);
    const h = head.find((s) => s.name === name);
    const before = resourcesOf(b);
    const after = resourcesOf(h);
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
    const settingsChanged = b !== undefined && h !== undefined && settings(b) !== settings(h);
    if (added.length + removed.length + changed.length === 0 && !settingsChanged && b && h)
      continue;
    diffs.push({
      stack: name,
      status: !b ? 'added' : !h ? 'removed' : 'changed',
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
  const key = (d: SynthesizedIamDocument) => `${d.stack} ${d.address}`;
  const before = new Map(base.flatMap(iamDocumentsOf).map((d) => [key(d), d]));
  const after = new Map(head.flatMap(iamDocumentsOf).map((d) => [key(d), d]));
  const diffs: DocumentDiff[] = [];
  for (const k of [...new Set([...before.keys(), ...after.keys()])].sort()) {
    const b = before.get(k);
    const h = after.get(k);
    const doc = (h ?? b) as SynthesizedIamDocument;
    if (b && h && canonical(b.document) === canonical(h.document)) continue;
    const pb = b ? await permissionsOf(b) : new Map<string, Map<string, Permission>>();
    const ph = h ? await permissionsOf(h) : new Map<string, Map<string, Permission>>();
    const principals: PrincipalDiff[] = [];
    for (const principal of [...new Set([...pb.keys(), ...ph.keys()])].sort()) {
      const lb = pb.get(principal) ?? new Map<string, Permission>();
      const lh = ph.get(principal) ?? new Map<string, Permission>();
      const added = [...lh].filter(([id]) => !lb.has(id)).map(([, p]) => p);
      const removed = [...lb].filter(([id]) => !lh.has(id)).map(([, p]) => p);
      if (added.length + removed.length > 0) principals.push({ principal, added, removed });
    }
    diffs.push({
      stack: doc.stack,
      address: doc.address,
      kind: doc.kind,
      owner: doc.owner,
      principals,
    });
  }
  return diffs;
}

/** Compares two synthesized outdirs (each holding `stacks/<stack>/cdk.tf.json`). */
export async function diffSynthesized(
  baseOutdir: string,
  headOutdir: string,
): Promise<SynthesisDiff> {
  const base = readSynthesizedStacks(baseOutdir);
  const head = readSynthesizedStacks(headOutdir);
  return { stacks: diffStacks(base, head), documents: await diffDocuments(base, head) };
}

const code = (text: string): string => `\`${text.replace(/`/g, "'")}\``;
const cell = (text: string): string => text.replace(/\|/g, '\\|');

/** Permission lines that differ only in action, grouped into one row. */
function rows(sign: '+' | '−', permissions: readonly Permission[]): string[] {
  const groups = new Map<string, { p: Permission; actions: string[] }>();
  for (const p of permissions) {
    const id = canonical({ e: p.effect, r: p.resource, c: p.condition });
    const group = groups.get(id) ?? { p, actions: [] };
    group.actions.push(p.action);
    groups.set(id, group);
  }
  return [...groups.values()].map(
    ({ p, actions }) =>
      `| ${sign} | ${p.effect} | ${actions.sort().map(code).join(' ')} | ${code(p.resource)} | ${p.condition ? cell(code(p.condition)) : ''} |`,
  );
}

const MAX_ATTRIBUTES = 10;

const KIND: Record<DocumentDiff['kind'], string> = {
  'bucket-policy': 'bucket policy of',
  'trust-policy': 'trust policy of role',
  'role-policy': 'permissions of role',
  'key-policy': 'key policy of',
};

/** Markdown for a PR comment; `No changes.` when the two syntheses deploy the same thing. */
export function renderMarkdown(diff: SynthesisDiff, options: { title?: string } = {}): string {
  const out = [`## ${options.title ?? 'Synthesized changes'}`, ''];
  if (diff.stacks.length === 0 && diff.documents.length === 0) {
    return [...out, 'No changes.', ''].join('\n');
  }
  out.push('### Resources', '');
  if (diff.stacks.length === 0) out.push('No resource changes.', '');
  for (const s of diff.stacks) {
    const status = s.status === 'changed' ? '' : ` (stack ${s.status})`;
    out.push(
      `#### Stack ${code(s.stack)}${status}: ${s.added.length} added, ${s.changed.length} changed, ${s.removed.length} removed`,
      '',
    );
    for (const a of s.added) out.push(`- added ${code(a)}`);
    for (const c of s.changed) {
      out.push(`- changed ${code(c.address)}`);
      for (const a of c.attributes.slice(0, MAX_ATTRIBUTES)) {
        out.push(
          a.before === a.after
            ? `  - ${code(a.path)}: changed ${a.after}, see Permissions`
            : `  - ${code(a.path)}: ${code(a.before)} → ${code(a.after)}`,
        );
      }
      if (c.attributes.length > MAX_ATTRIBUTES) {
        out.push(`  - and ${c.attributes.length - MAX_ATTRIBUTES} more attributes`);
      }
    }
    for (const r of s.removed) out.push(`- removed ${code(r)}`);
    if (s.settingsChanged) out.push('- changed provider or backend settings');
    out.push('');
  }
  out.push('### Permissions', '');
  if (diff.documents.length === 0) out.push('No permission changes.', '');
  for (const d of diff.documents) {
    out.push(
      `#### ${code(d.address)}: ${KIND[d.kind]} ${code(d.owner)} (stack ${code(d.stack)})`,
      '',
    );
    if (d.principals.length === 0)
      out.push('Reworded; grants and denies the same permissions.', '');
    for (const p of d.principals) {
      out.push(
        `Principal ${code(p.principal)}: ${p.added.length} permissions added, ${p.removed.length} removed`,
        '',
        '| | effect | actions | resource | condition |',
        '|---|---|---|---|---|',
        ...rows('+', p.added),
        ...rows('−', p.removed),
        '',
      );
    }
  }
  return `${out.join('\n').trimEnd()}\n`;
}

function git(cwd: string, args: readonly string[]): string {
  const result = spawnSync('git', [...args], { cwd, encoding: 'utf8' });
  if (result.status !== 0) {
    throw new CommandFailedError(
      `git ${args.join(' ')} failed in ${cwd}:\n${result.stderr || result.stdout}`,
    );
  }
  return result.stdout;
}

/**
 * Synthesizes `base` (a git ref) in a temporary worktree, sharing the checkout's node_modules,
 * and the working tree as it is, then diffs the two. The worktree is removed afterwards.
 */
export async function diffAgainstRef(options: {
  repoDir: string;
  base: string;
  env?: NodeJS.ProcessEnv;
}): Promise<SynthesisDiff> {
  const repoDir = resolve(options.repoDir);
  const commit = spawnSync(
    'git',
    ['rev-parse', '--verify', '--quiet', `${options.base}^{commit}`],
    {
      cwd: repoDir,
      encoding: 'utf8',
    },
  ).stdout.trim();
  if (commit === '')
    throw new InputError(`'${options.base}' names no commit in ${repoDir}`, 'base');
  const temp = mkdtempSync(join(tmpdir(), 'bastion-diff-'));
  const worktree = join(temp, 'base');
  try {
    git(repoDir, ['worktree', 'add', '--detach', worktree, commit]);
    const modules = join(repoDir, 'node_modules');
    if (existsSync(modules)) symlinkSync(modules, join(worktree, 'node_modules'), 'dir');
    const baseOut = join(temp, 'base.out');
    const headOut = join(temp, 'head.out');
    await synthesizeProject({ projectDir: worktree, outdir: baseOut, env: options.env });
    await synthesizeProject({ projectDir: repoDir, outdir: headOut, env: options.env });
    return await diffSynthesized(baseOut, headOut);
  } finally {
    if (existsSync(worktree))
      spawnSync('git', ['worktree', 'remove', '--force', worktree], { cwd: repoDir });
    spawnSync('git', ['worktree', 'prune'], { cwd: repoDir });
    rmSync(temp, { recursive: true, force: true });
  }
}
