import { DescribeAlarmsCommand, type MetricAlarm } from '@aws-sdk/client-cloudwatch';
import { ListSubscriptionsByTopicCommand, type Subscription } from '@aws-sdk/client-sns';
import { type CheckContext, answerOf, isAccessDenied } from '../context';
import type { AlarmExpectation } from '../expectations';
import { type ProbeResult, fail, pass, skip } from '../probe';

const PROBE = 'alarms-reach-a-person';

/** A subscription that has not been confirmed yet shows this instead of an ARN. */
const PENDING = 'PendingConfirmation';

/** Subscriptions per topic ARN, read once per run: many alarms share a topic. */
export type TopicCache = Map<string, Promise<Subscription[]>>;

/**
 * ListSubscriptionsByTopic, every page (100 per page). An unconfirmed subscription's
 * SubscriptionArn is "PendingConfirmation":
 * https://docs.aws.amazon.com/sns/latest/api/API_ListSubscriptionsByTopic.html
 */
function subscriptionsOf(
  context: CheckContext,
  alarm: AlarmExpectation,
  topicArn: string,
  cache: TopicCache,
): Promise<Subscription[]> {
  let pending = cache.get(topicArn);
  if (pending === undefined) {
    pending = (async () => {
      const sns = context.session.sns(alarm.account, alarm.region);
      const all: Subscription[] = [];
      let token: string | undefined;
      do {
        const page = await sns.send(
          new ListSubscriptionsByTopicCommand({ TopicArn: topicArn, NextToken: token }),
        );
        all.push(...(page.Subscriptions ?? []));
        token = page.NextToken;
      } while (token !== undefined);
      return all;
    })();
    cache.set(topicArn, pending);
  }
  return pending;
}

/**
 * The alarm exists (DescribeAlarms by name:
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_DescribeAlarms.html), has
 * its actions enabled, notifies the declared topics, and each topic has a confirmed subscriber.
 */
export async function probeAlarm(
  context: CheckContext,
  alarm: AlarmExpectation,
  cache: TopicCache,
): Promise<ProbeResult> {
  const target = `${alarm.alarmName} (${alarm.account} ${alarm.region})`;
  if (alarm.account === 'backup' && !context.session.hasBackupCredentials) {
    return skip(
      PROBE,
      target,
      'the alarm lives in the backup account: needs backup-account credentials',
      'pass --backup-profile or --backup-role-arn',
    );
  }
  let found: MetricAlarm | undefined;
  try {
    const page = await context.session
      .cloudwatch(alarm.account, alarm.region)
      .send(new DescribeAlarmsCommand({ AlarmNames: [alarm.alarmName] }));
    found = (page.MetricAlarms ?? []).find((a) => a.AlarmName === alarm.alarmName);
  } catch (error) {
    if (isAccessDenied(error)) {
      return skip(
        PROBE,
        target,
        `no permission to read alarms (${answerOf(error)})`,
        'grant cloudwatch:DescribeAlarms and sns:ListSubscriptionsByTopic to the credentials',
      );
    }
    return fail(PROBE, target, `DescribeAlarms failed: ${answerOf(error)}`);
  }
  if (found === undefined) {
    return fail(
      PROBE,
      target,
      `the alarm does not exist in ${alarm.region} of account ${alarm.accountId}`,
      `deploy the ${alarm.stack} stack`,
    );
  }
  if (found.ActionsEnabled === false) {
    return fail(
      PROBE,
      target,
      'the alarm has its actions disabled: it notifies nobody',
      `aws cloudwatch enable-alarm-actions --alarm-names ${alarm.alarmName} --region ${alarm.region}`,
    );
  }
  const actions = new Set(found.AlarmActions ?? []);
  const missing = alarm.topicArns.filter((arn) => !actions.has(arn));
  if (missing.length > 0 || alarm.topicArns.length === 0) {
    return fail(
      PROBE,
      target,
      alarm.topicArns.length === 0
        ? 'the stack declares no SNS topic for this alarm'
        : `the alarm does not notify ${missing.join(', ')}`,
      `redeploy the ${alarm.stack} stack`,
    );
  }
  const problems: string[] = [];
  const fixes: string[] = [];
  const confirmedPerTopic: string[] = [];
  for (const topicArn of alarm.topicArns) {
    let subscriptions: Subscription[];
    try {
      subscriptions = await subscriptionsOf(context, alarm, topicArn, cache);
    } catch (error) {
      if (isAccessDenied(error)) {
        return skip(
          PROBE,
          target,
          `no permission to list the subscriptions of ${topicArn} (${answerOf(error)})`,
          'grant sns:ListSubscriptionsByTopic to the credentials',
        );
      }
      problems.push(`cannot list the subscriptions of ${topicArn}: ${answerOf(error)}`);
      continue;
    }
    const confirmed = subscriptions.filter(
      (s) => s.SubscriptionArn !== undefined && s.SubscriptionArn.startsWith('arn:'),
    );
    const pending = subscriptions.filter((s) => s.SubscriptionArn === PENDING);
    if (confirmed.length > 0) {
      confirmedPerTopic.push(
        `${topicArn}: ${confirmed.map((s) => `${s.Protocol} ${s.Endpoint}`).join(', ')}`,
      );
      continue;
    }
    if (pending.length > 0) {
      const endpoints = pending.map((s) => `${s.Protocol} ${s.Endpoint}`).join(', ');
      problems.push(`${topicArn} has only unconfirmed subscriptions (${endpoints})`);
      fixes.push(
        `each recipient must click the link in the "AWS Notification - Subscription Confirmation" email; to send it again: aws sns subscribe --topic-arn ${topicArn} --protocol email --notification-endpoint <address> --region ${alarm.region}`,
      );
    } else {
      problems.push(`${topicArn} has no subscription at all`);
      fixes.push(
        `subscribe on-call to ${topicArn} (alerts.emailAddresses in the config, or a pager / chat integration)`,
      );
    }
  }
  if (problems.length > 0) return fail(PROBE, target, problems.join('; '), fixes.join('; '));
  return pass(
    PROBE,
    target,
    `state ${found.StateValue ?? 'unknown'}, notifies ${confirmedPerTopic.join('; ')}`,
  );
}
