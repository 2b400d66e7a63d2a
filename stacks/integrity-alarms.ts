import { Construct } from 'constructs';
import { CloudwatchEventRule } from '@cdktf/provider-aws/lib/cloudwatch-event-rule';
import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic';
import { BastionConfig, SourceBucketConfig } from '../config';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import {
  AlarmTargets,
  alertThresholds,
  bucketEventAlarm,
  eventCountAlarm,
  heartbeatSettings,
} from './alerts';

/**
 * The alarms of the backup account that a primary admin cannot switch off: counts of a slow drip
 * over a day and a week beside the hourly spikes, the lifecycle removing versions for good, and
 * the heartbeat of each source bucket. docs/backup-integrity.md says what each one sees.
 */

/**
 * CloudWatch evaluates an alarm over at most seven days: Period x EvaluationPeriods <= 604,800 s.
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html
 */
export const LONGEST_ALARM_PERIOD_DAYS = 7;

const DAY = 86_400;

/** The window of the weekly alarms: seven days, or the recovery window when it is shorter. */
export function weeklyWindowDays(source: SourceBucketConfig): number {
  return Math.min(LONGEST_ALARM_PERIOD_DAYS, source.noncurrentVersionRetentionDays);
}

/**
 * Cumulative counts beside the hourly alarms: 99 delete markers an hour stay under an hourly
 * threshold of 100 forever, but not under a daily or weekly one.
 */
export function cumulativeAlarms(
  scope: Construct,
  config: BastionConfig,
  source: SourceBucketConfig,
  rules: { readonly deleteMarkers: CloudwatchEventRule; readonly newVersions: CloudwatchEventRule },
  topic: SnsTopic,
): CloudwatchMetricAlarm[] {
  const t = alertThresholds(config);
  const name = source.backupBucketName;
  const week = weeklyWindowDays(source);
  const expiry = `expire ${source.noncurrentVersionRetentionDays} days after`;
  return [
    eventCountAlarm(scope, `${name}-delete-markers-day-alarm`, rules.deleteMarkers, {
      name: `s3-bastion-${name}-delete-markers-24h`,
      description: `${t.deleteMarkersPerDay}+ delete markers within 24 hours in ${name}: a slow mass delete in production? The deleted versions ${expiry}.`,
      threshold: t.deleteMarkersPerDay,
      periodSeconds: DAY,
      topic,
    }),
    eventCountAlarm(scope, `${name}-delete-markers-week-alarm`, rules.deleteMarkers, {
      name: `s3-bastion-${name}-delete-markers-${week}d`,
      description: `${t.deleteMarkersPerWeek}+ delete markers within ${week} days in ${name}: a slow mass delete in production? The deleted versions ${expiry}.`,
      threshold: t.deleteMarkersPerWeek,
      periodSeconds: week * DAY,
      topic,
    }),
    eventCountAlarm(scope, `${name}-new-versions-day-alarm`, rules.newVersions, {
      name: `s3-bastion-${name}-new-versions-24h`,
      description: `${t.newVersionsPerDay}+ new versions within 24 hours in ${name}: a slow mass overwrite in production? Overwritten versions ${expiry}.`,
      threshold: t.newVersionsPerDay,
      periodSeconds: DAY,
      topic,
    }),
    eventCountAlarm(scope, `${name}-new-versions-week-alarm`, rules.newVersions, {
      name: `s3-bastion-${name}-new-versions-${week}d`,
      description: `${t.newVersionsPerWeek}+ new versions within ${week} days in ${name}: a slow mass overwrite in production? Overwritten versions ${expiry}.`,
      threshold: t.newVersionsPerWeek,
      periodSeconds: week * DAY,
      topic,
    }),
  ];
}

/**
 * The lifecycle rule removing versions for good, faster than the threshold: the last copy of
 * deleted or overwritten data is disappearing. S3 sends "Object Deleted" with reason "Lifecycle
 * Expiration" and deletion-type "Permanently Deleted" for it (expired delete markers count too).
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/ev-events.html
 */
export function lifecycleDeletionAlarm(
  scope: Construct,
  config: BastionConfig,
  source: SourceBucketConfig,
  targets: AlarmTargets,
): CloudwatchMetricAlarm {
  const threshold = alertThresholds(config).lifecycleDeletionsPerDay;
  const name = source.backupBucketName;
  return bucketEventAlarm(
    scope,
    `${name}-lifecycle-deletions`,
    targets,
    {
      bucketName: name,
      description: `Versions permanently removed from ${name} by its lifecycle rule`,
      detailType: 'Object Deleted',
      detail: { reason: ['Lifecycle Expiration'], 'deletion-type': ['Permanently Deleted'] },
    },
    {
      name: `s3-bastion-${name}-lifecycle-deletions-24h`,
      description: `${threshold}+ versions permanently removed by the lifecycle within 24 hours in ${name}: the last copies of deleted or overwritten data are going. Restore now if that data is wanted.`,
      threshold,
      periodSeconds: DAY,
    },
  ).alarm;
}

/**
 * No canary replica for `alarmAfterMinutes`: replication stopped (rule disabled, filtered, a
 * source it no longer selects, a broken role), whatever the primary account's own alarms say.
 * Missing data is breaching: silence is exactly what this alarm is for.
 */
export function heartbeatAlarm(
  scope: Construct,
  config: BastionConfig,
  source: SourceBucketConfig,
  targets: AlarmTargets,
): CloudwatchMetricAlarm {
  const heartbeat = heartbeatSettings(config);
  const name = source.backupBucketName;
  return bucketEventAlarm(
    scope,
    `${name}-heartbeat`,
    targets,
    {
      bucketName: name,
      description: `Replicas of the heartbeat canary of ${source.name} arriving in ${name}`,
      detailType: 'Object Created',
      detail: { object: { key: [heartbeat.key] } },
    },
    {
      name: `s3-bastion-${name}-heartbeat`,
      description: `No replica of the heartbeat canary ${heartbeat.key} from ${source.name} within ${heartbeat.alarmAfterMinutes} minutes in ${name}: replication from ${source.name} has stopped, or the canary writer in the primary account was removed.`,
      threshold: 1,
      periodSeconds: heartbeat.alarmAfterMinutes * 60,
      whenFewer: true,
    },
  ).alarm;
}

/** Every alarm of this file for one backup bucket, beside the hourly ones of alerts.ts. */
export function integrityAlarms(
  scope: Construct,
  config: BastionConfig,
  source: SourceBucketConfig,
  hourlyRules: {
    readonly deleteMarkers: CloudwatchEventRule;
    readonly newVersions: CloudwatchEventRule;
  },
  topic: SnsTopic,
  logGroup: CloudwatchLogGroup,
): void {
  cumulativeAlarms(scope, config, source, hourlyRules, topic);
  lifecycleDeletionAlarm(scope, config, source, { topic, logGroup });
  if (heartbeatSettings(config).enabled) heartbeatAlarm(scope, config, source, { topic, logGroup });
}
