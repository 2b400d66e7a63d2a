import { GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { type Canary, type CheckContext, answerOf, isAccessDenied } from '../context';
import type { AlarmExpectation, BucketPair } from '../expectations';
import { type ProbeResult, fail, pass, skip } from '../probe';

const PROBE = 'replication-health';
const FAILED_METRIC = 'OperationsFailedReplication';
const DAY_SECONDS = 24 * 3600;

/**
 * The replication rule's OperationsFailedReplication (AWS/S3, dimensions SourceBucket,
 * DestinationBucket, RuleId: https://docs.aws.amazon.com/AmazonS3/latest/userguide/repl-metrics.html)
 * summed over the last day with GetMetricData
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_GetMetricData.html).
 * The metric and its dimensions come from the alarm the stack declares on it, so a renamed rule
 * flows in. CloudWatch counts operations and names no object: the fix is Batch Replication, which
 * re-replicates every object whose status is FAILED and reports each one; S3 Inventory (verify
 * --inventory) names them beforehand.
 */
export async function probeReplicationHealth(
  context: CheckContext,
  pair: BucketPair,
  canary: Canary | undefined,
  now: Date = new Date(),
): Promise<ProbeResult> {
  const alarm = context.expectations.alarms.find(
    (a: AlarmExpectation) =>
      a.metricName === FAILED_METRIC && a.dimensions.SourceBucket === pair.source.name,
  );
  if (alarm === undefined || alarm.namespace === undefined) {
    return skip(
      PROBE,
      pair.label,
      `the synthesized stacks declare no ${FAILED_METRIC} alarm for ${pair.source.name}, so the rule's metric is unknown`,
    );
  }
  let total = 0;
  let points = 0;
  try {
    const result = await context.session.cloudwatch(alarm.account, alarm.region).send(
      new GetMetricDataCommand({
        StartTime: new Date(now.getTime() - DAY_SECONDS * 1000),
        EndTime: now,
        MetricDataQueries: [
          {
            Id: 'failed',
            MetricStat: {
              Metric: {
                Namespace: alarm.namespace,
                MetricName: FAILED_METRIC,
                Dimensions: Object.entries(alarm.dimensions).map(([Name, Value]) => ({
                  Name,
                  Value,
                })),
              },
              Period: 3600,
              Stat: 'Sum',
            },
          },
        ],
      }),
    );
    for (const series of result.MetricDataResults ?? []) {
      for (const value of series.Values ?? []) {
        total += value;
        points += 1;
      }
    }
  } catch (error) {
    if (isAccessDenied(error)) {
      return skip(
        PROBE,
        pair.label,
        `no permission to read CloudWatch metrics (${answerOf(error)})`,
        'grant cloudwatch:GetMetricData to the credentials',
      );
    }
    return fail(PROBE, pair.label, `GetMetricData failed: ${answerOf(error)}`);
  }
  if (total === 0) {
    return pass(
      PROBE,
      pair.label,
      points === 0
        ? `no ${FAILED_METRIC} reported in the last 24 h (S3 publishes it only when operations fail)`
        : `0 failed replication operations in the last 24 h`,
    );
  }
  const named =
    canary?.replicationStatus === 'FAILED' ? ` (among them this run's canary ${canary.key})` : '';
  return fail(
    PROBE,
    pair.label,
    `${total} failed replication operation(s) in the last 24 h${named}; CloudWatch does not name the objects`,
    `re-replicate every object whose replication FAILED (S3 does not retry them) with S3 Batch Replication, whose completion report names each object: npm run backfill -- --source ${pair.source.name} --destination ${pair.backupBucket} --engine batch --wait (to list them first, from S3 Inventory: npm run verify -- --inventory --source ${pair.source.name} --destination ${pair.backupBucket})`,
  );
}
