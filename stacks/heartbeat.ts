import { Construct } from 'constructs';
import { SchedulerSchedule } from '@cdktf/provider-aws/lib/scheduler-schedule';
import { ITerraformDependable } from 'cdktf';
import { BastionConfig, SourceBucketConfig } from '../config';
import { partitionOf, roleArn } from '../policies/arns';
import { heartbeatSettings } from './alerts';

/**
 * EventBridge Scheduler's universal target for S3 PutObject: the scheduler calls the API itself,
 * with the input as its parameters, so no function or server runs the canary writer.
 * https://docs.aws.amazon.com/scheduler/latest/UserGuide/managing-targets-universal.html
 * <aws.scheduler.scheduled-time> is replaced with the time of each beat, so the replica's metadata
 * says which beat it is.
 * https://docs.aws.amazon.com/scheduler/latest/UserGuide/managing-schedule-context-attributes.html
 */
export function heartbeatSchedule(
  scope: Construct,
  config: BastionConfig,
  source: SourceBucketConfig,
  dependsOn: ITerraformDependable[],
): SchedulerSchedule {
  const heartbeat = heartbeatSettings(config);
  const minutes = heartbeat.intervalMinutes;
  return new SchedulerSchedule(scope, `${source.name}-heartbeat`, {
    namePrefix: 's3-bastion-heartbeat-',
    description: `Writes the heartbeat canary ${heartbeat.key} into ${source.name}; the backup account alarms when its replica stops arriving`,
    scheduleExpression: `rate(${minutes} ${minutes === 1 ? 'minute' : 'minutes'})`,
    flexibleTimeWindow: { mode: 'OFF' },
    target: {
      arn: `arn:${partitionOf(config)}:scheduler:::aws-sdk:s3:putObject`,
      roleArn: roleArn(config, 'heartbeat'),
      input: JSON.stringify({
        Bucket: source.name,
        Key: heartbeat.key,
        Metadata: { 'scheduled-time': '<aws.scheduler.scheduled-time>' },
      }),
      // A beat that cannot be written within its interval is replaced by the next one.
      retryPolicy: {
        maximumRetryAttempts: 3,
        maximumEventAgeInSeconds: Math.max(60, minutes * 60),
      },
    },
    dependsOn,
  });
}
