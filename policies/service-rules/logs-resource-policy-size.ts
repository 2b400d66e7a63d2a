import { Subject } from './rule';
import { policyOfSize, sizeLimitRule } from './size-limit';

const statement = {
  Effect: 'Allow',
  Principal: { Service: 'events.amazonaws.com' },
  Action: 'logs:PutLogEvents',
  Resource: 'arn:aws:logs:us-west-2:222222222222:log-group:/aws/events/x:*',
};

/** PutResourcePolicy: "policyDocument ... Maximum length of 5120". */
export const logsResourcePolicySize = sizeLimitRule({
  id: 'LogsResourcePolicySize',
  summary: 'CloudWatch Logs refuses a resource policy longer than 5,120 characters',
  page: 'https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutResourcePolicy.html',
  kind: 'log-resource-policy',
  limit: 5120,
  measure: 'bytes',
  texts: (subject: Subject) => (subject.kind === 'log-resource-policy' ? [subject.json] : []),
  examples: {
    compliant: { kind: 'log-resource-policy', where: 'example', json: policyOfSize(5, statement) },
    nonCompliant: {
      kind: 'log-resource-policy',
      where: 'example',
      json: policyOfSize(40, statement),
    },
  },
});
