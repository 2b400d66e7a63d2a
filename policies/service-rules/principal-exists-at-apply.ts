import { ServiceRule, Subject, conditionKeysOf, statementName, statementsOf } from './rule';

const ACCOUNT_ROOT = /^arn:[a-z-]+:iam::\d{12}:root$/;
const SERVICE_PRINCIPAL = /^[a-z0-9][a-z0-9.-]*\.amazonaws\.com(\.cn)?$/;

/**
 * IAM, S3 and KMS resolve every principal of a trust, bucket or key policy when the policy is
 * written, and refuse one that does not exist (`MalformedPolicyDocument: Invalid principal in
 * policy`); a principal deleted later leaves its unique id behind, so a re-created role is not
 * trusted again. The only principals that exist at apply time whatever else is deployed are
 * accounts (named by their root, with an `aws:PrincipalArn` condition naming the role or user
 * when the statement allows) and AWS service principals.
 */
export const principalExistsAtApply: ServiceRule = {
  id: 'PrincipalExistsAtApply',
  summary:
    'IAM, S3 and KMS refuse a policy naming a principal that does not exist when it is written',
  page: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html',
  appliesTo: ['bucket-policy', 'trust-policy', 'key-policy'],
  check(subject: Subject): string[] {
    if (!('json' in subject)) return [];
    const problems: string[] = [];
    statementsOf(subject.json).forEach((s, i) => {
      const at = statementName(s, i);
      if (s.Principal === undefined || s.Principal === '*') return;
      const namesPrincipalArn = conditionKeysOf(s).some(
        (k) => k.toLowerCase() === 'aws:principalarn',
      );
      for (const [type, values] of Object.entries(s.Principal)) {
        for (const value of [values].flat()) {
          if (type === 'Service') {
            if (!SERVICE_PRINCIPAL.test(value)) {
              problems.push(`${at}: '${value}' is not an AWS service principal`);
            }
          } else if (type === 'AWS') {
            if (value === '*') continue;
            if (!ACCOUNT_ROOT.test(value)) {
              problems.push(
                `${at}: '${value}' must exist when the policy is written: name its account ` +
                  `(arn:...:iam::<account>:root) and match it with an aws:PrincipalArn condition`,
              );
            } else if (s.Effect === 'Allow' && !namesPrincipalArn) {
              problems.push(
                `${at}: an Allow to the account '${value}' needs an aws:PrincipalArn condition naming the principal`,
              );
            }
          } else {
            problems.push(`${at}: principal type '${type}' is not used by this project`);
          }
        }
      }
    });
    return problems;
  },
  examples: {
    compliant: {
      kind: 'trust-policy',
      where: 'example',
      role: 'backfill',
      json: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: { AWS: 'arn:aws:iam::111111111111:root' },
            Action: 'sts:AssumeRole',
            Condition: {
              ArnEquals: { 'aws:PrincipalArn': 'arn:aws:iam::111111111111:role/operator' },
            },
          },
        ],
      }),
    },
    nonCompliant: {
      kind: 'trust-policy',
      where: 'example',
      role: 'backfill',
      json: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: { AWS: 'arn:aws:iam::111111111111:role/operator' },
            Action: 'sts:AssumeRole',
          },
        ],
      }),
    },
  },
};
