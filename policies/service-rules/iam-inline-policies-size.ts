import { Subject } from './rule';
import { policyOfSize, sizeLimitRule } from './size-limit';

const statement = { Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' };

/** "Role policy size: 10,240 characters" for all inline policies of a role together. */
export const iamInlinePoliciesSize = sizeLimitRule({
  id: 'IamInlinePoliciesSize',
  summary:
    "IAM refuses a role's inline policies longer than 10,240 characters together (whitespace not counted)",
  page: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html',
  kind: 'role-inline-policies',
  limit: 10240,
  measure: 'characters',
  texts: (subject: Subject) => (subject.kind === 'role-inline-policies' ? subject.policies : []),
  examples: {
    compliant: {
      kind: 'role-inline-policies',
      where: 'example',
      role: 'r',
      policies: [policyOfSize(20, statement), policyOfSize(20, statement)],
    },
    nonCompliant: {
      kind: 'role-inline-policies',
      where: 'example',
      role: 'r',
      // Each under the quota, together over it.
      policies: [policyOfSize(70, statement), policyOfSize(70, statement)],
    },
  },
});
