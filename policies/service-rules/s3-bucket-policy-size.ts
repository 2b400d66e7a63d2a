import { EXAMPLE_BUCKET, EXAMPLE_BUCKET_ARN, Subject } from './rule';
import { policyOfSize, sizeLimitRule } from './size-limit';

const statement = {
  Effect: 'Deny',
  Principal: '*',
  Action: 's3:GetObject',
  Resource: `${EXAMPLE_BUCKET_ARN}/*`,
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
      bucket: EXAMPLE_BUCKET,
      json: policyOfSize(10, statement),
    },
    nonCompliant: {
      kind: 'bucket-policy',
      where: 'example',
      bucket: EXAMPLE_BUCKET,
      json: policyOfSize(200, statement),
    },
  },
});
