import { Construct } from 'constructs';
import { TerraformStack } from 'cdktf';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import {
  S3BucketReplicationConfigurationA,
  S3BucketReplicationConfigurationRule,
} from '@cdktf/provider-aws/lib/s3-bucket-replication-configuration';
import { S3BucketVersioningA } from '@cdktf/provider-aws/lib/s3-bucket-versioning';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic';
import { BastionConfig, SourceBucketConfig } from '../config';
import {
  backupRegionOf,
  bucketArn,
  replicaKeyAliasArn,
  replicaKeyArn,
  replicationRuleId,
  roleArn,
  roleName,
} from '../policies/arns';
import { backfillRolePolicy, backfillRoleTrustPolicy } from '../policies/backfill-role';
import {
  batchReplicationRolePolicy,
  batchReplicationRoleTrustPolicy,
} from '../policies/batch-replication-role';
import { PolicyDocument, toJson } from '../policies/document';
import { heartbeatRolePolicy, heartbeatRoleTrustPolicy } from '../policies/heartbeat-role';
import { replicationRolePolicy, replicationRoleTrustPolicy } from '../policies/replication-role';
import {
  alertTopic,
  alertTopicName,
  heartbeatSettings,
  replicationFailureAlarm,
  replicationLatencyAlarm,
  RTC_SLA_MINUTES,
} from './alerts';
import { heartbeatSchedule } from './heartbeat';
import { bucketInventory, inventoryBucket, inventoryEnabled } from './inventory';
import { primaryStackOutputs } from './outputs';
import { accountProvider, configureBackend, regionalProvider } from './providers';
import { StackPlan } from './topology';

/** A backfill of millions of objects runs for hours; the session must outlive it. */
const BACKFILL_MAX_SESSION_SECONDS = 12 * 3600;

export interface PrimaryStackProps {
  readonly config: BastionConfig;
  readonly plan: StackPlan;
}

/**
 * The primary account's resources in one region: versioning and replication of the production
 * buckets, and (in the account's first region) the replication, backfill and batch-replication
 * roles. Production buckets themselves are not managed here: they usually exist already.
 */
export class PrimaryStack extends TerraformStack {
  private readonly config: BastionConfig;
  private readonly plan: StackPlan;

  constructor(scope: Construct, props: PrimaryStackProps) {
    super(scope, props.plan.name);
    this.config = props.config;
    this.plan = props.plan;
    const { config, plan } = props;
    accountProvider(this, config, plan);
    configureBackend(this, config, plan.name);

    // The replication rule must wait for the role's permissions, when this stack creates them.
    const replicationPermissions: IamRolePolicy[] = [];
    const heartbeatPermissions: IamRolePolicy[] = [];
    if (plan.holdsRoles) {
      replicationPermissions.push(
        this.role('replication-role', roleName(config, 'replication'), {
          description: 'Assumed by S3 to replicate production buckets into the backup account',
          trust: replicationRoleTrustPolicy(config),
          policy: replicationRolePolicy(config),
        }),
      );
      this.role('backfill-role', roleName(config, 'backfill'), {
        description: 'Append-only copy of pre-existing objects into the backup account',
        trust: backfillRoleTrustPolicy(config),
        policy: backfillRolePolicy(config),
        maxSessionDuration: BACKFILL_MAX_SESSION_SECONDS,
      });
      this.role('batch-replication-role', roleName(config, 'batchReplication'), {
        description: 'Assumed by S3 Batch Operations to replicate pre-existing objects',
        trust: batchReplicationRoleTrustPolicy(config),
        policy: batchReplicationRolePolicy(config),
      });
      if (heartbeatSettings(config).enabled) {
        heartbeatPermissions.push(
          this.role('heartbeat-role', roleName(config, 'heartbeat'), {
            description: 'Assumed by EventBridge Scheduler to write the heartbeat canaries',
            trust: heartbeatRoleTrustPolicy(config),
            policy: heartbeatRolePolicy(config, config.sourceBuckets),
          }),
        );
      }
    }

    const topic = alertTopic(this, config, plan.name);
    for (const source of plan.buckets) {
      const versioning =
        source.manageSourceVersioning === false
          ? undefined
          : new S3BucketVersioningA(this, `${source.name}-versioning`, {
              bucket: source.name,
              versioningConfiguration: { status: 'Enabled' },
              // Destroying it suspends versioning on the production bucket.
              lifecycle: { preventDestroy: true },
            });
      const rule = replicationRule(config, source);
      new S3BucketReplicationConfigurationA(this, `${source.name}-replication`, {
        bucket: source.name,
        role: roleArn(config, 'replication'),
        rule: [rule],
        // S3 refuses a replication configuration on an unversioned bucket, and replication fails
        // until the role can act.
        dependsOn: [...(versioning ? [versioning] : []), ...replicationPermissions],
        // Destroying it stops the backup of production silently; a renamed resource or a
        // `terraform destroy` must not plan that.
        lifecycle: { preventDestroy: true },
      });
      replicationFailureAlarm(this, config, source, topic);
      if (heartbeatSettings(config).enabled) {
        heartbeatSchedule(this, config, source, heartbeatPermissions);
      }
      if (source.replicationTimeControl === true) {
        const region = backupRegionOf(source);
        const { provider, topic: regionalTopic } =
          region === plan.region ? { provider: undefined, topic } : this.inRegion(region);
        replicationLatencyAlarm(this, config, source, regionalTopic, provider);
      }
    }
    if (inventoryEnabled(config)) {
      const names = plan.buckets.map((b) => b.name);
      const destination = inventoryBucket(this, config, plan.accountId, plan.region, names);
      // Current versions, with the replication status: what verify --inventory compares.
      for (const bucketName of names) {
        bucketInventory(this, config, {
          bucketName,
          accountId: plan.accountId,
          inventoryBucketName: destination.name,
          versions: 'Current',
          dependsOn: [destination.policy],
        });
      }
    }
    primaryStackOutputs(this, config, plan, {
      alertTopicName: alertTopicName(plan.name),
      regionalAlertTopicNames: new Map(
        [...this.regions.keys()].map((region) => [region, alertTopicName(plan.name, region)]),
      ),
    });
  }

