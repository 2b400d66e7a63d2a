import { BastionConfig } from '../config';
import { INVENTORY_REPORT_PREFIX, bucketArn, objectsArn, partitionOf } from './arns';
import { PolicyDocument, policyDocument } from './document';

/**
 * The only ACL S3 Inventory delivers with; the documented destination policy requires it.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/example-bucket-policies.html
 * ("Grant permissions for S3 Inventory and S3 analytics")
 */
const BUCKET_OWNER_FULL_CONTROL = 'bucket-owner-full-control';

/** What S3 Inventory writes: the report files and manifests. */
export const INVENTORY_DELIVERY_ACTIONS = ['s3:PutObject'] as const;

export interface InventoryBucketPolicyInput {
  /** The account that owns the inventory bucket and the inventoried buckets. */
  readonly accountId: string;
  readonly inventoryBucketName: string;
  /** The buckets whose reports S3 may deliver here (same account and region). */
  readonly inventoriedBucketNames: readonly string[];
}

/**
 * The inventory bucket's policy: S3 may deliver the reports of this account's own buckets, and
 * nobody outside the account may do anything at all (reports name every key of the backup).
 * The Deny exempts AWS service principals (aws:PrincipalIsAWSService), whose requests carry no
 * aws:PrincipalAccount: without the exemption the delivery itself would be denied; the Allow
 * narrows the service to reports of the named buckets, for this account, with the owner's ACL.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/configure-inventory.html
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalisawsservice
 */
export function inventoryBucketPolicy(
  config: BastionConfig,
  input: InventoryBucketPolicyInput,
): PolicyDocument {
  const bucket = bucketArn(config, input.inventoryBucketName);
  const objects = objectsArn(config, input.inventoryBucketName);
  return policyDocument(
    {
      name: `inventory-bucket-policy:${input.inventoryBucketName}`,
      kind: 'resource',
      partition: partitionOf(config),
    },
    [
      {
        Sid: 'DenyInsecureTransport',
        Effect: 'Deny',
        Principal: '*',
        Action: ['s3:*'],
        Resource: [bucket, objects],
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      },
      {
        Sid: 'DenyEverythingOutsideTheAccount',
        Effect: 'Deny',
        Principal: '*',
        Action: ['s3:*'],
        Resource: [bucket, objects],
        Condition: {
          StringNotEquals: { 'aws:PrincipalAccount': input.accountId },
          BoolIfExists: { 'aws:PrincipalIsAWSService': 'false' },
        },
      },
      {
        Sid: 'AllowS3InventoryDeliveryOfOwnBuckets',
        Effect: 'Allow',
        Principal: { Service: 's3.amazonaws.com' },
        Action: [...INVENTORY_DELIVERY_ACTIONS],
        Resource: [objectsArn(config, input.inventoryBucketName, `${INVENTORY_REPORT_PREFIX}/`)],
        Condition: {
          ArnLike: {
            'aws:SourceArn': input.inventoriedBucketNames.map((name) => bucketArn(config, name)),
          },
          StringEquals: {
            'aws:SourceAccount': input.accountId,
            's3:x-amz-acl': BUCKET_OWNER_FULL_CONTROL,
          },
        },
      },
    ],
  );
}
