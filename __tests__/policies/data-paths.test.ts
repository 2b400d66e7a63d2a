import { Statement } from '../../policies/document';
import {
  DataPathResult,
  KEY_ADMINISTRATION_ACTIONS,
  dataPathsOf,
  evaluateDataPaths,
} from '../../review/data-paths';
import { dataPathActorsFromDocuments } from '../../review/review-documents';
import { SynthesizedIamDocument, iamDocumentsOf } from '../../terraform/synthesized';
import { CONFIG_SHAPES, synthesizedShape } from '../support/config-shapes';

/**
 * Every data path of every role through the evaluator, KMS included, for the config shapes that
 * differ in what the paths touch: SSE-KMS sources (with and without S3 Bucket Keys, as two
 * encryption contexts), replica keys in two regions, replica keys named by ARN, no SSE-KMS.
 */
const SHAPES = [
  'example',
  'two-backup-regions',
  'replica-key-arns',
  'no-sse-kms',
  'sse-kms',
  'sse-kms-sse-s3-sources',
];

const results = new Map<string, DataPathResult[]>();
beforeAll(async () => {
  for (const shape of SHAPES) {
    const config = CONFIG_SHAPES[shape];
    const documents: SynthesizedIamDocument[] = synthesizedShape(shape).flatMap(iamDocumentsOf);
    results.set(
      shape,
      await evaluateDataPaths(
        dataPathsOf(config, documents),
        dataPathActorsFromDocuments(config, documents),
      ),
    );
  }
});

const failing = (shape: string) =>
  results
    .get(shape)!
    .filter((r) => !r.holds)
    .map(
      (r) =>
        `${r.path.id} must ${r.path.must}: ${r.decisions
          .filter((d) => !d.allowed)
          .map((d) => `${d.request.actor} ${d.request.action} (${d.request.what})`)
          .join(', ')}`,
    );

describe.each(SHAPES)('the data paths of the %s config shape', (shape) => {
  it('all hold: every role can do its job, and not more', () => {
    expect(failing(shape)).toEqual([]);
  });
});

describe('the SSE-KMS paths of the example', () => {
  const ids = () => results.get('example')!.map((r) => r.path.id);

  it('cover replication, backfill and restore, with and without Bucket Keys', () => {
    for (const label of ['SSE-KMS', 'SSE-KMS with Bucket Keys']) {
      expect(ids()).toEqual(
        expect.arrayContaining([
          `replication of example-prod-ledger (${label})`,
          `backfill of example-prod-ledger (${label})`,
          `restore from example-bastion-prod-ledger (${label})`,
        ]),
      );
    }
  });

  it('decrypt through KMS on each of them (kms:Decrypt on the source key, on the replica key)', () => {
    const kms = results
      .get('example')!
      .filter((r) => r.path.must === 'work')
      .flatMap((r) => r.decisions.filter((d) => d.request.action.startsWith('kms:')))
      .map((d) => `${d.request.actor} ${d.request.action} ${d.allowed}`);
    expect([...new Set(kms)].sort()).toEqual([
      'backfill-role kms:Decrypt true',
      'backup-admin kms:PutKeyPolicy true',
      'replication-role kms:Decrypt true',
      'replication-role kms:GenerateDataKey true',
      'restore-role kms:Decrypt true',
    ]);
  });
});

