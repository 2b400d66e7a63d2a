import { BastionConfig } from '../config';
import { partitionOf } from './arns';
import { PolicyDocument, policyDocument } from './document';

/** Prefix of the names of the EventBridge rules that the alerts create. */
export const EVENT_RULE_NAME_PREFIX = 'bastion-';

/**
 * The resource policy that lets EventBridge write the alert rules' events into their CloudWatch
 * Logs group: EventBridge uses no role for a Logs target, only this policy. Limited to the rules
 * of this account and region.
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-resource-based.html#eb-cloudwatchlogs-permissions
 */
export function eventLogGroupPolicy(
  config: BastionConfig,
  region: string,
  logGroupName: string,
): PolicyDocument {
  const partition = partitionOf(config);
  const account = config.backup.accountId;
  return policyDocument({ name: `event-log-group-policy:${region}`, kind: 'resource', partition }, [
    {
      Sid: 'AllowAlertRulesToWriteEvents',
      Effect: 'Allow',
      Principal: { Service: ['events.amazonaws.com', 'delivery.logs.amazonaws.com'] },
      Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      Resource: [`arn:${partition}:logs:${region}:${account}:log-group:${logGroupName}:*`],
      Condition: {
        ArnLike: {
          'aws:SourceArn': `arn:${partition}:events:${region}:${account}:rule/${EVENT_RULE_NAME_PREFIX}*`,
        },
      },
    },
  ]);
}
