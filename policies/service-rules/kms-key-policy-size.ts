import { documentSizeRule } from './size-limit';

/** "Key policy document size: 32 KB (32,768 bytes)". */
export const kmsKeyPolicySize = documentSizeRule({
  id: 'KmsKeyPolicySize',
  summary: 'KMS refuses a key policy larger than 32 KB',
  page: 'https://docs.aws.amazon.com/kms/latest/developerguide/resource-limits.html',
  kind: 'key-policy',
  limit: 32 * 1024,
  statement: {
    Effect: 'Allow',
    Principal: { AWS: 'arn:aws:iam::222222222222:root' },
    Action: 'kms:*',
    Resource: '*',
  },
  exampleStatements: { compliant: 10, nonCompliant: 300 },
});
