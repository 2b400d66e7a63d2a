import { ServiceRule, Subject, conditionKeysOf, statementProblems } from './rule';

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
  appliesTo: ['bucket-policy', 'trust-policy', 'key-policy', 'log-resource-policy'],
  check(subject: Subject): string[] {
    return statementProblems(subject, principalExistsAtApply.appliesTo, (s) => {
      if (s.Principal === undefined || s.Principal === '*') return [];
      const namesPrincipalArn = conditionKeysOf(s).some(
        (k) => k.toLowerCase() === 'aws:principalarn',
      );
      return Object.entries(s.Principal).flatMap(([type, values]) =>
        [values].flat().flatMap((value): string[] => {
          if (type === 'Service') {
            return SERVICE_PRINCIPAL.test(value)
              ? []
              : [`'${value}' is not an AWS service principal`];
          }
          if (type !== 'AWS') return [`principal type '${type}' is not used by this project`];
          if (value === '*') return [];
          if (!ACCOUNT_ROOT.test(value)) {
            return [
              `'${value}' must exist when the policy is written: name its account ` +
                `(arn:...:iam::<account>:root) and match it with an aws:PrincipalArn condition`,
            ];
          }
          return s.Effect === 'Allow' && !namesPrincipalArn
            ? [
                `an Allow to the account '${value}' needs an aws:PrincipalArn condition naming the principal`,
              ]
            : [];
        }),
      );
    });
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
