import { runSimulation } from '@cloud-copilot/iam-simulate';
import { exampleConfig } from '../../config';
import { ActorId } from '../../review/actors';
import { evaluate } from '../../review/evaluate';
import { Cell, deniesOnly } from '../../review/matrix';
import { renderReport, reportPasses } from '../../review/report';
import { Review, passes, reviewDocuments } from '../../review/review-documents';
import { isMutating } from '../../review/s3-actions';
import { PUT_OBJECT_VARIANTS } from '../../review/variants';
import { synthesizedDocuments } from './synthesized-example';

/**
 * The proof of the threat model (docs/DESIGN.md) on the example config: every document is
 * read back from a synthesized cdktf.out and evaluated by an IAM evaluator, for every actor, every
 * S3 action that takes a bucket or an object, over TLS and without.
 */
let review: Review;
beforeAll(async () => {
  review = await reviewDocuments(exampleConfig, synthesizedDocuments());
});

const backupBuckets = exampleConfig.sourceBuckets.map((b) => b.backupBucketName);

function deployed(bucket: string, actor: ActorId, tls = true): Cell[] {
  const cells = review.buckets
    .find((b) => b.source.backupBucketName === bucket)!
    .cells.filter((c) => c.layer === 'deployed' && c.actor === actor && c.tls === tls);
  expect(cells.length).toBeGreaterThan(100);
  return cells;
}

const allowed = (cells: Cell[]) =>
  cells
    .filter((c) => c.result === 'Allowed')
    .map((c) => c.key)
    .sort();

describe('the access proof on the example config', () => {
  it('finds no violation in any layer, bucket or document', () => {
    expect(review.findings).toEqual([]);
    expect(review.documentFindings).toEqual([]);
    expect(passes(review)).toBe(true);
    expect(review.buckets.map((b) => b.source.backupBucketName)).toEqual(backupBuckets);
  });

  it('evaluates every S3 action that takes a bucket or an object, and says which it cannot', () => {
    const evaluated = new Set(review.buckets[0].cells.map((c) => c.action));
    expect(evaluated.size).toBe(review.catalog.evaluated.length);
    expect(evaluated.size).toBeGreaterThan(100);
    expect(evaluated).toContain('s3:PutBucketVersioning');
    // Account-level and other resource types never consult a bucket policy.
    const notApplicable = review.catalog.notApplicable.map((a) => a.action);
    expect(notApplicable).toContain('s3:PutAccountPublicAccessBlock');
    expect(notApplicable).not.toContain('s3:DeleteObject');
  });

  describe.each(backupBuckets)('backup bucket %s', (bucket) => {
    it('denies the primary-account admin every S3 action on the bucket and its objects', () => {
      const cells = deployed(bucket, 'primary-admin');
      expect(allowed(cells)).toEqual([]);
      // Cross-account: its Allow * is not enough, and the bucket policy names only the roles.
      expect(cells.some((c) => c.action === 's3:DeleteObjectVersion')).toBe(true);
    });

    it('allows the replication role exactly the replication writes and the bucket reads', () => {
      expect(allowed(deployed(bucket, 'replication-role'))).toEqual([
        'bucket s3:GetBucketVersioning',
        'bucket s3:ListBucket',
        'object s3:ObjectOwnerOverrideToBucketOwner',
        'object s3:ReplicateDelete',
        'object s3:ReplicateObject',
        'object s3:ReplicateObject [sse-kms-backup-key]',
        'object s3:ReplicateObject [sse-s3]',
        'object s3:ReplicateObjectAnnotation',
        'object s3:ReplicateTags',
      ]);
    });

    it('allows the backfill role exactly ListBucket and PutObject with If-None-Match *', () => {
      expect(allowed(deployed(bucket, 'backfill-role'))).toEqual([
        'bucket s3:ListBucket',
        'object s3:PutObject [if-none-match+bucket-owner-full-control]',
        'object s3:PutObject [if-none-match+glacier-ir]',
        'object s3:PutObject [if-none-match+sse-kms-backup-key]',
        'object s3:PutObject [if-none-match+sse-s3]',
        'object s3:PutObject [if-none-match+standard-ia]',
        'object s3:PutObject [if-none-match]',
        'object s3:PutObject [multipart-step]',
      ]);
      const denied = deployed(bucket, 'backfill-role')
        .filter((c) => c.action === 's3:PutObject' && c.result !== 'Allowed')
        .map((c) => c.variant.id)
        .sort();
      expect(denied).toEqual(
        [
          'if-none-match+public-read',
          'multipart-step+public-read',
          'overwrite',
          // the write guardrails (write-guards.test.ts)
          'if-none-match+deep-archive',
          'if-none-match+glacier',
          'if-none-match+legal-hold',
          'if-none-match+object-lock-mode',
          'if-none-match+object-lock-retain-until',
          'if-none-match+sse-c',
          'if-none-match+sse-kms-foreign-key',
          'if-none-match+sse-kms-no-key-id',
          'multipart-step+deep-archive',
          'multipart-step+sse-c',
        ].sort(),
      );
      expect(PUT_OBJECT_VARIANTS).toHaveLength(6);
    });

    it('bounds a take-over of either role by the bucket policy: the same grants, no more', () => {
      expect(allowed(deployed(bucket, 'replication-role-taken-over'))).toEqual(
        allowed(deployed(bucket, 'replication-role')),
      );
      expect(allowed(deployed(bucket, 'backfill-role-taken-over'))).toEqual(
        allowed(deployed(bucket, 'backfill-role')),
      );
    });

    it('lets the restore role read every version, and nothing that is not a read', () => {
      const cells = deployed(bucket, 'restore-role');
      const mutating = new Set(review.catalog.evaluated.filter(isMutating).map((a) => a.action));
      const granted = cells.filter((c) => c.result === 'Allowed');
      expect(granted.filter((c) => mutating.has(c.action))).toEqual([]);
      expect(allowed(cells)).toEqual(
        expect.arrayContaining(['bucket s3:ListBucketVersions', 'object s3:GetObjectVersion']),
      );
    });

    it.each([
      'anonymous',
      'other-account',
      'batch-replication-role',
      'backup-principal-without-grants',
    ] as const)('allows %s nothing', (actor) => {
      expect(allowed(deployed(bucket, actor))).toEqual([]);
    });

    it('allows nothing at all without TLS, to any actor', () => {
      const withoutTls = review.buckets
        .find((b) => b.source.backupBucketName === bucket)!
        .cells.filter((c) => c.layer === 'deployed' && !c.tls);
      expect(withoutTls.length).toBeGreaterThan(1000);
      expect(withoutTls.filter((c) => c.result === 'Allowed')).toEqual([]);
      expect(
        withoutTls.every(
          (c) =>
            c.actor === 'backup-principal-without-grants' ||
            c.deniedBy.includes('DenyInsecureTransport'),
        ),
      ).toBe(true);
    });
  });
});

