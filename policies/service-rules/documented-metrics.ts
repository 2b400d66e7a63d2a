/**
 * The CloudWatch metrics this project alarms on, as AWS documents them: namespace, metric, and
 * each set of dimensions it is published with. A metric with other dimensions is never emitted,
 * and an alarm on it with `treat_missing_data = notBreaching` stays OK forever. Add a row (with
 * its page) before alarming on anything new.
 */
export interface DocumentedMetric {
  readonly namespace: string;
  readonly metricName: string;
  /** Each dimension set the metric is published with (names, any order). */
  readonly dimensionSets: readonly (readonly string[])[];
  readonly page: string;
  /** What the page says about when it is emitted, where that matters. */
  readonly note?: string;
}

const EVENTBRIDGE = 'https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-monitoring.html';
const S3_REPLICATION =
  'https://docs.aws.amazon.com/AmazonS3/latest/userguide/metrics-dimensions.html#s3-cloudwatch-replication-metrics';
const S3_STORAGE =
  'https://docs.aws.amazon.com/AmazonS3/latest/userguide/metrics-dimensions.html#s3-cloudwatch-metrics';
const SNS = 'https://docs.aws.amazon.com/sns/latest/dg/sns-monitoring-using-cloudwatch.html';
const REPLICATION_DIMENSIONS = [['SourceBucket', 'DestinationBucket', 'RuleId']];

export const DOCUMENTED_METRICS: readonly DocumentedMetric[] = [
  {
    namespace: 'AWS/Events',
    metricName: 'TriggeredRules',
    dimensionSets: [['RuleName'], ['EventBusName', 'RuleName']],
    page: EVENTBRIDGE,
    note: 'per rule; published once the rule has matched an event',
  },
  {
    namespace: 'AWS/Events',
    metricName: 'Invocations',
    dimensionSets: [['RuleName'], ['EventBusName', 'RuleName']],
    page: EVENTBRIDGE,
    note: 'per rule, counts target invocations: a rule without a target has none',
  },
  {
    namespace: 'AWS/Events',
    metricName: 'FailedInvocations',
    dimensionSets: [['RuleName'], ['EventBusName', 'RuleName']],
    page: EVENTBRIDGE,
    note: 'only sent when not zero',
  },
  {
    namespace: 'AWS/Events',
    metricName: 'MatchedEvents',
    dimensionSets: [[]],
    page: EVENTBRIDGE,
    note: 'no RuleName dimension: all rules of the account and region together',
  },
  {
    namespace: 'AWS/S3',
    metricName: 'OperationsFailedReplication',
    dimensionSets: REPLICATION_DIMENSIONS,
    page: S3_REPLICATION,
    note: 'only with replication metrics enabled on the rule',
  },
  {
    namespace: 'AWS/S3',
    metricName: 'OperationsPendingReplication',
    dimensionSets: REPLICATION_DIMENSIONS,
    page: S3_REPLICATION,
  },
  {
    namespace: 'AWS/S3',
    metricName: 'ReplicationLatency',
    dimensionSets: REPLICATION_DIMENSIONS,
    page: S3_REPLICATION,
  },
  {
    namespace: 'AWS/S3',
    metricName: 'BytesPendingReplication',
    dimensionSets: REPLICATION_DIMENSIONS,
    page: S3_REPLICATION,
  },
  {
    namespace: 'AWS/S3',
    metricName: 'NumberOfObjects',
    dimensionSets: [['BucketName', 'StorageType']],
    page: S3_STORAGE,
    note: 'daily storage metric',
  },
  {
    namespace: 'AWS/S3',
    metricName: 'BucketSizeBytes',
    dimensionSets: [['BucketName', 'StorageType']],
    page: S3_STORAGE,
    note: 'daily storage metric',
  },
  {
    namespace: 'AWS/SNS',
    metricName: 'NumberOfNotificationsFailed',
    dimensionSets: [['TopicName']],
    page: SNS,
  },
];
