import { Construct } from 'constructs';
import { CloudwatchEventRule } from '@cdktf/provider-aws/lib/cloudwatch-event-rule';
import { CloudwatchEventTarget } from '@cdktf/provider-aws/lib/cloudwatch-event-target';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { CloudwatchLogResourcePolicy } from '@cdktf/provider-aws/lib/cloudwatch-log-resource-policy';
import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { S3BucketNotification } from '@cdktf/provider-aws/lib/s3-bucket-notification';
import { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic';
import { SnsTopicSubscription } from '@cdktf/provider-aws/lib/sns-topic-subscription';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { AlertsConfig, BastionConfig, HeartbeatConfig, SourceBucketConfig } from '../config';
import { heartbeatKeyOf, replicationRuleId } from '../policies/arns';
import { toJson } from '../policies/document';
import { EVENT_RULE_NAME_PREFIX, eventLogGroupPolicy } from '../policies/event-log-policy';

/** The thresholds in force: the config's, or the documented defaults. */
export function alertThresholds(
  config: BastionConfig,
): Required<Omit<AlertsConfig, 'emailAddresses' | 'heartbeat'>> {
  const alerts = config.alerts ?? {};
  const deleteMarkersPerHour = alerts.deleteMarkersPerHour ?? 100;
  const newVersionsPerHour = alerts.newVersionsPerHour ?? 1000;
  const deleteMarkersPerDay = alerts.deleteMarkersPerDay ?? 4 * deleteMarkersPerHour;
  const newVersionsPerDay = alerts.newVersionsPerDay ?? 4 * newVersionsPerHour;
  return {
    deleteMarkersPerHour,
    newVersionsPerHour,
    failedReplicationsPer15Minutes: alerts.failedReplicationsPer15Minutes ?? 1,
    deleteMarkersPerDay,
    newVersionsPerDay,
    deleteMarkersPerWeek: alerts.deleteMarkersPerWeek ?? 2 * deleteMarkersPerDay,
    newVersionsPerWeek: alerts.newVersionsPerWeek ?? 2 * newVersionsPerDay,
    lifecycleDeletionsPerDay:
      alerts.lifecycleDeletionsPerDay ?? newVersionsPerDay + deleteMarkersPerDay,
    replicationLatencyMinutes: alerts.replicationLatencyMinutes ?? RTC_SLA_MINUTES,
  };
}

/** The heartbeat in force: the config's, or the documented defaults. */
export function heartbeatSettings(config: BastionConfig): Required<HeartbeatConfig> {
  const heartbeat = config.alerts?.heartbeat ?? {};
  const intervalMinutes = heartbeat.intervalMinutes ?? 60;
  return {
    enabled: heartbeat.enabled ?? true,
    intervalMinutes,
    alarmAfterMinutes: heartbeat.alarmAfterMinutes ?? 3 * intervalMinutes,
    key: heartbeatKeyOf(config),
  };
}

/**
 * The count of events that an EventBridge rule matched, as CloudWatch publishes it per rule
 * (MatchedEvents has no RuleName dimension).
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-monitoring.html
 */
export function ruleEventCount(rule: CloudwatchEventRule): {
  namespace: string;
  metricName: string;
  dimensions: Record<string, string>;
} {
  return {
    namespace: 'AWS/Events',
    metricName: 'TriggeredRules',
    dimensions: { RuleName: rule.name },
  };
}

/** S3 Replication Time Control's threshold: S3 requires exactly 15 minutes in the rule. */
export const RTC_SLA_MINUTES = 15;

/** A stack's main alert topic; `inRegion` names its topic in another region of the account. */
export function alertTopicName(stackName: string, inRegion?: string): string {
  return `s3-bastion-alerts-${stackName}${inRegion ? `-in-${inRegion}` : ''}`;
}

/**
 * The account-and-region alert topic, with the configured email subscribers. A stack's main
 * topic is `s3-bastion-alerts-<stack>`; a topic in another region of the same account (for
 * alarms that must live there) passes its own id, name and provider.
 */
export function alertTopic(
  scope: Construct,
  config: BastionConfig,
  stackName: string,
  options: { id?: string; name?: string; provider?: AwsProvider } = {},
): SnsTopic {
  const id = options.id ?? 'alerts';
  const name = options.name ?? alertTopicName(stackName);
  const topic = new SnsTopic(scope, id, {
    provider: options.provider,
    name,
    displayName: `s3-bastion-backup alerts (${name.replace(/^s3-bastion-alerts-/, '')})`,
  });
  (config.alerts?.emailAddresses ?? []).forEach((endpoint, i) => {
    new SnsTopicSubscription(scope, `${id}-email-${i}`, {
      provider: options.provider,
      topicArn: topic.arn,
      protocol: 'email',
      endpoint,
    });
  });
  return topic;
}

/** Days the S3 events that raised (or not) an alarm stay readable in the event log group. */
export const EVENT_LOG_RETENTION_DAYS = 30;

/**
 * The log group that every alert rule of a backup stack delivers its events to. A rule's metrics
 * are only sure to be published when it has a target (Invocations counts target invocations); the
 * log group is the cheapest one, and keeps the object keys of a mass delete for the investigation.
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-monitoring.html
 */
export function eventLogGroup(
  scope: Construct,
  config: BastionConfig,
  stackName: string,
  region: string,
): CloudwatchLogGroup {
  const name = `/aws/events/s3-bastion-${stackName}`;
  const group = new CloudwatchLogGroup(scope, 'event-log-group', {
    name,
    retentionInDays: EVENT_LOG_RETENTION_DAYS,
  });
  new CloudwatchLogResourcePolicy(scope, 'event-log-group-policy', {
    policyName: `s3-bastion-events-${stackName}`,
    policyDocument: toJson(eventLogGroupPolicy(config, region, name)),
  });
  return group;
}

/**
 * Every alarm of this project: one metric over one period (a single evaluation), notifying the
 * topic when it fires and when it recovers.
 */
export function topicAlarm(
  scope: Construct,
  id: string,
  props: {
    name: string;
    description: string;
    metric: { namespace: string; metricName: string; dimensions: Record<string, string> };
    statistic: 'Sum' | 'Maximum';
    periodSeconds: number;
    threshold: number;
    comparison: 'GreaterThanOrEqualToThreshold' | 'GreaterThanThreshold' | 'LessThanThreshold';
    treatMissingData: 'notBreaching' | 'breaching' | 'ignore';
    topic: SnsTopic;
    /** The provider of another region of the account. @default the stack's own */
    provider?: AwsProvider;
  },
): CloudwatchMetricAlarm {
  return new CloudwatchMetricAlarm(scope, id, {
    provider: props.provider,
    alarmName: props.name,
    alarmDescription: props.description,
    ...props.metric,
    statistic: props.statistic,
    period: props.periodSeconds,
    evaluationPeriods: 1,
    threshold: props.threshold,
    comparisonOperator: props.comparison,
    treatMissingData: props.treatMissingData,
    alarmActions: [props.topic.arn],
    okActions: [props.topic.arn],
  });
}

/**
 * An alarm on the count of events a rule matched within one period: at least `threshold` (a spike),
 * or with `whenFewer` fewer than `threshold` (silence, for a heartbeat).
 */
export function eventCountAlarm(
  scope: Construct,
  id: string,
  rule: CloudwatchEventRule,
  props: EventCountAlarmProps & { readonly topic: SnsTopic },
): CloudwatchMetricAlarm {
  return topicAlarm(scope, id, {
    ...props,
    metric: ruleEventCount(rule),
    statistic: 'Sum',
    ...(props.whenFewer
      ? // No event in the window is exactly the fault.
        { comparison: 'LessThanThreshold', treatMissingData: 'breaching' }
      : // No matching event in the window is the normal, quiet case.
        { comparison: 'GreaterThanOrEqualToThreshold', treatMissingData: 'notBreaching' }),
  });
}

/** What an event-count alarm says and when it fires. */
export interface EventCountAlarmProps {
  readonly name: string;
  readonly description: string;
  readonly threshold: number;
  readonly periodSeconds: number;
  /** Fire when fewer than `threshold` events matched. @default false: at least `threshold` */
  readonly whenFewer?: boolean;
}

/** Where the rules and alarms of a backup stack send events and notifications. */
export interface AlarmTargets {
  readonly topic: SnsTopic;
  readonly logGroup: CloudwatchLogGroup;
}

/**
 * One kind of S3 event of a backup bucket: an EventBridge rule `id` that delivers the events to
 * the event log group, and the alarm `<id>-alarm` on how many the rule matched.
 */
export function bucketEventAlarm(
  scope: Construct,
  id: string,
  targets: AlarmTargets,
  event: {
    readonly bucketName: string;
    readonly description: string;
    readonly detailType: string;
    readonly detail: Record<string, unknown>;
  },
  alarm: EventCountAlarmProps,
): { rule: CloudwatchEventRule; alarm: CloudwatchMetricAlarm } {
  const rule = new CloudwatchEventRule(scope, id, {
    namePrefix: EVENT_RULE_NAME_PREFIX,
    description: event.description,
    eventPattern: JSON.stringify({
      source: ['aws.s3'],
      'detail-type': [event.detailType],
      detail: { bucket: { name: [event.bucketName] }, ...event.detail },
    }),
  });
  new CloudwatchEventTarget(scope, `${id}-log`, {
    rule: rule.name,
    targetId: 'event-log-group',
    arn: targets.logGroup.arn,
  });
  return {
    rule,
    alarm: eventCountAlarm(scope, `${id}-alarm`, rule, { ...alarm, topic: targets.topic }),
  };
}

/**
 * Backup side: the bucket sends its events to EventBridge; one alarm counts delete markers, one
 * counts new versions (the overwrite signal S3 can give), each per hour against the config.
 */
export function backupBucketAlarms(
  scope: Construct,
  config: BastionConfig,
  source: SourceBucketConfig,
  bucketId: string,
  topic: SnsTopic,
  logGroup: CloudwatchLogGroup,
): { deleteMarkers: CloudwatchEventRule; newVersions: CloudwatchEventRule } {
  const name = source.backupBucketName;
  const thresholds = alertThresholds(config);
  const expiry = `expire after ${source.noncurrentVersionRetentionDays} days`;
  new S3BucketNotification(scope, `${name}-eventbridge`, { bucket: bucketId, eventbridge: true });

  const deletes = bucketEventAlarm(
    scope,
    `${name}-delete-markers`,
    { topic, logGroup },
    {
      bucketName: name,
      description: `Delete markers created in ${name}`,
      detailType: 'Object Deleted',
      detail: { 'deletion-type': ['Delete Marker Created'] },
    },
    {
      name: `s3-bastion-${name}-delete-markers`,
      description: `${thresholds.deleteMarkersPerHour}+ delete markers in an hour in ${name}: a mass delete in production? The deleted versions ${expiry}.`,
      threshold: thresholds.deleteMarkersPerHour,
      periodSeconds: HOUR,
    },
  );
  const writes = bucketEventAlarm(
    scope,
    `${name}-new-versions`,
    { topic, logGroup },
    {
      bucketName: name,
      description: `New object versions written to ${name}`,
      detailType: 'Object Created',
      detail: {},
    },
    {
      name: `s3-bastion-${name}-new-versions`,
      description: `${thresholds.newVersionsPerHour}+ new versions in an hour in ${name}: a mass overwrite in production? Overwritten versions ${expiry}.`,
      threshold: thresholds.newVersionsPerHour,
      periodSeconds: HOUR,
    },
  );
  return { deleteMarkers: deletes.rule, newVersions: writes.rule };
}

const HOUR = 3600;

/** A replication metric of one source bucket's rule, as S3 publishes it. */
function replicationMetric(
  metricName: 'OperationsFailedReplication' | 'ReplicationLatency',
  source: SourceBucketConfig,
): { namespace: string; metricName: string; dimensions: Record<string, string> } {
  return {
    namespace: 'AWS/S3',
    metricName,
    dimensions: {
      SourceBucket: source.name,
      DestinationBucket: source.backupBucketName,
      RuleId: replicationRuleId(source),
    },
  };
}

/** Primary side: replication failures, from the rule's replication metrics, per source bucket. */
export function replicationFailureAlarm(
  scope: Construct,
  config: BastionConfig,
  source: SourceBucketConfig,
  topic: SnsTopic,
): CloudwatchMetricAlarm {
  const threshold = alertThresholds(config).failedReplicationsPer15Minutes;
  return topicAlarm(scope, `${source.name}-replication-failures-alarm`, {
    name: `s3-bastion-${source.name}-replication-failures`,
    description: `${threshold}+ failed replication operations from ${source.name} to ${source.backupBucketName} in 15 minutes: objects are not reaching the backup.`,
    metric: replicationMetric('OperationsFailedReplication', source),
    statistic: 'Sum',
    periodSeconds: 900,
    threshold,
    comparison: 'GreaterThanOrEqualToThreshold',
    treatMissingData: 'notBreaching',
    topic,
  });
}

/**
 * Replication Time Control: the rule's `ReplicationLatency` (the maximum number of seconds the
 * backup is behind the source) above the configured minutes. S3 publishes this metric in the
 * DESTINATION bucket's region, in the source bucket owner's account, with the dimensions
 * SourceBucket, DestinationBucket and RuleId, statistic Maximum; AWS asks alarms on replication
 * metrics to treat missing data as "ignore".
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/repl-metrics.html
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/metrics-dimensions.html#s3-cloudwatch-replication-metrics
 */
export function replicationLatencyAlarm(
  scope: Construct,
  config: BastionConfig,
  source: SourceBucketConfig,
  topic: SnsTopic,
  provider: AwsProvider | undefined,
): CloudwatchMetricAlarm {
  const minutes = alertThresholds(config).replicationLatencyMinutes;
  return topicAlarm(scope, `${source.name}-replication-latency-alarm`, {
    provider,
    name: `s3-bastion-${source.name}-replication-latency`,
    description:
      `Replication from ${source.name} to ${source.backupBucketName} is more than ${minutes} ` +
      `minutes behind (S3 Replication Time Control SLA: ${RTC_SLA_MINUTES} minutes). New ` +
      'objects are not yet in the backup.',
    metric: replicationMetric('ReplicationLatency', source),
    statistic: 'Maximum',
    periodSeconds: 300,
    threshold: minutes * 60,
    comparison: 'GreaterThanThreshold',
    treatMissingData: 'ignore',
    topic,
  });
}
