import { ServiceRule, Subject, statementName, statementsOf } from './rule';

const BUCKET = 'arn:aws:s3:::example-bastion-prod-assets';

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
    if (subject.kind !== 'bucket-policy') return [];
    const problems: string[] = [];
    const inBucket = (arn: string) => {
      const match = /^arn:[a-z-]+:s3:::([^/]+)(\/.*)?$/.exec(arn);
      return match !== null && match[1] === subject.bucket;
    };
    statementsOf(subject.json).forEach((s, i) => {
      for (const resource of [...(s.Resource ?? []), ...(s.NotResource ?? [])]) {
        if (!inBucket(resource)) {
          problems.push(
            `${statementName(s, i)}: ${resource} is not ${subject.bucket} or one of its objects`,
          );
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
          { Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: [BUCKET, `${BUCKET}/*`] },
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
            Action: 's3:*',
            Resource: [BUCKET, 'arn:aws:s3:::example-bastion-prod-ledger/*'],
          },
        ],
      }),
    },
  },
};
