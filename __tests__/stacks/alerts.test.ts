import { exampleConfig } from '../../config';
import { alertThresholds } from '../../stacks/alerts';
import { configWith, findResource, resourcesOf, synthesize } from '../support/synth';

const { stacks } = synthesize();
const backup = stacks['backup-us-west-2'];
const primary = stacks['primary-us-east-1'];

function pattern(rule: Record<string, unknown>) {
  return JSON.parse(rule.event_pattern as string) as Record<string, unknown>;
}

describe('early-warning alerts', () => {
  it.each([
    ['backup-us-west-2', backup],
    ['primary-us-east-1', primary],
  ])('%s has an alert topic with the configured email subscribers', (name, stack) => {
    const topic = findResource(stack, 'aws_sns_topic', () => true);
    expect(topic.name).toBe(`s3-bastion-alerts-${name}`);
    expect(Object.values(resourcesOf(stack, 'aws_sns_topic_subscription'))).toEqual([
      expect.objectContaining({
        protocol: 'email',
        endpoint: 'storage-oncall@example.com',
        topic_arn: `\${aws_sns_topic.${topic.__name}.arn}`,
      }),
    ]);
  });

  describe.each(exampleConfig.sourceBuckets.map((b) => [b.backupBucketName, b] as const))(
    'backup bucket %s',
    (name) => {
      const bucket = findResource(backup, 'aws_s3_bucket', (r) => r.bucket === name);
      const rules = Object.entries(resourcesOf(backup, 'aws_cloudwatch_event_rule')).filter(
        ([, r]) => (pattern(r).detail as { bucket: { name: string[] } }).bucket.name[0] === name,
      );

      it('sends its S3 events to EventBridge', () => {
        const notification = findResource(
          backup,
          'aws_s3_bucket_notification',
          (r) => r.bucket === `\${aws_s3_bucket.${bucket.__name}.id}`,
        );
        expect(notification.eventbridge).toBe(true);
      });

      it('alarms on delete markers per hour above the configured threshold', () => {
        const [ruleName] = rules.find(([, r]) =>
          JSON.stringify(pattern(r)).includes('Delete Marker Created'),
        )!;
        expect(pattern(resourcesOf(backup, 'aws_cloudwatch_event_rule')[ruleName])).toEqual({
          source: ['aws.s3'],
          'detail-type': ['Object Deleted'],
          detail: { bucket: { name: [name] }, 'deletion-type': ['Delete Marker Created'] },
        });
        const alarm = findResource(
          backup,
          'aws_cloudwatch_metric_alarm',
          (r) => r.alarm_name === `s3-bastion-${name}-delete-markers`,
        );
        expect(alarm).toMatchObject({
          // Per rule; MatchedEvents has no RuleName dimension (it would never be published).
          // https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-monitoring.html
          namespace: 'AWS/Events',
          metric_name: 'TriggeredRules',
          dimensions: { RuleName: `\${aws_cloudwatch_event_rule.${ruleName}.name}` },
          statistic: 'Sum',
          period: 3600,
          threshold: 100,
          comparison_operator: 'GreaterThanOrEqualToThreshold',
          treat_missing_data: 'notBreaching',
        });
        expect((alarm.alarm_actions as string[])[0]).toMatch(/^\$\{aws_sns_topic\..+\.arn\}$/);
      });

      it('alarms on new versions (the overwrite signal) per hour above the threshold', () => {
        const [ruleName, rule] = rules.find(
          ([, r]) =>
            pattern(r)['detail-type'] !== undefined &&
            JSON.stringify(pattern(r)).includes('Object Created') &&
            // the heartbeat rule matches the canary key only (integrity-alarms.test.ts)
            !JSON.stringify(pattern(r)).includes('"key"'),
        )!;
        expect(pattern(rule)['detail-type']).toEqual(['Object Created']);
        const alarm = findResource(
          backup,
          'aws_cloudwatch_metric_alarm',
          (r) => r.alarm_name === `s3-bastion-${name}-new-versions`,
        );
        expect(alarm).toMatchObject({
          metric_name: 'TriggeredRules',
          dimensions: { RuleName: `\${aws_cloudwatch_event_rule.${ruleName}.name}` },
          period: 3600,
          threshold: 1000,
        });
      });
    },
  );

  it('delivers every alert rule to a log group that EventBridge may write, so each rule has a target', () => {
    const group = findResource(backup, 'aws_cloudwatch_log_group', () => true);
    expect(group.name).toBe('/aws/events/s3-bastion-backup-us-west-2');
    const rules = Object.keys(resourcesOf(backup, 'aws_cloudwatch_event_rule'));
    const targets = Object.values(resourcesOf(backup, 'aws_cloudwatch_event_target'));
    expect(targets.map((t) => t.rule).sort()).toEqual(
      rules.map((r) => `\${aws_cloudwatch_event_rule.${r}.name}`).sort(),
    );
    for (const t of targets) {
      expect(t.arn).toBe(`\${aws_cloudwatch_log_group.${group.__name}.arn}`);
      expect(t.role_arn).toBeUndefined();
    }
    // EventBridge writes to a Logs target through the log group's resource policy, not a role.
    // https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-resource-based.html#eb-cloudwatchlogs-permissions
    const policy = findResource(backup, 'aws_cloudwatch_log_resource_policy', () => true);
    expect(JSON.parse(policy.policy_document as string)).toMatchObject({
      Statement: [
        {
          Effect: 'Allow',
          Principal: { Service: ['events.amazonaws.com', 'delivery.logs.amazonaws.com'] },
          Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
          Resource: [
            'arn:aws:logs:us-west-2:222222222222:log-group:/aws/events/s3-bastion-backup-us-west-2:*',
          ],
          Condition: {
            ArnLike: { 'aws:SourceArn': 'arn:aws:events:us-west-2:222222222222:rule/bastion-*' },
          },
        },
      ],
    });
  });

  describe.each(exampleConfig.sourceBuckets.map((b) => [b.name, b] as const))(
    'source bucket %s',
    (name, source) => {
      const replication = findResource(
        primary,
        'aws_s3_bucket_replication_configuration',
        (r) => r.bucket === name,
      );
      const [rule] = replication.rule as Array<{
        id: string;
        destination: Record<string, unknown>;
      }>;

      it('turns on replication metrics for its rule', () => {
        expect(rule.destination.metrics).toEqual({ status: 'Enabled' });
      });

      it('alarms on failed replication operations', () => {
        const alarm = findResource(
          primary,
          'aws_cloudwatch_metric_alarm',
          (r) => r.alarm_name === `s3-bastion-${name}-replication-failures`,
        );
        expect(alarm).toMatchObject({
          namespace: 'AWS/S3',
          metric_name: 'OperationsFailedReplication',
          dimensions: {
            SourceBucket: name,
            DestinationBucket: source.backupBucketName,
            RuleId: rule.id,
          },
          period: 900,
          threshold: 1,
          comparison_operator: 'GreaterThanOrEqualToThreshold',
        });
      });
    },
  );

  it('uses the documented defaults when the config sets no thresholds or subscribers', () => {
    const config = configWith({ alerts: undefined });
    expect(alertThresholds(config)).toEqual({
      deleteMarkersPerHour: 100,
      newVersionsPerHour: 1000,
      failedReplicationsPer15Minutes: 1,
      deleteMarkersPerDay: 400,
      deleteMarkersPerWeek: 800,
      newVersionsPerDay: 4000,
      newVersionsPerWeek: 8000,
      lifecycleDeletionsPerDay: 4400,
      replicationLatencyMinutes: 15,
    });
    const stack = synthesize(config).stacks['backup-us-west-2'];
    expect(stack.resource.aws_sns_topic_subscription).toBeUndefined();
  });

  it('applies configured thresholds', () => {
    const config = configWith({ alerts: { deleteMarkersPerHour: 5, newVersionsPerHour: 50 } });
    const stack = synthesize(config).stacks['backup-us-west-2'];
    const thresholds = Object.values(resourcesOf(stack, 'aws_cloudwatch_metric_alarm')).map((a) => [
      a.alarm_name,
      a.threshold,
    ]);
    expect(thresholds).toContainEqual(['s3-bastion-example-bastion-prod-assets-delete-markers', 5]);
    expect(thresholds).toContainEqual(['s3-bastion-example-bastion-prod-assets-new-versions', 50]);
  });
});
