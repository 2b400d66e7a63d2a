import { canonical, type DocumentDiff, type Permission, type SynthesisDiff } from './model';

/** The PR comment: the synthesis diff (model.ts) as Markdown. */

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
  if (diff.baseNote) out.push(diff.baseNote, '');
  if (diff.stacks.length === 0 && diff.documents.length === 0) {
    return [...out, 'No changes.', ''].join('\n');
  }
  if (diff.weakenings.length > 0) {
    out.push(
      '### Weakens the backup',
      '',
      `${diff.weakenings.length} change${diff.weakenings.length === 1 ? '' : 's'} in this diff ` +
        'weaken the backup. The backup team must agree to each before it deploys.',
      '',
      ...diff.weakenings.map((w) => `- **${w.subject}** (stack ${code(w.stack)}): ${w.change}`),
      '',
    );
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
