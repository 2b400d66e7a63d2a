import { exampleConfig } from '../../config';
import { WRITE_GUARD_PURPOSE } from '../../policies/backup-write-guards';
import { Statement } from '../../policies/document';
import { SynthesizedIamDocument } from '../../terraform/synthesized';
import { ActorId } from '../../review/actors';
import { LAYER_ACTORS, Layer } from '../../review/matrix';
import { reviewDocuments } from '../../review/review-documents';
import { synthesizedDocuments } from './synthesized-example';

/**
 * A broken policy must fail the proof. Each mutation edits the documents read back from
 * cdktf.out, as a bad change to policies/ would, and runs the proof on one bucket, in the layer
 * that is meant to catch it. The unmutated documents pass the same runs (first test).
 */
const documents = synthesizedDocuments();
const bucket = exampleConfig.sourceBuckets[0].backupBucketName;
const bucketPolicy = documents.find((d) => d.kind === 'bucket-policy' && d.owner === bucket)!;

type Mutation = (statements: Statement[]) => Statement[];

function mutated(mutation: Mutation, roleMutation?: Mutation): SynthesizedIamDocument[] {
  return documents.map((d) => {
    const clone = structuredClone(d) as {
      -readonly [K in keyof SynthesizedIamDocument]: SynthesizedIamDocument[K];
    };
    const mutate =
      d === bucketPolicy
        ? mutation
        : d.kind === 'role-policy' && d.owner === 's3-bastion-replication'
          ? roleMutation
          : undefined;
    if (mutate) {
      clone.document = {
        ...d.document,
        Statement: mutate(structuredClone([...d.document.Statement])),
      };
    }
    return clone;
  });
}

function withStatement(sid: string, edit: (s: Statement) => Statement): Mutation {
  return (statements) => {
    expect(statements.map((s) => s.Sid)).toContain(sid);
    return statements.map((s) => (s.Sid === sid ? edit(s) : s));
  };
}

async function findings(
  docs: SynthesizedIamDocument[],
  layers: Layer[],
  actors: readonly ActorId[],
): Promise<string[]> {
  const review = await reviewDocuments(exampleConfig, docs, { layers, actors, buckets: [bucket] });
  return [
    ...review.findings.map((f) => `${f.layer} ${f.actor}: ${f.message}`),
    ...review.documentFindings,
  ];
}

const denySids = bucketPolicy.document.Statement.filter((s) => s.Effect === 'Deny').map(
  (s) => s.Sid,
);

describe('mutation tests: a broken bucket policy fails the proof', () => {
  it('passes unmutated in every run below', async () => {
    expect(
      await findings(documents, ['deployed', 'allows-only', 'denies-only'], LAYER_ACTORS),
    ).toEqual([]);
  });

  it('fails when s3:PutBucketVersioning is granted to the replication role, though a Deny masks it', async () => {
    const grant = (sid: string) =>
      withStatement(sid, (s) => ({
        ...s,
        Action: [...(s.Action ?? []), 's3:PutBucketVersioning'],
      }));
    const result = await findings(
      mutated(
        grant('AllowReplicationRoleReadBucketVersioning'),
        grant('ReadBackupBucketVersioning'),
      ),
      ['deployed', 'allows-only'],
      ['replication-role', 'replication-role-taken-over'],
    );
    expect(result).toContain(
      'allows-only replication-role-taken-over: the Allow statements alone grant, not expected: bucket s3:PutBucketVersioning',
    );
    // As deployed the Deny still holds it: this is what the allows-only layer is for.
    expect(result.filter((f) => f.startsWith('deployed'))).toEqual([]);
  });

  it('covers every Deny statement of the bucket policy', () => {
    expect(denySids).toEqual([
      'DenyInsecureTransport',
      'DenyEverythingOutsideBackupAccountExceptReplicationAndBackfill',
      'DenyReplicationWritesExceptReplicationRole',
      'DenyVersioningReadExceptReplicationRole',
      'DenyListingExceptReplicationAndBackfillRoles',
      'DenyObjectWritesExceptBackfillRole',
      'DenyBackfillOverwrites',
      'DenyBackfillObjectAcls',
      ...Object.keys(WRITE_GUARD_PURPOSE).filter((sid) => sid !== 'DenyRetentionBeyondCap'),
    ]);
  });

  it.each(denySids)('fails when the Deny %s is removed', async (sid) => {
    // Without TLS the deployed layer sees it; every other Deny is load-bearing in denies-only.
    const layer: Layer = sid === 'DenyInsecureTransport' ? 'deployed' : 'denies-only';
    // A write guardrail addresses the two writers; evaluating only them keeps the run short.
    const actors: readonly ActorId[] =
      sid in WRITE_GUARD_PURPOSE
        ? ['replication-role-taken-over', 'backfill-role-taken-over']
        : LAYER_ACTORS;
    const result = await findings(
      mutated((statements) => statements.filter((s) => s.Sid !== sid)),
      [layer],
      actors,
    );
    expect(result.length).toBeGreaterThan(0);
    expect(result.every((f) => f.startsWith(layer))).toBe(true);
  });

  it('fails when a wildcard replaces the replication actions', async () => {
    const result = await findings(
      mutated(
        withStatement('AllowReplicationRoleReplicateObjects', (s) => ({ ...s, Action: ['s3:*'] })),
      ),
      ['allows-only'],
      ['replication-role-taken-over'],
    );
    expect(result).toEqual(
      expect.arrayContaining([
        'allows-only replication-role-taken-over: the Allow statements alone grant, not expected: object s3:DeleteObjectVersion',
      ]),
    );
  });

  it('fails when an Allow names the principal * (the model rule, re-applied to cdktf.out)', async () => {
    // The aws:PrincipalArn condition still stops strangers: only the model rule sees this one.
    const result = await findings(
      mutated(withStatement('AllowBackfillRoleListBucket', (s) => ({ ...s, Principal: '*' }))),
      ['allows-only'],
      ['anonymous', 'other-account'],
    );
    expect(result).toEqual([
      expect.stringMatching(
        /AllowBackfillRoleListBucket.*an Allow must not name the principal '\*'/,
      ),
    ]);
  });

  it('fails when an Allow names the principal * without its condition', async () => {
    const result = await findings(
      mutated(
        withStatement('AllowBackfillRoleListBucket', ({ Condition: _dropped, ...s }) => ({
          ...s,
          Principal: '*',
        })),
      ),
      ['allows-only'],
      ['anonymous', 'other-account'],
    );
    expect(result).toEqual(
      expect.arrayContaining([
        'allows-only anonymous: the Allow statements alone grant, not expected: bucket s3:ListBucket',
        'allows-only other-account: the Allow statements alone grant, not expected: bucket s3:ListBucket',
      ]),
    );
  });

  it('fails when the If-None-Match condition is dropped from the backfill grant', async () => {
    const result = await findings(
      mutated(
        withStatement('AllowBackfillRoleCreateAbsentObjects', (s) => {
          const condition = { ...s.Condition };
          delete condition.StringEquals;
          return { ...s, Condition: condition };
        }),
      ),
      ['allows-only'],
      ['backfill-role-taken-over'],
    );
    expect(result).toContain(
      'allows-only backfill-role-taken-over: the Allow statements alone grant, not expected: object s3:PutObject [overwrite]',
    );
  });
});
