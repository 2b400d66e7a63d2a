import { DataPathResult, dataPathsOf, evaluateDataPaths } from '../../review/data-paths';
import { actorsFromDocuments } from '../../review/review-documents';
import { SynthesizedIamDocument, iamDocumentsOf } from '../../terraform/synthesized';
import { CONFIG_SHAPES, synthesizedShape } from '../support/config-shapes';

/**
 * Every data path of every role through the evaluator, KMS included, for the config shapes that
 * differ in what the paths touch: SSE-KMS sources (with and without S3 Bucket Keys, as two
 * encryption contexts), replica keys in two regions, replica keys named by ARN, no SSE-KMS.
 */
const SHAPES = ['example', 'two-backup-regions', 'replica-key-arns', 'no-sse-kms'];

const results = new Map<string, DataPathResult[]>();
beforeAll(async () => {
  for (const shape of SHAPES) {
    const config = CONFIG_SHAPES[shape];
    const documents: SynthesizedIamDocument[] = synthesizedShape(shape).flatMap(iamDocumentsOf);
    results.set(
      shape,
      await evaluateDataPaths(
        dataPathsOf(config, documents),
        actorsFromDocuments(config, documents),
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
      'replication-role kms:Decrypt true',
      'replication-role kms:GenerateDataKey true',
      'restore-role kms:Decrypt true',
    ]);
  });
});
