import { conditionKeyMatches, expandAction } from '../action-catalog';
import {
  bucketPolicyExample,
  conditionKeysOf,
  denyExample,
  EXAMPLE_BUCKET_ARN,
  ServiceRule,
  Subject,
  statementProblems,
} from './rule';

/**
 * S3 refuses a bucket-policy statement whose `s3:` condition key applies to none of its actions
 * (`MalformedPolicy: Conditions do not apply to combination of actions and resources in
 * statement`). The keys of each action (and of its resource types) come from the Service
 * Authorization Reference; global `aws:` keys apply to every action.
 */
export const s3ConditionKeyAppliesToAction: ServiceRule = {
  id: 'S3ConditionKeyAppliesToAction',
  summary:
    'S3 refuses a bucket-policy statement with an s3: condition key that none of its actions has',
  page: 'https://docs.aws.amazon.com/AmazonS3/latest/userguide/amazon-s3-policy-keys.html',
  appliesTo: ['bucket-policy'],
  check(subject: Subject): string[] {
    return statementProblems(subject, ['bucket-policy'], (s) => {
      if (s.Action === undefined) return [];
      const actions = s.Action.flatMap((a) => expandAction(a === '*' ? 's3:*' : a));
      return conditionKeysOf(s)
        .filter((key) => key.toLowerCase().startsWith('s3:'))
        .filter((key) => !actions.some((a) => conditionKeyMatches(key, a.conditionKeys)))
        .map((key) => `${key} applies to none of ${s.Action!.join(', ')}`);
    });
  },
  examples: {
    compliant: bucketPolicyExample(
      denyExample('s3:PutObject', `${EXAMPLE_BUCKET_ARN}/*`, {
        Null: { 's3:if-none-match': 'true' },
      }),
    ),
    nonCompliant: bucketPolicyExample(
      denyExample('s3:GetObject', `${EXAMPLE_BUCKET_ARN}/*`, {
        Null: { 's3:if-none-match': 'true' },
      }),
    ),
  },
};