describe('the evaluator pitfall the proof avoids', () => {
  it('does not derive aws:SecureTransport: a Deny on the missing key silently does not fire', async () => {
    const replication = review.actors.find((a) => a.id === 'replication-role')!;
    const resource = `arn:aws:s3:::${backupBuckets[0]}/k`;
    const simulate = (contextVariables: Record<string, string>) =>
      runSimulation(
        {
          request: {
            principal: replication.principal,
            action: 's3:ReplicateObject',
            resource: { resource, accountId: exampleConfig.backup.accountId },
            contextVariables,
          },
          identityPolicies: replication.identityPolicies.map((p) => ({ ...p })),
          serviceControlPolicies: [],
          resourceControlPolicies: [],
          resourcePolicy: review.buckets[0].policy,
        },
        {},
      );
    const principalKeys = {
      'aws:PrincipalArn': replication.principalArn!,
      'aws:PrincipalAccount': replication.principalAccount!,
    };
    const missing = await simulate(principalKeys);
    expect(missing.resultType !== 'error' && missing.overallResult).toBe('Allowed');
    const plain = await simulate({ ...principalKeys, 'aws:SecureTransport': 'false' });
    expect(plain.resultType !== 'error' && plain.overallResult).toBe('ExplicitlyDenied');
    // evaluate() always sets the key from the request, so the matrix cannot fall into it.
    const viaEvaluate = await evaluate({
      actor: replication,
      action: 's3:ReplicateObject',
      resource,
      resourceAccount: exampleConfig.backup.accountId,
      resourcePolicy: review.buckets[0].policy,
      secureTransport: false,
      context: {},
    });
    expect(viaEvaluate).toEqual({
      result: 'ExplicitlyDenied',
      deniedBy: ['DenyInsecureTransport'],
    });
  });
});

