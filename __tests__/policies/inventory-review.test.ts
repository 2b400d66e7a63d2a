import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inventoryBucketName, roleName } from '../../policies/arns';
import { Statement } from '../../policies/document';
import { validateConfig } from '../../config/validate';
import { renderReport } from '../../review/report';
import { passes, reviewDocuments } from '../../review/review-documents';
import { runReview } from '../../review/run-review';
import { SynthesizedIamDocument, iamDocumentsOf } from '../../terraform/synthesized';
import { CONFIG_SHAPES, synthesizedShape } from '../support/config-shapes';

/**
 * `npm run review` with S3 Inventory on: the report shows who can write, read and delete each
 * inventory bucket's reports and what the batch-restore role can do on each backup bucket, and a
 * weakened policy fails the review (not only changes the report).
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/configure-inventory.html
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/batch-ops-iam-role-policies.html
 */
const config = CONFIG_SHAPES.inventory;
const backupInventory = inventoryBucketName(config, config.backup.accountId, 'us-west-2');
const primaryInventory = inventoryBucketName(config, config.primary.accountId, 'us-east-1');
const documents: SynthesizedIamDocument[] = synthesizedShape('inventory').flatMap(iamDocumentsOf);

/** The row of `label` in the report section that starts with `heading`. */
function row(report: string, heading: string, label: string): string {
  const section = report.slice(report.indexOf(heading));
  const end = section.indexOf('\n## ', 1);
  const line = (end < 0 ? section : section.slice(0, end))
    .split('\n')
    .find((l) => l.startsWith(`| ${label}`));
  if (line === undefined) throw new Error(`no row "${label}" under "${heading}"`);
  return line;
}

function mutated(
  kind: SynthesizedIamDocument['kind'],
  owner: string,
  mutate: (statements: Statement[]) => Statement[],
): SynthesizedIamDocument[] {
  const target = documents.filter((d) => d.kind === kind && d.owner === owner);
  expect(target).toHaveLength(1);
  return documents.map((d) =>
    d === target[0]
      ? {
          ...d,
          document: {
            ...d.document,
            Statement: mutate(structuredClone([...d.document.Statement])),
          },
        }
      : d,
  );
}

