import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { exampleConfig } from '../config';
import { findAllConfigProblems } from '../config/validate';
import { config as sampleConfig } from '../examples/bastion.config';
import { residualRisks } from '../review/report';
import { CONFIG_SHAPES } from './support/config-shapes';
import { synthesize } from './support/synth';

// The README is the adopter's path (issue 15): every step in order, every npm script named, every
// link into docs/ resolving, and no contradiction with the review report.

const root = join(__dirname, '..');
const readme = readFileSync(join(root, 'README.md'), 'utf8');
const scripts = Object.keys(
  (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: object }).scripts,
);

describe('README', () => {
  it('walks the adopter path in order, development last', () => {
    const steps = [
      '## When to use this, and when AWS Backup for S3',
      '## 1. Write your config',
      '## 2. Review',
      '## 3. Deploy',
      '## 4. Confirm the alert subscriptions',
      "## 5. Test one object's replication",
      '## 6. Backfill',
      '## 7. Verify',
      '## 8. Restore drill',
      '## 9. Operate',
      '## Development',
    ];
    const positions = steps.map((heading) => readme.indexOf(`\n${heading}\n`));
    expect(positions.filter((p) => p < 0).map((_, i) => steps[i])).toEqual([]);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
  });

  it('names every npm script', () => {
    const missing = scripts.filter((name) =>
      name === 'test' ? !readme.includes('npm test') : !readme.includes(`npm run ${name}`),
    );
    expect(missing).toEqual([]);
  });

  it('links only to docs/ files that exist, from the README and from docs/', () => {
    const files = [
      'README.md',
      ...readdirSync(join(root, 'docs'))
        .filter((f) => f.endsWith('.md'))
        .map((f) => join('docs', f)),
    ];
    const broken: string[] = [];
    for (const file of files) {
      const text = readFileSync(join(root, file), 'utf8');
      for (const [, target] of text.matchAll(
        /\]\(((?:\.\.\/|\.\/)?[\w./-]+\.(?:md|ts))(?:#[\w-]*)?\)/g,
      )) {
        if (/^https?:/.test(target)) continue;
        if (!existsSync(join(root, dirname(file), target))) broken.push(`${file} -> ${target}`);
      }
    }
    expect(broken).toEqual([]);
  });

  it('points adopters at a sample config that synthesizes (it is type-checked with the rest)', () => {
    expect(readme).toContain('examples/bastion.config.ts');
    expect(readme).toContain('BASTION_CONFIG');
    expect(findAllConfigProblems(sampleConfig)).toEqual([]);
    expect(Object.keys(synthesize(sampleConfig).stacks).sort()).toEqual([
      'backup-eu-central-1',
      'primary-eu-west-1',
    ]);
  });

  it('says who creates the restore staging bucket, in which account and region', () => {
    expect(readme).toMatch(/restore staging bucket\*\* is not created by the stacks/);
    expect(readme).toMatch(
      /in the \*\*backup account\*\*, in the \*\*same region as the backup bucket\*\*/,
    );
  });

  it('agrees with the review report: SSE-KMS backups leave the replicas of SSE-S3 sources under SSE-S3', () => {
    const sseKms = CONFIG_SHAPES['sse-kms'];
    const risk = residualRisks({ config: sseKms }).join('\n');
    expect(risk).toContain('SSE-KMS backups do not cover the replicas of SSE-S3 sources');
    expect(risk).toContain('`example-prod-assets`');
    expect(risk).not.toContain('`example-prod-ledger`');
    // Not said where it does not apply: SSE-S3 backups, or every source SSE-KMS.
    for (const config of [
      exampleConfig,
      { ...sseKms, sourceBuckets: sseKms.sourceBuckets.filter((b) => b.sourceKmsKeyArn) },
    ]) {
      expect(residualRisks({ config }).join('\n')).not.toContain('SSE-KMS backups do not cover');
    }
    expect(readme).toContain('Replicas of SSE-S3 sources keep SSE-S3');
  });

  it('agrees with the review report: the backfill copy never overwrites under If-None-Match', () => {
    const report = residualRisks({ config: exampleConfig }).join('\n');
    expect(report).toContain('S3 accepts `If-None-Match: *` on CopyObject');
    expect(report).not.toContain('the backfill must verify its copy path');
    expect(readme).toContain('with `If-None-Match: *` (S3');
  });
});
