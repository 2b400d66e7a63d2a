import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'cdktf';
import { exampleConfig } from '../../config';
import { findConfigProblems, validateConfig } from '../../config/validate';
import { inventoryBucketName } from '../../policies/arns';
import { buildApp } from '../../stacks/app';
import { TerraformWorkspace } from '../../terraform/workspace';
import { planOfflineShared } from '../support/shared-plans';
import { configWith, findResource, resourcesOf, synthesize } from '../support/synth';

// S3 Inventory in the stacks: off by default; on, each account gets a locked-down inventory
// bucket per region and a daily inventory of each of its buckets. Terraform validates and plans
// the result offline with hashicorp/aws 5.100.0.
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/configure-inventory.html

const withInventory = configWith({ inventory: { enabled: true } });
const backupInventoryBucket = inventoryBucketName(exampleConfig, '222222222222', 'us-west-2');
const primaryInventoryBucket = inventoryBucketName(exampleConfig, '111111111111', 'us-east-1');

describe('S3 Inventory in the stacks', () => {
  const { stacks } = synthesize(withInventory);
  const backup = stacks['backup-us-west-2'];
  const primary = stacks['primary-us-east-1'];

  it('is off by default: no inventory, no inventory bucket', () => {
    const plain = synthesize(exampleConfig).stacks;
    for (const stack of Object.values(plain)) {
      expect(stack.resource.aws_s3_bucket_inventory).toBeUndefined();
      const buckets = Object.values(stack.resource.aws_s3_bucket ?? {}).map((b) => b.bucket);
      expect(buckets.filter((b) => String(b).includes('inventory'))).toEqual([]);
    }
  });

  it('inventories every backup bucket daily with all versions, into the backup account', () => {
    const inventories = Object.values(resourcesOf(backup, 'aws_s3_bucket_inventory'));
    expect(inventories.map((i) => i.bucket).sort()).toEqual(
      exampleConfig.sourceBuckets.map((b) => b.backupBucketName).sort(),
    );
    for (const inventory of inventories) {
      expect(inventory).toMatchObject({
        name: 's3-bastion-backup',
        enabled: true,
        included_object_versions: 'All',
        schedule: { frequency: 'Daily' },
        destination: {
          bucket: {
            bucket_arn: `arn:aws:s3:::${backupInventoryBucket}`,
            account_id: '222222222222',
            format: 'CSV',
            prefix: 'inventory',
            encryption: { sse_s3: {} },
          },
        },
      });
      expect(inventory.optional_fields).toEqual(
        expect.arrayContaining([
          'Size',
          'ETag',
          'LastModifiedDate',
          'ReplicationStatus',
          'ChecksumAlgorithm',
        ]),
      );
    }
  });

  it('inventories every source bucket daily with current versions, in the primary account', () => {
    const inventories = Object.values(resourcesOf(primary, 'aws_s3_bucket_inventory'));
    expect(inventories.map((i) => i.bucket).sort()).toEqual(
      exampleConfig.sourceBuckets.map((b) => b.name).sort(),
    );
    for (const inventory of inventories) {
      expect(inventory).toMatchObject({
        included_object_versions: 'Current',
        destination: {
          bucket: {
            bucket_arn: `arn:aws:s3:::${primaryInventoryBucket}`,
            account_id: '111111111111',
          },
        },
      });
    }
  });

  it.each([
    ['backup-us-west-2', backupInventoryBucket],
    ['primary-us-east-1', primaryInventoryBucket],
  ])('locks the inventory bucket of %s down like a backup bucket', (stackName, bucketName) => {
    const stack = stacks[stackName];
    const bucket = findResource(stack, 'aws_s3_bucket', (b) => b.bucket === bucketName);
    expect(bucket).toMatchObject({ force_destroy: false, lifecycle: { prevent_destroy: true } });
    const ref = `\${aws_s3_bucket.${bucket.__name}.id}`;
    const of = (type: string) => findResource(stack, type, (r) => r.bucket === ref);
    expect(of('aws_s3_bucket_versioning')).toMatchObject({
      versioning_configuration: { status: 'Enabled' },
    });
    expect(of('aws_s3_bucket_public_access_block')).toMatchObject({
      block_public_acls: true,
      block_public_policy: true,
      ignore_public_acls: true,
      restrict_public_buckets: true,
    });
    expect(of('aws_s3_bucket_ownership_controls')).toMatchObject({
      rule: { object_ownership: 'BucketOwnerEnforced' },
    });
    expect(of('aws_s3_bucket_lifecycle_configuration')).toMatchObject({
      rule: [{ expiration: [{ days: 14 }], filter: [{ prefix: 'inventory/' }] }],
    });
    const policy = JSON.parse(String(of('aws_s3_bucket_policy').policy)) as {
      Statement: unknown[];
    };
    expect(policy.Statement).toHaveLength(3);
  });

  it('reports every broken inventory setting at once, naming the field', () => {
    const problems = findConfigProblems(
      configWith({
        inventory: {
          enabled: true,
          format: 'ORC' as 'CSV',
          reportRetentionDays: 0,
          bucketNamePrefix: 'Way-Too-Long-Prefix-For-An-Inventory-Bucket-Name',
        },
      }),
    );
    expect([...new Set(problems.map((p) => p.path))]).toEqual([
      'inventory.format',
      'inventory.reportRetentionDays',
      'inventory.bucketNamePrefix',
    ]);
    const names = problems.filter((p) => p.path === 'inventory.bucketNamePrefix');
    // Both inventory buckets (one per account and region), each with every rule it breaks.
    expect(names.map((p) => p.rule)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/-222222222222-us-west-2' .* must be 3 to 63 characters long/),
        expect.stringMatching(/-111111111111-us-east-1' .* may hold only lowercase letters/),
      ]),
    );
  });

  describe('terraform, offline', () => {
    const workspace = TerraformWorkspace.create();
    const outdir = mkdtempSync(join(tmpdir(), 'bastion-inventory-'));
    afterAll(() => {
      workspace.dispose();
      rmSync(outdir, { recursive: true, force: true });
    });

    // The backup stack only: the primary stack's inventory resources are the same type and shape.
    // The guard's tests plan the same stack (real-plans.ts): one of the two plans it, once.
    it('validates and plans the backup stack with the inventory on', async () => {
      const app = new App({ outdir });
      buildApp(app, validateConfig(withInventory));
      app.synth();
      const [result] = await planOfflineShared(outdir, workspace, {
        stacks: ['backup-us-west-2'],
      });
      expect(result.stack).toBe('backup-us-west-2');
      expect(result.validate).toMatchObject({ valid: true, errorCount: 0 });
      const changes = result.plan.resource_changes ?? [];
      const inventories = changes.filter((c) => c.type === 'aws_s3_bucket_inventory');
      expect(inventories).toHaveLength(2);
      for (const c of inventories) expect(c.change.actions).toEqual(['create']);
    }, 300_000);
  });
});
