import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { exampleConfig } from '../../config';
import { OUTSIDE_ACCOUNT_ALLOW_LIST } from '../../policies/actions';
import { backupBucketPolicy } from '../../policies/backup-bucket-policy';
import { Statement } from '../../policies/document';
import { replicationRolePolicy } from '../../policies/replication-role';
import { documentRuleFindings } from '../../review/review-documents';
import { s3ActionCatalog } from '../../review/s3-actions';
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
    expect(documents.length).toBe(15);
    expect(documentRuleFindings(exampleConfig, documents)).toEqual([]);
  });
});

describe('the allow-list of the deny-by-default bucket policy', () => {
  const policy = backupBucketPolicy(exampleConfig, exampleConfig.sourceBuckets[0]);

  it('names only S3 actions of the Service Authorization Reference that take a bucket or an object', async () => {
    const { evaluated } = await s3ActionCatalog();
    const known = new Map(evaluated.map((a) => [a.action.toLowerCase(), a.action]));
    expect(OUTSIDE_ACCOUNT_ALLOW_LIST.map((a) => known.get(a.toLowerCase()))).toEqual(
      OUTSIDE_ACCOUNT_ALLOW_LIST,
    );
  });

  it('is exactly what the Allow statements grant, and every action of it is pinned by a Deny to the roles its Allows name', () => {
    const allows = policy.Statement.filter((s) => s.Effect === 'Allow');
    const granted = [...new Set(allows.flatMap((s) => s.Action ?? []))].sort();
    expect(granted).toEqual([...OUTSIDE_ACCOUNT_ALLOW_LIST]);
    const principalArns = (s: Statement) =>
      Object.values(s.Condition ?? {}).flatMap((block) =>
        [block?.['aws:PrincipalArn'] ?? []].flat(),
      );
    for (const action of OUTSIDE_ACCOUNT_ALLOW_LIST) {
      const grantees = allows
        .filter((s) => s.Action?.includes(action))
        .flatMap(principalArns)
        .sort();
      const pins = policy.Statement.filter(
        (s) =>
          s.Effect === 'Deny' &&
          s.Action?.includes(action) &&
          s.Condition?.ArnNotEquals?.['aws:PrincipalArn'] !== undefined,
      );
      expect([action, pins.length]).toEqual([action, 1]);
      expect([
        action,
        [pins[0].Condition?.ArnNotEquals?.['aws:PrincipalArn']].flat().sort(),
      ]).toEqual([action, [...new Set(grantees)]]);
    }
  });

  it('leaves no S3 action to a list: the outside-account Deny is a NotAction over the bucket and its objects', () => {
    const deny = policy.Statement.find(
      (s) => s.Sid === 'DenyEverythingOutsideBackupAccountExceptReplicationAndBackfill',
    );
    expect(deny).toMatchObject({
      Effect: 'Deny',
      Principal: '*',
      NotAction: OUTSIDE_ACCOUNT_ALLOW_LIST,
      Resource: [
        'arn:aws:s3:::example-bastion-prod-assets',
        'arn:aws:s3:::example-bastion-prod-assets/*',
      ],
      Condition: { StringNotEquals: { 'aws:PrincipalAccount': '222222222222' } },
    });
    expect(policy.Statement.filter((s) => s.NotAction !== undefined)).toHaveLength(1);
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
