import { Subject } from './rule';
import { policyOfSize, sizeLimitRule } from './size-limit';

const BUCKET = 'arn:aws:s3:::example-bastion-prod-assets';
const statement = {
  Effect: 'Deny',
  Principal: '*',
  Action: 's3:GetObject',
  Resource: `${BUCKET}/*`,
};

/** "Bucket policies are limited to 20 KB in size." */
export const s3BucketPolicySize = sizeLimitRule({
  id: 'S3BucketPolicySize',
  summary: 'S3 refuses a bucket policy larger than 20 KB',
  page: 'https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucket-policies.html',
  kind: 'bucket-policy',
  limit: 20 * 1024,
  measure: 'bytes',
  texts: (subject: Subject) => (subject.kind === 'bucket-policy' ? [subject.json] : []),
  examples: {
    compliant: {
      kind: 'bucket-policy',
      where: 'example',
      bucket: 'example-bastion-prod-assets',
      json: policyOfSize(10, statement),
    },
    nonCompliant: {
      kind: 'bucket-policy',
      where: 'example',
      bucket: 'example-bastion-prod-assets',
      json: policyOfSize(200, statement),
    },
  },
});