  private readonly regions = new Map<string, { provider: AwsProvider; topic: SnsTopic }>();

  /**
   * This account in a backup region: S3 publishes ReplicationLatency there, and an alarm can
   * only watch metrics of its own region and notify a topic of its own region.
   */
  private inRegion(region: string): { provider: AwsProvider; topic: SnsTopic } {
    const existing = this.regions.get(region);
    if (existing) return existing;
    const provider = regionalProvider(this, this.config, this.plan, region);
    const topic = alertTopic(this, this.config, this.plan.name, {
      id: `alerts-in-${region}`,
      name: alertTopicName(this.plan.name, region),
      provider,
    });
    const created = { provider, topic };
    this.regions.set(region, created);
    return created;
  }

  private role(
    id: string,
    name: string,
    props: {
      description: string;
      trust: PolicyDocument;
      policy: PolicyDocument;
      maxSessionDuration?: number;
    },
  ): IamRolePolicy {
    const role = new IamRole(this, id, {
      name,
      description: props.description,
      assumeRolePolicy: toJson(props.trust),
      maxSessionDuration: props.maxSessionDuration,
    });
    return new IamRolePolicy(this, `${id}-policy`, {
      name: id.replace(/-role$/, ''),
      role: role.name,
      policy: toJson(props.policy),
    });
  }
}

/**
 * One V2 rule for the whole bucket: every object, delete markers too (so that a user's delete is
 * a delete in the backup, recoverable for the retention window), owned by the backup account.
 */
export function replicationRule(
  config: BastionConfig,
  source: SourceBucketConfig,
): S3BucketReplicationConfigurationRule {
  const kms = source.sourceKmsKeyArn !== undefined;
  const rtc = source.replicationTimeControl === true;
  return {
    id: replicationRuleId(source),
    status: 'Enabled',
    priority: 0,
    filter: {},
    deleteMarkerReplication: { status: 'Enabled' },
    sourceSelectionCriteria: kms ? { sseKmsEncryptedObjects: { status: 'Enabled' } } : undefined,
    destination: {
      bucket: bucketArn(config, source.backupBucketName),
      account: config.backup.accountId,
      accessControlTranslation: { owner: 'Destination' },
      // Replication metrics feed the OperationsFailedReplication alarm. With Replication Time
      // Control S3 requires them with a 15-minute event threshold, and RTC's own 15 minutes.
      // https://docs.aws.amazon.com/AmazonS3/latest/API/API_ReplicationTime.html
      metrics: rtc
        ? { status: 'Enabled', eventThreshold: { minutes: RTC_SLA_MINUTES } }
        : { status: 'Enabled' },
      replicationTime: rtc ? { status: 'Enabled', time: { minutes: RTC_SLA_MINUTES } } : undefined,
      storageClass: source.replicaStorageClass,
      encryptionConfiguration: kms
        ? {
            // The key's ARN when known: S3 resolves an alias in the requester's account, and KMS
            // applies a grant through an alias only minutes after it changes.
            // https://docs.aws.amazon.com/AmazonS3/latest/API/API_EncryptionConfiguration.html
            replicaKmsKeyId:
              replicaKeyArn(config, backupRegionOf(source)) ??
              replicaKeyAliasArn(config, backupRegionOf(source)),
          }
        : undefined,
    },
  };
}
