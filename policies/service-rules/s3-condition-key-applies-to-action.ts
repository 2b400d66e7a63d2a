import { conditionKeyMatches, expandAction } from '../action-catalog';
import { ServiceRule, Subject, conditionKeysOf, statementName, statementsOf } from './rule';

const BUCKET = 'arn:aws:s3:::example-bastion-prod-assets';

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
    if (subject.kind !== 'bucket-policy') return [];
    const problems: string[] = [];
    statementsOf(subject.json).forEach((s, i) => {
      if (s.Action === undefined) return;
      const actions = s.Action.flatMap((a) => expandAction(a === '*' ? 's3:*' : a));
      for (const key of conditionKeysOf(s)) {
        if (!key.toLowerCase().startsWith('s3:')) continue;
        if (!actions.some((a) => conditionKeyMatches(key, a.conditionKeys))) {
          problems.push(`${statementName(s, i)}: ${key} applies to none of ${s.Action.join(', ')}`);
        }
      }
    });
    return problems;
  },
  examples: {
    compliant: {
      kind: 'bucket-policy',
      where: 'example',
      bucket: 'example-bastion-prod-assets',
      json: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Deny',
            Principal: '*',
            Action: ['s3:PutObject'],
            Resource: [`${BUCKET}/*`],
            Condition: { Null: { 's3:if-none-match': 'true' } },
          },
        ],
      }),
    },
    nonCompliant: {
      kind: 'bucket-policy',
      where: 'example',
      bucket: 'example-bastion-prod-assets',
      json: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Deny',
            Principal: '*',
            Action: ['s3:GetObject'],
            Resource: [`${BUCKET}/*`],
            Condition: { Null: { 's3:if-none-match': 'true' } },
          },
        ],
      }),
    },
  },
};
