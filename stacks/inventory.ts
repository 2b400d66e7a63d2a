import { Construct } from 'constructs';
import { ITerraformDependable } from 'cdktf';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketInventory } from '@cdktf/provider-aws/lib/s3-bucket-inventory';
import { S3BucketLifecycleConfiguration } from '@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration';
import { S3BucketOwnershipControls } from '@cdktf/provider-aws/lib/s3-bucket-ownership-controls';
import { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';
import { S3BucketServerSideEncryptionConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration';
import { S3BucketVersioningA } from '@cdktf/provider-aws/lib/s3-bucket-versioning';
import { BastionConfig } from '../config';
import {
  INVENTORY_CONFIGURATION_ID,
  INVENTORY_REPORT_PREFIX,
  bucketArn,
  inventoryBucketName,
} from '../policies/arns';
import { toJson } from '../policies/document';
import { inventoryBucketPolicy } from '../policies/inventory-bucket-policy';

export const DEFAULT_INVENTORY_RETENTION_DAYS = 14;

/**
 * The fields `verify --inventory` compares and the restore reads, besides bucket, key and (for
 * all versions) version id, latest and delete-marker flags, which every report holds.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/storage-inventory.html
 */
export const INVENTORY_OPTIONAL_FIELDS = [
  'Size',
  'LastModifiedDate',
  'ETag',
  'IsMultipartUploaded',
  'ReplicationStatus',
  'EncryptionStatus',
  'ChecksumAlgorithm',
] as const;

export function inventoryEnabled(config: BastionConfig): boolean {
  return config.inventory?.enabled === true;
}

/**
 * The account's inventory bucket in one region, locked down like a backup bucket: versioned,
 * public access blocked, ACLs disabled, SSE-S3, never destroyed by a plan, and a policy that lets
 * only S3 deliver this account's reports. Returns its name and the policy that inventory
 * configurations wait for.
 */
export function inventoryBucket(
  scope: Construct,
  config: BastionConfig,
  accountId: string,
  region: string,
  inventoriedBucketNames: readonly string[],
): { readonly name: string; readonly policy: S3BucketPolicy } {
  const name = inventoryBucketName(config, accountId, region);
  const bucket = new S3Bucket(scope, 'inventory-bucket', {
    bucket: name,
    forceDestroy: false,
    lifecycle: { preventDestroy: true },
  });
  const ownership = new S3BucketOwnershipControls(scope, 'inventory-bucket-ownership', {
    bucket: bucket.id,
    rule: { objectOwnership: 'BucketOwnerEnforced' },
  });
  const publicAccessBlock = new S3BucketPublicAccessBlock(
    scope,
    'inventory-bucket-public-access-block',
    {
      bucket: bucket.id,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
      dependsOn: [ownership],
    },
  );
  const versioning = new S3BucketVersioningA(scope, 'inventory-bucket-versioning', {
    bucket: bucket.id,
    versioningConfiguration: { status: 'Enabled' },
  });
  new S3BucketServerSideEncryptionConfigurationA(scope, 'inventory-bucket-encryption', {
    bucket: bucket.id,
    rule: [
      { applyServerSideEncryptionByDefault: { sseAlgorithm: 'AES256' }, bucketKeyEnabled: true },
    ],
  });
  const days = config.inventory?.reportRetentionDays ?? DEFAULT_INVENTORY_RETENTION_DAYS;
  new S3BucketLifecycleConfiguration(scope, 'inventory-bucket-lifecycle', {
    bucket: bucket.id,
    rule: [
      {
        id: 'expire-old-reports',
        status: 'Enabled',
        filter: [{ prefix: `${INVENTORY_REPORT_PREFIX}/` }],
        expiration: [{ days }],
        noncurrentVersionExpiration: [{ noncurrentDays: 1 }],
      },
    ],
    dependsOn: [versioning],
  });
  const policy = new S3BucketPolicy(scope, 'inventory-bucket-policy', {
    bucket: bucket.id,
    policy: toJson(
      inventoryBucketPolicy(config, {
        accountId,
        inventoryBucketName: name,
        inventoriedBucketNames,
      }),
    ),
    dependsOn: [publicAccessBlock],
  });
  return { name, policy };
}

/**
 * A daily inventory of one bucket into the account's inventory bucket (same region, same
 * account): `All` versions for a backup bucket (the restore's version choice), `Current` for a
 * source bucket (what verify compares).
 * https://registry.terraform.io/providers/hashicorp/aws/5.100.0/docs/resources/s3_bucket_inventory
 */
export function bucketInventory(
  scope: Construct,
  config: BastionConfig,
  props: {
    readonly bucketName: string;
    readonly accountId: string;
    readonly inventoryBucketName: string;
    readonly versions: 'All' | 'Current';
    readonly dependsOn: readonly ITerraformDependable[];
  },
): S3BucketInventory {
  return new S3BucketInventory(scope, `${props.bucketName}-inventory`, {
    bucket: props.bucketName,
    name: INVENTORY_CONFIGURATION_ID,
    enabled: true,
    includedObjectVersions: props.versions,
    optionalFields: [...INVENTORY_OPTIONAL_FIELDS],
    schedule: { frequency: 'Daily' },
    destination: {
      bucket: {
        bucketArn: bucketArn(config, props.inventoryBucketName),
        accountId: props.accountId,
        format: config.inventory?.format ?? 'CSV',
        prefix: INVENTORY_REPORT_PREFIX,
        encryption: { sseS3: {} },
      },
    },
    dependsOn: [...props.dependsOn],
  });
}
