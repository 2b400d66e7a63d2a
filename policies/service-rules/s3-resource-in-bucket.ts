import {
  bucketPolicyExample,
  denyExample,
  EXAMPLE_BUCKET_ARN,
  ServiceRule,
  Subject,
  statementProblems,
} from './rule';

/**
 * A bucket policy governs its own bucket and objects only: S3 refuses any other Resource
 * (`MalformedPolicy: Policy has invalid resource`).
 */
export const s3ResourceInBucket: ServiceRule = {
  id: 'S3ResourceInBucket',
  summary: 'S3 refuses a bucket policy whose Resource is not that bucket or its objects',
  page: 'https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucket-policies.html',
  appliesTo: ['bucket-policy'],
  check(subject: Subject): string[] {
    const bucket = subject.kind === 'bucket-policy' ? subject.bucket : '';
    const inBucket = (arn: string) => /^arn:[a-z-]+:s3:::([^/]+)(\/.*)?$/.exec(arn)?.[1] === bucket;
    return statementProblems(subject, ['bucket-policy'], (s) =>
      [...(s.Resource ?? []), ...(s.NotResource ?? [])]
        .filter((resource) => !inBucket(resource))
        .map((resource) => `${resource} is not ${bucket} or one of its objects`),
    );
  },
  examples: {
    compliant: bucketPolicyExample(
      denyExample('s3:*', [EXAMPLE_BUCKET_ARN, `${EXAMPLE_BUCKET_ARN}/*`]),
    ),
    nonCompliant: bucketPolicyExample(
      denyExample('s3:*', [EXAMPLE_BUCKET_ARN, 'arn:aws:s3:::example-bastion-prod-ledger/*']),
    ),
  },
};