describe('deny by default: an S3 action outside the allow-list is denied without being named', () => {
  const policyOf = () => review.buckets[0].policy;
  const admin = () => review.actors.find((a) => a.id === 'primary-admin')!;
  const request = (action: string) =>
    evaluate({
      actor: admin(),
      action,
      resource: `arn:aws:s3:::${backupBuckets[0]}/k`,
      resourceAccount: exampleConfig.backup.accountId,
      resourcePolicy: deniesOnly(exampleConfig, backupBuckets[0], policyOf()),
      secureTransport: true,
      context: {},
    });

  it('denies s3:DeleteObjectVersion to a primary admin, though no statement names it', async () => {
    expect(JSON.stringify(policyOf())).not.toMatch(/DeleteObjectVersion|s3:Delete/);
    // Even with an Allow of s3:* to everyone added (the denies-only layer), the NotAction Deny holds.
    expect(await request('s3:DeleteObjectVersion')).toEqual({
      result: 'ExplicitlyDenied',
      deniedBy: ['DenyEverythingOutsideBackupAccountExceptReplicationAndBackfill'],
    });
  });

  it('covers an action AWS has not invented yet by NotAction, which the evaluator cannot show', async () => {
    // iam-simulate refuses an action that its packaged reference does not know, so a synthetic
    // future action cannot be evaluated; what holds it is IAM's NotAction rule: the Deny applies
    // to every action its list does not name, on its resources, when its condition holds.
    await expect(request('s3:PurgeObjectVersionsNextYear')).rejects.toThrow(/cannot evaluate/);
    const deny = policyOf().Statement.find(
      (st) => st.Sid === 'DenyEverythingOutsideBackupAccountExceptReplicationAndBackfill',
    )!;
    expect(deny.NotAction).not.toContain('s3:PurgeObjectVersionsNextYear');
    expect(deny.NotAction!.every((a) => !a.includes('*'))).toBe(true);
    expect(deny.Resource).toEqual([
      `arn:aws:s3:::${backupBuckets[0]}`,
      `arn:aws:s3:::${backupBuckets[0]}/*`,
    ]);
  });
});

describe('the roles on the source buckets (identity policies)', () => {
  it('match the expected data: the backfill role reads and lists, and writes nothing', () => {
    const cells = review.buckets.flatMap((b) => b.sourceCells);
    const backfill = cells.filter((c) => c.actor === 'backfill-role' && c.result === 'Allowed');
    expect([...new Set(backfill.map((c) => c.key))].sort()).toEqual([
      'bucket s3:GetBucketLocation',
      'bucket s3:ListBucket',
      'object s3:GetObject',
      'object s3:GetObjectTagging',
    ]);
  });
});

describe('the security review report', () => {
  it('holds the summary table, the guardrails and the residual risks, and passes', () => {
    const report = renderReport(review);
    expect(report).toContain('**Result: every invariant holds.**');
    expect(report).toContain(
      '| primary-account admin (Action * on Resource *) | nothing | nothing | nothing | yes |',
    );
    expect(report).toMatch(/can write delete markers and new versions into the backup/);
    expect(report).toMatch(/survive the retention window/);
    expect(report).toMatch(/The AWS Organizations management account is trusted/);
    expect(report).toMatch(/OrganizationAccountAccessRole/);
    for (const sid of review.buckets[0].policy.Statement.map((s) => s.Sid)) {
      expect(report).toContain(`| ${sid} |`);
    }
    // The backup key's policy, statement by statement, beside the bucket policies.
    const keyPolicy = review.documents.find((d) => d.kind === 'key-policy')!;
    expect(report).toContain(`## Backup key policy (backup-us-west-2, \`${keyPolicy.address}\`)`);
    for (const sid of keyPolicy.document.Statement.map((s) => s.Sid)) {
      expect(report).toContain(`| ${sid} | Allow |`);
    }
    expect(report).not.toMatch(/\/tmp\/|\/work\//);
    expect(reportPasses(review)).toBe(true);
  });

  it('reports a finding and fails when an invariant fails', () => {
    const broken: Review = {
      ...review,
      findings: [
        {
          layer: 'deployed',
          bucket: backupBuckets[0],
          actor: 'primary-admin',
          message: 'allowed, not expected: object s3:DeleteObjectVersion',
        },
      ],
    };
    const report = renderReport(broken);
    expect(report).toContain('**Result: 1 finding(s).**');
    expect(report).toContain(
      `- ${backupBuckets[0]} (deployed) primary-admin: allowed, not expected: object s3:DeleteObjectVersion`,
    );
    expect(report).toMatch(/\| primary-account admin .*\| NO \|/);
    expect(reportPasses(broken)).toBe(false);
  });

  it('fails when a Deny has no description of what it prevents', () => {
    const [bucket] = review.buckets;
    const policy = {
      ...bucket.policy,
      Statement: [
        ...bucket.policy.Statement,
        { ...bucket.policy.Statement[0], Sid: 'DenyNewThing' },
      ],
    };
    const undocumented: Review = { ...review, buckets: [{ ...bucket, policy }] };
    expect(renderReport(undocumented)).toContain('the Deny DenyNewThing has no description');
    expect(reportPasses(undocumented)).toBe(false);
  });
});
