import { Construct } from 'constructs';
import { TerraformOutput, TerraformStack } from 'cdktf';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { KmsAlias } from '@cdktf/provider-aws/lib/kms-alias';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketLifecycleConfiguration } from '@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration';
import { S3BucketObjectLockConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-object-lock-configuration';
import { S3BucketOwnershipControls } from '@cdktf/provider-aws/lib/s3-bucket-ownership-controls';
import { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';
import { S3BucketServerSideEncryptionConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration';
import { S3BucketVersioningA } from '@cdktf/provider-aws/lib/s3-bucket-versioning';
import {
  BastionConfig,
  SourceBucketConfig,
  backupEncryptionOf,
  keyEncryptedBackups,
} from '../config';
import { REPLICA_KEY_ALIAS, roleName } from '../policies/arns';
import { backupBucketPolicy } from '../policies/backup-bucket-policy';
import { toJson } from '../policies/document';
import { replicaKeyPolicy } from '../policies/replica-key-policy';
import { restoreRolePolicy, restoreRoleTrustPolicy } from '../policies/restore-role';
import {
  batchRestoreRolePolicy,
  batchRestoreRoleTrustPolicy,
} from '../policies/batch-restore-role';
import { alertTopic, alertTopicName, backupBucketAlarms, eventLogGroup } from './alerts';
import { integrityAlarms } from './integrity-alarms';
import { bucketInventory, inventoryBucket, inventoryEnabled } from './inventory';
import { backupStackOutputs } from './outputs';
import { accountProvider, configureBackend } from './providers';
import { StackPlan } from './topology';

/** Multipart uploads that never complete cost storage and are invisible in listings. */
export const ABORT_INCOMPLETE_MULTIPART_DAYS = 7;

export interface BackupStackProps {
  readonly config: BastionConfig;
  readonly plan: StackPlan;
}

/**
 * The backup account's resources in one region: the backup buckets, locked down, and (in the
 * account's first region) the break-glass restore role. It names nothing of the primary stack but
 * ARNs computed from config, so it deploys first and alone, with backup-account credentials.
 */
export class BackupStack extends TerraformStack {
  constructor(scope: Construct, props: BackupStackProps) {
    super(scope, props.plan.name);
    const { config, plan } = props;
    accountProvider(this, config, plan);
    configureBackend(this, config, plan.name);

    // Before the buckets: with SSE-KMS backups it is their default encryption key.
    const backupKey =
      keyEncryptedBackups(config, plan.buckets).length > 0
        ? this.backupKey(config, plan.region)
        : undefined;
    const defaultKey = backupEncryptionOf(config) === 'SSE-KMS' ? backupKey : undefined;

    const topic = alertTopic(this, config, plan.name);
    const eventLog = eventLogGroup(this, config, plan.name, plan.region);
    const backupVersioning: S3BucketVersioningA[] = [];
    for (const bucket of plan.buckets) {
      const { id: bucketId, versioning } = this.backupBucket(config, bucket, defaultKey);
      backupVersioning.push(versioning);
      const hourlyRules = backupBucketAlarms(this, config, bucket, bucketId, topic, eventLog);
      integrityAlarms(this, config, bucket, hourlyRules, topic, eventLog);
    }
    if (inventoryEnabled(config)) {
      const names = plan.buckets.map((b) => b.backupBucketName);
      const destination = inventoryBucket(this, config, plan.accountId, plan.region, names);
      // All versions: the restore chooses versions from it, verify reads the current ones.
      names.forEach((bucketName, i) =>
        bucketInventory(this, config, {
          bucketName,
          accountId: plan.accountId,
          inventoryBucketName: destination.name,
          versions: 'All',
          dependsOn: [destination.policy, backupVersioning[i]],
        }),
      );
    }

    if (plan.holdsRoles) {
      const role = new IamRole(this, 'restore-role', {
        name: roleName(config, 'restore'),
        description: 'Break-glass: reads every version of the backup buckets to restore them',
        assumeRolePolicy: toJson(restoreRoleTrustPolicy(config)),
        maxSessionDuration: 12 * 3600,
      });
      new IamRolePolicy(this, 'restore-role-policy', {
        name: 'restore',
        role: role.name,
        policy: toJson(restoreRolePolicy(config)),
      });
      const batchRole = new IamRole(this, 'batch-restore-role', {
        name: roleName(config, 'batchRestore'),
        description:
          'Assumed by S3 Batch Operations for restore --engine batch: copies backup versions into restore targets',
        assumeRolePolicy: toJson(batchRestoreRoleTrustPolicy(config)),
      });
      new IamRolePolicy(this, 'batch-restore-role-policy', {
        name: 'batch-restore',
        role: batchRole.name,
        policy: toJson(batchRestoreRolePolicy(config)),
      });
    }
    backupStackOutputs(this, config, plan, {
      alertTopicName: alertTopicName(plan.name),
      hasReplicaKey: backupKey !== undefined,
    });
  }

  /**
   * The backup account's KMS key of this region (the replica key): re-encrypts replicas of SSE-KMS
   * sources and, with SSE-KMS backups, is the buckets' default key. Only the backup account
   * administers it (policies/replica-key-policy.ts).
   */
  private backupKey(config: BastionConfig, region: string): KmsKey {
    const key = new KmsKey(this, 'replica-key', {
      description:
        backupEncryptionOf(config) === 'SSE-KMS'
          ? 'Encrypts the backup objects and SSE-KMS replicas in the backup account (s3-bastion-backup)'
          : 'Re-encrypts SSE-KMS replicas in the backup account (s3-bastion-backup)',
      enableKeyRotation: true,
      deletionWindowInDays: 30,
      policy: toJson(replicaKeyPolicy(config, region)),
      // Deleting the key leaves every object it encrypts unreadable: a renamed construct must fail
      // the plan instead. Only the backup account may schedule its deletion (key policy).
      lifecycle: { preventDestroy: true },
    });
    new KmsAlias(this, 'replica-key-alias', { name: REPLICA_KEY_ALIAS, targetKeyId: key.keyId });
    // Copy it into the config's replicaKmsKeyArns, so that the primary stack and the roles name
    // the key itself rather than its alias.
    new TerraformOutput(this, 'replica-key-arn', {
      value: key.arn,
      description: `replicaKmsKeyArns['${region}'] of the config`,
    });
    return key;
  }

  /** Creates the backup bucket and its settings; returns the bucket's id for attachments. */
  private backupBucket(
    config: BastionConfig,
    source: SourceBucketConfig,
    defaultKey: KmsKey | undefined,
  ): { id: string; versioning: S3BucketVersioningA } {
    const id = source.backupBucketName;
    const lock = config.objectLock;
    const bucket = new S3Bucket(this, id, {
      bucket: source.backupBucketName,
      objectLockEnabled: lock !== undefined ? true : undefined,
      forceDestroy: false,
      // A fat-fingered `terraform destroy` or a renamed resource must not plan the backup away.
      lifecycle: { preventDestroy: true },
    });
    const ownership = new S3BucketOwnershipControls(this, `${id}-ownership`, {
      bucket: bucket.id,
      rule: { objectOwnership: 'BucketOwnerEnforced' },
    });
    const publicAccessBlock = new S3BucketPublicAccessBlock(this, `${id}-public-access-block`, {
      bucket: bucket.id,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
      dependsOn: [ownership],
    });
    const versioning = new S3BucketVersioningA(this, `${id}-versioning`, {
      bucket: bucket.id,
      versioningConfiguration: { status: 'Enabled' },
    });
    new S3BucketServerSideEncryptionConfigurationA(this, `${id}-encryption`, {
      bucket: bucket.id,
      rule: [
        {
          // With the backup key, reading an object also takes that key, which only the backup
          // account administers; S3 Bucket Keys keep the KMS requests (and their cost) per
          // bucket rather than per object.
          // https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucket-key.html
          applyServerSideEncryptionByDefault:
            defaultKey === undefined
              ? { sseAlgorithm: 'AES256' }
              : { sseAlgorithm: 'aws:kms', kmsMasterKeyId: defaultKey.arn },
          bucketKeyEnabled: true,
        },
      ],
    });
    new S3BucketLifecycleConfiguration(this, `${id}-lifecycle`, {
      bucket: bucket.id,
      rule: [
        {
          // The recovery window: overwritten and deleted versions live this long, then go.
          id: 'expire-noncurrent-versions',
          status: 'Enabled',
          filter: [{ prefix: '' }],
          noncurrentVersionExpiration: [{ noncurrentDays: source.noncurrentVersionRetentionDays }],
          expiration: [{ expiredObjectDeleteMarker: true }],
          abortIncompleteMultipartUpload: [
            { daysAfterInitiation: ABORT_INCOMPLETE_MULTIPART_DAYS },
          ],
        },
      ],
      dependsOn: [versioning],
    });
    if (lock !== undefined) {
      new S3BucketObjectLockConfigurationA(this, `${id}-object-lock`, {
        bucket: bucket.id,
        rule: { defaultRetention: { mode: lock.mode, days: lock.days } },
        dependsOn: [versioning],
      });
    }
    // After the public access block: S3 answers concurrent policy and PAB writes with conflicts.
    new S3BucketPolicy(this, `${id}-policy`, {
      bucket: bucket.id,
      policy: toJson(backupBucketPolicy(config, source)),
      dependsOn: [publicAccessBlock],
    });
    return { id: bucket.id, versioning };
  }
}
