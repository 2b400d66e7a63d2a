import { exampleConfig } from '../../config';
import { inventoryBucketName, roleName } from '../../policies/arns';
import { PolicyDocument } from '../../policies/document';
import { type Actor, actorsOf } from '../../review/actors';
import { evaluate } from '../../review/evaluate';
import { backupBucketMatrix, LAYER_ACTORS } from '../../review/matrix';
import { s3ActionCatalog } from '../../review/s3-actions';
import { configWith } from '../support/synth';
import { synthesizedDocuments } from './synthesized-example';

/**
 * The proof for the inventory buckets, on the synthesized documents: in the backup account nobody
 * outside it can do anything to the reports (they name every key of the backup), and only S3,
 * delivering the reports of the account's own buckets, may write there.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/configure-inventory.html
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/example-bucket-policies.html
 */
const config = configWith({ inventory: { enabled: true } });
const backupAccount = config.backup.accountId;
const primaryAccount = config.primary.accountId;
const backupInventory = inventoryBucketName(config, backupAccount, 'us-west-2');
const primaryInventory = inventoryBucketName(config, primaryAccount, 'us-east-1');

let policies: Record<string, PolicyDocument>;
let actors: Actor[];
beforeAll(() => {
  const documents = synthesizedDocuments(config);
  policies = Object.fromEntries(
    documents.filter((d) => d.kind === 'bucket-policy').map((d) => [d.owner, d.document]),
  );
  actors = actorsOf(config, (role) => {
    const found = documents.find(
      (d) => d.kind === 'role-policy' && d.owner === roleName(config, role),
    );
    if (found === undefined) throw new Error(`no role policy for ${role}`);
    return found.document;
  });
});

/** S3 Inventory delivering a report, as the service principal with its source keys. */
const INVENTORY_SERVICE: Actor = {
  id: 'other-account',
  label: 'S3 Inventory delivery',
  side: 'other',
  principal: 's3.amazonaws.com',
  identityPolicies: [],
};

async function delivery(
  bucket: string,
  resourceAccount: string,
  context: Record<string, string>,
): Promise<string> {
  const decision = await evaluate({
    actor: INVENTORY_SERVICE,
    action: 's3:PutObject',
    resource: `arn:aws:s3:::${bucket}/inventory/some-bucket/s3-bastion-backup/data/x.csv.gz`,
    resourceAccount,
    resourcePolicy: policies[bucket],
    secureTransport: true,
    context: { 'aws:PrincipalIsAWSService': 'true', ...context },
  });
  return decision.result;
}

describe('the backup account inventory bucket', () => {
  it('allows nobody outside the backup account anything, in every layer', async () => {
    const catalog = await s3ActionCatalog();
    const cells = await backupBucketMatrix(
      config,
      { backupBucketName: backupInventory, policy: policies[backupInventory] },
      actors.filter((a) => LAYER_ACTORS.includes(a.id)),
      catalog,
    );
    expect(cells.length).toBeGreaterThan(500);
    const allowed = cells
      .filter((c) => c.result === 'Allowed')
      .map((c) => `${c.layer} ${c.actor} ${c.key}`);
    expect(allowed).toEqual([]);
  });

  it('lets S3 deliver the backup buckets reports, with the owner ACL, and nothing else', async () => {
    const backupBucket = exampleConfig.sourceBuckets[0].backupBucketName;
    const valid = {
      'aws:SourceAccount': backupAccount,
      'aws:SourceArn': `arn:aws:s3:::${backupBucket}`,
      's3:x-amz-acl': 'bucket-owner-full-control',
    };
    expect(await delivery(backupInventory, backupAccount, valid)).toBe('Allowed');
    // A primary admin who configures an inventory of a production bucket to deliver here.
    expect(
      await delivery(backupInventory, backupAccount, {
        ...valid,
        'aws:SourceAccount': primaryAccount,
        'aws:SourceArn': `arn:aws:s3:::${exampleConfig.sourceBuckets[0].name}`,
      }),
    ).not.toBe('Allowed');
    expect(
      await delivery(backupInventory, backupAccount, { ...valid, 's3:x-amz-acl': 'public-read' }),
    ).not.toBe('Allowed');
  });
});

describe('the primary account inventory bucket', () => {
  it('lets S3 deliver only the source buckets reports', async () => {
    const source = exampleConfig.sourceBuckets[0].name;
    const valid = {
      'aws:SourceAccount': primaryAccount,
      'aws:SourceArn': `arn:aws:s3:::${source}`,
      's3:x-amz-acl': 'bucket-owner-full-control',
    };
    expect(await delivery(primaryInventory, primaryAccount, valid)).toBe('Allowed');
    expect(
      await delivery(primaryInventory, primaryAccount, {
        ...valid,
        'aws:SourceArn': 'arn:aws:s3:::someone-elses-bucket',
      }),
    ).not.toBe('Allowed');
  });
});
