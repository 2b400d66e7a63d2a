import { BastionConfig, exampleConfig } from '../../config';
import { configWith, findResource, resourcesOf, synthesize } from '../support/synth';

// S3 Replication Time Control as a per-bucket option, and its latency alarm where S3 publishes the
// metric: the source account, in the DESTINATION bucket's region.
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/repl-metrics.html
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/metrics-dimensions.html#s3-replication-dimensions

const [assets, ledger] = exampleConfig.sourceBuckets;

/** The ledger bucket (us-east-1 to us-west-2) with RTC, the assets bucket without. */
const crossRegion: BastionConfig = configWith({
  sourceBuckets: [assets, { ...ledger, replicationTimeControl: true }],
});

type Rule = { destination: Record<string, unknown> };
const ruleOf = (stack: ReturnType<typeof synthesize>['stacks'][string], source: string): Rule =>
  (
    findResource(stack, 'aws_s3_bucket_replication_configuration', (r) => r.bucket === source)
      .rule as Rule[]
  )[0];

describe('S3 Replication Time Control', () => {
  const { stacks } = synthesize(crossRegion);
  const primary = stacks['primary-us-east-1'];

  it('turns on RTC and the 15-minute metrics event threshold S3 requires with it, per bucket', () => {
    // https://docs.aws.amazon.com/AmazonS3/latest/API/API_ReplicationTime.html
    expect(ruleOf(primary, ledger.name).destination).toMatchObject({
      replication_time: { status: 'Enabled', time: { minutes: 15 } },
      metrics: { status: 'Enabled', event_threshold: { minutes: 15 } },
    });
    const plain = ruleOf(primary, assets.name).destination;
    expect(plain.replication_time).toBeUndefined();
    expect(plain.metrics).toEqual({ status: 'Enabled' });
  });

  it('alarms on ReplicationLatency above 15 minutes in the backup region, in the primary account', () => {
    const alarm = findResource(
      primary,
      'aws_cloudwatch_metric_alarm',
      (r) => r.metric_name === 'ReplicationLatency',
    );
    expect(alarm).toMatchObject({
      namespace: 'AWS/S3',
      dimensions: {
        SourceBucket: ledger.name,
        DestinationBucket: ledger.backupBucketName,
        RuleId: `backup-to-${ledger.backupBucketName}`,
      },
      statistic: 'Maximum',
      threshold: 900,
      comparison_operator: 'GreaterThanThreshold',
      treat_missing_data: 'ignore',
      provider: 'aws.primary_us_east_1_in_us_west_2',
    });
    const provider = primary.provider.aws.find((p) => p.alias === 'primary_us_east_1_in_us_west_2');
    expect(provider).toMatchObject({ region: 'us-west-2', allowed_account_ids: ['111111111111'] });

    // An alarm notifies a topic of its own region: one in us-west-2, with the same subscribers.
    const topic = findResource(
      primary,
      'aws_sns_topic',
      (r) => r.name === 's3-bastion-alerts-primary-us-east-1-in-us-west-2',
    );
    expect(topic.provider).toBe('aws.primary_us_east_1_in_us_west_2');
    expect(alarm.alarm_actions).toEqual([`\${aws_sns_topic.${topic.__name}.arn}`]);
    expect(
      Object.values(resourcesOf(primary, 'aws_sns_topic_subscription')).filter(
        (s) => s.provider === 'aws.primary_us_east_1_in_us_west_2',
      ),
    ).toEqual([
      expect.objectContaining({ protocol: 'email', endpoint: 'storage-oncall@example.com' }),
    ]);
  });

  it('takes the latency threshold from the config', () => {
    const { stacks: custom } = synthesize({
      ...crossRegion,
      alerts: { ...crossRegion.alerts, replicationLatencyMinutes: 30 },
    });
    const alarm = findResource(
      custom['primary-us-east-1'],
      'aws_cloudwatch_metric_alarm',
      (r) => r.metric_name === 'ReplicationLatency',
    );
    expect(alarm.threshold).toBe(1800);
  });

  it('uses the stack provider and topic when the backup is in the source region', () => {
    const { stacks: same } = synthesize(
      configWith({
        sourceBuckets: [{ ...assets, backupRegion: undefined, replicationTimeControl: true }],
      }),
    );
    const stack = same['primary-us-east-1'];
    expect(stack.provider.aws).toHaveLength(1);
    const alarm = findResource(
      stack,
      'aws_cloudwatch_metric_alarm',
      (r) => r.metric_name === 'ReplicationLatency',
    );
    expect(alarm.provider).toBe('aws.primary_us_east_1');
    expect(alarm.alarm_actions).toEqual(['${aws_sns_topic.alerts.arn}']);
  });

  it('adds nothing without RTC: no latency alarm, no second provider', () => {
    const { stacks: plain } = synthesize(exampleConfig);
    const stack = plain['primary-us-east-1'];
    expect(stack.provider.aws).toHaveLength(1);
    const metrics = Object.values(resourcesOf(stack, 'aws_cloudwatch_metric_alarm')).map(
      (a) => a.metric_name,
    );
    expect(metrics).not.toContain('ReplicationLatency');
  });
});

describe('Terraform Cloud workspace names', () => {
  const cloud = (terraformCloud: BastionConfig['terraformCloud']) =>
    synthesize(configWith({ terraformCloud })).stacks;
  const workspaceOf = (stack: { terraform: Record<string, unknown> }) =>
    (stack.terraform.cloud as { workspaces: { name: string } }).workspaces.name;

  it('name each stack once, without a doubled word', () => {
    const stacks = cloud({ organization: 'acme' });
    expect(workspaceOf(stacks['backup-us-west-2'])).toBe('s3-bastion-backup-us-west-2');
    expect(workspaceOf(stacks['primary-us-east-1'])).toBe('s3-bastion-primary-us-east-1');
  });

  it('keep the names of earlier deployments with the old prefix, and explicit names win', () => {
    const stacks = cloud({
      organization: 'acme',
      workspacePrefix: 's3-bastion-backup-',
      workspaceNames: { 'primary-us-east-1': 'prod-s3-replication' },
    });
    expect(workspaceOf(stacks['backup-us-west-2'])).toBe('s3-bastion-backup-backup-us-west-2');
    expect(workspaceOf(stacks['primary-us-east-1'])).toBe('prod-s3-replication');
  });
});
