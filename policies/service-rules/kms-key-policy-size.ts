import { Subject } from './rule';
import { policyOfSize, sizeLimitRule } from './size-limit';

const statement = {
  Effect: 'Allow',
  Principal: { AWS: 'arn:aws:iam::222222222222:root' },
  Action: 'kms:*',
  Resource: '*',
};

/** "Key policy document size: 32 KB (32,768 bytes)". */
export const kmsKeyPolicySize = sizeLimitRule({
  id: 'KmsKeyPolicySize',
  summary: 'KMS refuses a key policy larger than 32 KB',
  page: 'https://docs.aws.amazon.com/kms/latest/developerguide/resource-limits.html',
  kind: 'key-policy',
  limit: 32 * 1024,
  measure: 'bytes',
  texts: (subject: Subject) => (subject.kind === 'key-policy' ? [subject.json] : []),
  examples: {
    compliant: { kind: 'key-policy', where: 'example', json: policyOfSize(10, statement) },
    nonCompliant: { kind: 'key-policy', where: 'example', json: policyOfSize(300, statement) },
  },
});