describe('the backup key of the sse-kms shape (every backup bucket defaults to it)', () => {
  const decisions = () =>
    results.get('sse-kms')!.flatMap((r) => r.decisions.map((d) => ({ path: r.path, ...d })));
  const allowed = (actor: string, action: string, viaS3: boolean) =>
    decisions()
      .filter(
        (d) =>
          d.request.actor === actor &&
          d.request.action === action &&
          d.request.resource.includes(':kms:us-west-2:222222222222:') &&
          'kms:ViaService' in d.request.context === viaS3,
      )
      .map((d) => d.allowed);

  it("covers both backup buckets, the SSE-S3 source's included", () => {
    const ids = results.get('sse-kms')!.map((r) => r.path.id);
    for (const bucket of ['example-bastion-prod-assets', 'example-bastion-prod-ledger']) {
      expect(ids).toEqual(
        expect.arrayContaining([
          `backfill into ${bucket} (SSE-KMS backups)`,
          `restore from ${bucket} (SSE-KMS backups)`,
          `batch restore from ${bucket} (SSE-KMS backups)`,
        ]),
      );
    }
  });

  it('lets replication and the backfill encrypt through S3 only; the backfill decrypt through S3 only (multipart copies)', () => {
    for (const actor of ['replication-role', 'backfill-role']) {
      expect(allowed(actor, 'kms:GenerateDataKey', true)).toContain(true);
      expect(allowed(actor, 'kms:GenerateDataKey', true)).not.toContain(false);
    }
    expect(allowed('backfill-role', 'kms:GenerateDataKey', false)).toEqual([false, false]);
    expect(allowed('backfill-role', 'kms:Decrypt', true)).not.toContain(false);
    expect(allowed('backfill-role', 'kms:Decrypt', false)).not.toContain(true);
    expect(allowed('replication-role', 'kms:Decrypt', true)).not.toContain(true);
  });

  it('lets both restore roles decrypt through S3, and not directly', () => {
    for (const actor of ['restore-role', 'batch-restore-role']) {
      expect(new Set(allowed(actor, 'kms:Decrypt', true))).toEqual(new Set([true]));
      expect(new Set(allowed(actor, 'kms:Decrypt', false))).toEqual(new Set([false]));
    }
  });

  it.each([...KEY_ADMINISTRATION_ACTIONS])(
    'refuses %s to every primary principal (admin, roles, roles taken over), another account and anonymous',
    (action) => {
      const outside = decisions().filter(
        (d) =>
          d.request.action === action &&
          !('kms:ViaService' in d.request.context) &&
          d.path.id.includes(' on the backup key of us-west-2'),
      );
      expect(outside.map((d) => d.request.actor).sort()).toEqual([
        'anonymous',
        'backfill-role',
        'backfill-role-taken-over',
        'batch-replication-role',
        'other-account',
        'primary-admin',
        'replication-role',
        'replication-role-taken-over',
      ]);
      expect(outside.filter((d) => d.allowed)).toEqual([]);
    },
  );
});

describe('SSE-KMS backups of SSE-S3 sources only (their replicas keep SSE-S3)', () => {
  // https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-config-for-kms-objects.html
  // ("How default bucket encryption affects replication").
  it('give the replication role no use of the backup key, and still let the backfill and restores use it through S3', () => {
    const paths = results.get('sse-kms-sse-s3-sources')!;
    const replicationEncrypt = paths.filter((r) =>
      r.path.id.startsWith('the replication role encrypting with a key no SSE-KMS source needs'),
    );
    expect(replicationEncrypt).toHaveLength(2);
    for (const r of replicationEncrypt) {
      expect(r.path.must).toBe('be denied');
      expect(r.decisions.map((d) => d.allowed)).toEqual([false]);
    }
    for (const id of ['backfill into', 'restore from', 'batch restore from']) {
      const path = paths.filter(
        (r) => r.path.id.startsWith(id) && r.path.id.endsWith('(SSE-KMS backups)'),
      );
      expect(path).toHaveLength(2);
      expect(path.every((r) => r.holds && r.path.must === 'work')).toBe(true);
    }
  });
});

describe('mutation: a backup key policy that lets the primary account administer the key', () => {
  it('fails the data paths, naming the primary admin and each refused action', async () => {
    const config = CONFIG_SHAPES['sse-kms'];
    const documents = synthesizedShape('sse-kms')
      .flatMap(iamDocumentsOf)
      .map((d) => {
        if (d.kind !== 'key-policy') return d;
        const grant: Statement = {
          Sid: 'AllowPrimaryAccountToAdministerKey',
          Effect: 'Allow',
          Principal: { AWS: `arn:aws:iam::${config.primary.accountId}:root` },
          Action: ['kms:*'],
          Resource: ['*'],
        };
        return { ...d, document: { ...d.document, Statement: [...d.document.Statement, grant] } };
      });
    const mutated = await evaluateDataPaths(
      dataPathsOf(config, documents),
      dataPathActorsFromDocuments(config, documents),
    );
    const broken = mutated.filter((r) => !r.holds).map((r) => r.path.id);
    for (const action of KEY_ADMINISTRATION_ACTIONS) {
      expect(broken).toContain(`primary-admin calling ${action} on the backup key of us-west-2`);
    }
  });
});
