import { exampleConfig } from '../../config';
import { synthesize, findResource, resourcesOf, configWith, TerraformJson } from '../support/synth';

/**
 * Detection in the backup account (docs/backup-integrity.md): the slow drip over a day and a
 * week, the lifecycle removing the last copies, and the heartbeat of each source bucket, whose
 * canary writer is an EventBridge Scheduler schedule in the primary account.
 */
const { stacks } = synthesize();
const backup = stacks['backup-us-west-2'];
const primary = stacks['primary-us-east-1'];

type Resource = Record<string, unknown>;
const pattern = (rule: Resource) => JSON.parse(rule.event_pattern as string) as Resource;
const ruleRef = (name: string) => `\${aws_cloudwatch_event_rule.${name}.name}`;

function alarm(stack: TerraformJson, name: string): Resource {
  return findResource(stack, 'aws_cloudwatch_metric_alarm', (r) => r.alarm_name === name);
}

function ruleOf(stack: TerraformJson, bucket: string, matches: (p: Resource) => boolean): string {
  const found = Object.entries(resourcesOf(stack, 'aws_cloudwatch_event_rule')).filter(
    ([, r]) =>
      (pattern(r).detail as { bucket: { name: string[] } }).bucket.name[0] === bucket &&
      matches(pattern(r)),
  );
  expect(found).toHaveLength(1);
  return found[0][0];
}

// Per-rule EventBridge metric: https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-monitoring.html
const perRule = (rule: string) => ({
  namespace: 'AWS/Events',
  metric_name: 'TriggeredRules',
  dimensions: { RuleName: ruleRef(rule) },
  statistic: 'Sum',
  evaluation_periods: 1,
});

describe.each(exampleConfig.sourceBuckets.map((b) => [b.backupBucketName, b] as const))(
  'backup bucket %s',
  (name, source) => {
    const deleteMarkers = ruleOf(backup, name, (p) =>
      JSON.stringify(p).includes('Delete Marker Created'),
    );
    const newVersions = ruleOf(
      backup,
      name,
      (p) => JSON.stringify(p).includes('Object Created') && !JSON.stringify(p).includes('key'),
    );

    it.each([
      ['delete-markers-24h', () => deleteMarkers, 86_400, 400],
      ['delete-markers-7d', () => deleteMarkers, 604_800, 800],
      ['new-versions-24h', () => newVersions, 86_400, 4000],
      ['new-versions-7d', () => newVersions, 604_800, 8000],
    ])(
      'alarms on %s, counted on the hourly alarm rule',
      (suffix, rule: () => string, period, threshold) => {
        expect(alarm(backup, `s3-bastion-${name}-${suffix}`)).toMatchObject({
          ...perRule(rule()),
          period,
          threshold,
          comparison_operator: 'GreaterThanOrEqualToThreshold',
          treat_missing_data: 'notBreaching',
        });
      },
    );

    it('alarms when the lifecycle permanently removes versions faster than the threshold', () => {
      // https://docs.aws.amazon.com/AmazonS3/latest/userguide/ev-events.html (reason, deletion-type)
      const rule = ruleOf(backup, name, (p) => JSON.stringify(p).includes('Lifecycle'));
      expect(pattern(resourcesOf(backup, 'aws_cloudwatch_event_rule')[rule])).toEqual({
        source: ['aws.s3'],
        'detail-type': ['Object Deleted'],
        detail: {
          bucket: { name: [name] },
          reason: ['Lifecycle Expiration'],
          'deletion-type': ['Permanently Deleted'],
        },
      });
      expect(alarm(backup, `s3-bastion-${name}-lifecycle-deletions-24h`)).toMatchObject({
        ...perRule(rule),
        period: 86_400,
        threshold: 4400,
        comparison_operator: 'GreaterThanOrEqualToThreshold',
      });
    });

    it('alarms when no canary replica arrived for three beats, missing data breaching', () => {
      const rule = ruleOf(backup, name, (p) => JSON.stringify(p).includes('key'));
      expect(pattern(resourcesOf(backup, 'aws_cloudwatch_event_rule')[rule])).toEqual({
        source: ['aws.s3'],
        'detail-type': ['Object Created'],
        detail: { bucket: { name: [name] }, object: { key: ['s3-bastion-heartbeat/canary'] } },
      });
      expect(alarm(backup, `s3-bastion-${name}-heartbeat`)).toMatchObject({
        ...perRule(rule),
        period: 3 * 3600,
        threshold: 1,
        comparison_operator: 'LessThanThreshold',
        treat_missing_data: 'breaching',
      });
    });

    it('has the primary write its canary on a schedule, through S3 PutObject, no server', () => {
      const schedule = findResource(primary, 'aws_scheduler_schedule', (r) =>
        (r.description as string).includes(` into ${source.name};`),
      );
      expect(schedule).toMatchObject({
        schedule_expression: 'rate(60 minutes)',
        flexible_time_window: { mode: 'OFF' },
        target: {
          // https://docs.aws.amazon.com/scheduler/latest/UserGuide/managing-targets-universal.html
          arn: 'arn:aws:scheduler:::aws-sdk:s3:putObject',
          role_arn: 'arn:aws:iam::111111111111:role/s3-bastion-heartbeat',
        },
      });
      const target = schedule.target as { input: string };
      expect(JSON.parse(target.input)).toEqual({
        Bucket: source.name,
        Key: 's3-bastion-heartbeat/canary',
        Metadata: { 'scheduled-time': '<aws.scheduler.scheduled-time>' },
      });
    });
  },
);

