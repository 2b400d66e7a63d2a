import { Subject } from './rule';
import { policyOfSize, sizeLimitRule } from './size-limit';

const statement = {
  Effect: 'Allow',
  Principal: { Service: 's3.amazonaws.com' },
  Action: 'sts:AssumeRole',
};

/** "Role trust policy length: 2,048 characters" (the default quota; IAM ignores whitespace). */
export const iamTrustPolicySize = sizeLimitRule({
  id: 'IamTrustPolicySize',
  summary: 'IAM refuses a role trust policy longer than 2,048 characters (whitespace not counted)',
  page: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html',
  kind: 'trust-policy',
  limit: 2048,
  measure: 'characters',
  texts: (subject: Subject) => (subject.kind === 'trust-policy' ? [subject.json] : []),
  examples: {
    compliant: {
      kind: 'trust-policy',
      where: 'example',
      role: 'r',
      json: policyOfSize(5, statement),
    },
    nonCompliant: {
      kind: 'trust-policy',
      where: 'example',
      role: 'r',
      json: policyOfSize(40, statement),
    },
  },
});
