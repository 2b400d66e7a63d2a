import { documentSizeRule } from './size-limit';

/** PutResourcePolicy: "policyDocument ... Maximum length of 5120". */
export const logsResourcePolicySize = documentSizeRule({
  id: 'LogsResourcePolicySize',
  summary: 'CloudWatch Logs refuses a resource policy longer than 5,120 characters',
  page: 'https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutResourcePolicy.html',
  kind: 'log-resource-policy',
  limit: 5120,
  statement: {
    Effect: 'Allow',
    Principal: { Service: 'events.amazonaws.com' },
    Action: 'logs:PutLogEvents',
    Resource: 'arn:aws:logs:us-west-2:222222222222:log-group:/aws/events/x:*',
  },
  exampleStatements: { compliant: 5, nonCompliant: 40 },
});