describe('the review of a config with S3 Inventory', () => {
  let report: string;
  let ok: boolean;
  beforeAll(async () => {
    const outdir = mkdtempSync(join(tmpdir(), 'bastion-inventory-review-'));
    try {
      const result = await runReview(validateConfig(config), outdir);
      ok = result.ok;
      report = readFileSync(result.reportPath, 'utf8');
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  });

  it('passes, with a section per inventory bucket of each account', () => {
    expect(ok).toBe(true);
    expect(report).toContain('**Result: every invariant holds.**');
    expect(report).toContain(
      `## Inventory bucket \`${backupInventory}\` (backup account, us-west-2)`,
    );
    expect(report).toContain(
      `## Inventory bucket \`${primaryInventory}\` (primary account, us-east-1)`,
    );
  });

  it('shows S3 delivering the backup reports, the restore role reading them, no primary principal doing anything', () => {
    const heading = `## Inventory bucket \`${backupInventory}\``;
    // Columns: over TLS, changes or deletes, without TLS, as expected.
    expect(row(report, heading, 'S3 Inventory delivering the reports of')).toContain(
      '| object PutObject | object PutObject | nothing | yes |',
    );
    expect(row(report, heading, 'restore role')).toContain(
      '| bucket ListBucket, object GetObject | nothing | nothing | yes |',
    );
    for (const label of [
      'primary-account admin',
      'replication role taken over',
      'backfill role taken over',
      'batch-replication role',
      'S3 Inventory delivering the reports of `example-prod-assets` (account 111111111111)',
    ]) {
      expect(row(report, heading, label)).toContain('| nothing | nothing | nothing | yes |');
    }
    expect(report).toContain(
      'AllowS3InventoryDeliveryOfOwnBuckets | Allow | s3.amazonaws.com | s3:PutObject | ArnLike aws:SourceArn',
    );
  });

  it('shows the batch-restore role reading versions of each backup bucket, nothing destructive', () => {
    const line = row(report, '## Summary', 'batch-restore role');
    expect(line).toContain(
      '| objects: GetObject, GetObjectTagging, GetObjectVersion, GetObjectVersionTagging | objects: GetObject, GetObjectTagging, GetObjectVersion, GetObjectVersionTagging | nothing | yes |',
    );
  });
});

describe('a weakened policy fails the review', () => {
  it('fails when the backup inventory bucket lets the primary admin delete reports', async () => {
    const primaryAdmin = `arn:aws:iam::${config.primary.accountId}:role/primary-account-admin`;
    const weakened = mutated('bucket-policy', backupInventory, (statements) => [
      ...statements.map((s) =>
        s.Sid === 'DenyEverythingOutsideTheAccount'
          ? {
              ...s,
              Condition: {
                ...s.Condition,
                StringNotEquals: {
                  'aws:PrincipalAccount': [config.backup.accountId, config.primary.accountId],
                },
              },
            }
          : s,
      ),
      {
        Sid: 'AllowPrimaryAdminToTidyReports',
        Effect: 'Allow',
        Principal: { AWS: primaryAdmin },
        Action: ['s3:DeleteObject'],
        Resource: [`arn:aws:s3:::${backupInventory}/*`],
      },
    ]);
    // The backup buckets' matrix is not what this tests: none of them is evaluated.
    const review = await reviewDocuments(config, weakened, { buckets: [] });
    expect(passes(review)).toBe(false);
    const findings = review.inventoryBuckets!.flatMap((b) => b.findings.map((f) => f.message));
    expect(findings).toContain(
      `${backupInventory} (deployed) primary-admin: allowed, not expected: object s3:DeleteObject`,
    );
    expect(findings).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /\(denies-only\) primary-admin: the Deny statements alone do not stop/,
        ),
      ]),
    );
    const report = renderReport(review);
    expect(row(report, `## Inventory bucket \`${backupInventory}\``, 'primary-account admin')).toBe(
      '| primary-account admin (Action * on Resource *) | object DeleteObject | object DeleteObject | nothing | NO |',
    );
  });

  it('fails in the denies-only layer when the Deny that keeps outsiders out is removed', async () => {
    const weakened = mutated('bucket-policy', backupInventory, (statements) =>
      statements.filter((s) => s.Sid !== 'DenyEverythingOutsideTheAccount'),
    );
    const review = await reviewDocuments(config, weakened, { buckets: [] });
    expect(passes(review)).toBe(false);
    const findings = review.inventoryBuckets!.flatMap((b) => b.findings.map((f) => f.message));
    // As deployed nothing changes (no Allow grants an outsider): only the layer catches it.
    expect(findings.filter((f) => f.includes('(deployed)'))).toEqual([]);
    expect(findings.some((f) => f.includes('(denies-only) other-account'))).toBe(true);
  });

  it('fails when the batch-restore role may delete backup versions', async () => {
    const batchRestore = roleName(config, 'batchRestore');
    const bucket = config.sourceBuckets[0].backupBucketName;
    const weakened = mutated('role-policy', batchRestore, (statements) => [
      ...statements.filter((s) => s.Sid !== 'DenyWritesToBackupBuckets'),
      {
        Sid: 'DeleteRestoredVersions',
        Effect: 'Allow',
        Action: ['s3:DeleteObjectVersion'],
        Resource: [`arn:aws:s3:::${bucket}/*`],
      },
    ]);
    const review = await reviewDocuments(config, weakened, {
      layers: ['deployed'],
      actors: ['batch-restore-role'],
      buckets: [bucket],
    });
    expect(review.findings.map((f) => `${f.actor}: ${f.message}`)).toEqual([
      'batch-restore-role: allowed, not expected: object s3:DeleteObjectVersion',
    ]);
    expect(passes(review)).toBe(false);
  });
});