describe('every alarm of the backup account', () => {
  it('notifies the backup account topic, and counts a per-rule EventBridge metric', () => {
    const topic = findResource(backup, 'aws_sns_topic', () => true);
    const alarms = Object.values(resourcesOf(backup, 'aws_cloudwatch_metric_alarm'));
    expect(alarms.length).toBe(2 * 8);
    for (const a of alarms) {
      expect(a.alarm_actions).toEqual([`\${aws_sns_topic.${topic.__name}.arn}`]);
      expect(a.namespace).toBe('AWS/Events');
      expect(Object.keys(a.dimensions as object)).toEqual(['RuleName']);
    }
  });
});

describe('the heartbeat role of the primary account', () => {
  const role = findResource(primary, 'aws_iam_role', (r) => r.name === 's3-bastion-heartbeat');
  const policy = JSON.parse(
    findResource(
      primary,
      'aws_iam_role_policy',
      (r) => r.role === `\${aws_iam_role.${role.__name}.name}`,
    ).policy as string,
  ) as { Statement: Resource[] };

  it('is assumable by EventBridge Scheduler for the primary account only', () => {
    const trust = JSON.parse(role.assume_role_policy as string) as { Statement: Resource[] };
    expect(trust.Statement).toEqual([
      expect.objectContaining({
        Principal: { Service: 'scheduler.amazonaws.com' },
        Action: ['sts:AssumeRole'],
        Condition: { StringEquals: { 'aws:SourceAccount': '111111111111' } },
      }),
    ]);
  });

  it('may write the canary key of each source and nothing else (a data key for SSE-KMS)', () => {
    expect(policy.Statement).toEqual([
      expect.objectContaining({
        Action: ['s3:PutObject'],
        Resource: exampleConfig.sourceBuckets.map(
          (b) => `arn:aws:s3:::${b.name}/s3-bastion-heartbeat/canary`,
        ),
      }),
      expect.objectContaining({
        Action: ['kms:Encrypt', 'kms:GenerateDataKey'],
        Resource: [exampleConfig.sourceBuckets[1].sourceKmsKeyArn],
        Condition: { StringEquals: { 'kms:ViaService': ['s3.us-east-1.amazonaws.com'] } },
      }),
    ]);
  });
});

describe('configured detection', () => {
  it('drops the canary writer, its role and the heartbeat alarms when the heartbeat is off', () => {
    const off = synthesize(configWith({ alerts: { heartbeat: { enabled: false } } })).stacks;
    expect(off['primary-us-east-1'].resource.aws_scheduler_schedule).toBeUndefined();
    expect(
      Object.values(resourcesOf(off['primary-us-east-1'], 'aws_iam_role')).map((r) => r.name),
    ).not.toContain('s3-bastion-heartbeat');
    const names = Object.values(
      resourcesOf(off['backup-us-west-2'], 'aws_cloudwatch_metric_alarm'),
    ).map((a) => a.alarm_name as string);
    expect(names.filter((n) => n.endsWith('-heartbeat'))).toEqual([]);
  });

  it('keeps the weekly window within the recovery window, and takes configured thresholds', () => {
    const config = configWith({
      alerts: {
        deleteMarkersPerDay: 50,
        deleteMarkersPerWeek: 120,
        heartbeat: { intervalMinutes: 1 },
      },
      sourceBuckets: [
        {
          ...exampleConfig.sourceBuckets[0],
          noncurrentVersionRetentionDays: 5,
          shortRetentionReason: 'a window shorter than the weekly alarm, to test its clamp',
        },
      ],
    });
    const synthesized = synthesize(config).stacks;
    const name = exampleConfig.sourceBuckets[0].backupBucketName;
    expect(
      alarm(synthesized['backup-us-west-2'], `s3-bastion-${name}-delete-markers-5d`),
    ).toMatchObject({
      period: 5 * 86_400,
      threshold: 120,
    });
    expect(
      alarm(synthesized['backup-us-west-2'], `s3-bastion-${name}-delete-markers-24h`),
    ).toMatchObject({
      threshold: 50,
    });
    expect(alarm(synthesized['backup-us-west-2'], `s3-bastion-${name}-heartbeat`)).toMatchObject({
      period: 180,
    });
    expect(
      findResource(synthesized['primary-us-east-1'], 'aws_scheduler_schedule', () => true)
        .schedule_expression,
    ).toBe('rate(1 minute)');
  });
});
