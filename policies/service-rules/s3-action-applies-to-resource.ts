import { expandAction, resourceTypePattern } from '../action-catalog';
import {
  bucketPolicyExample,
  denyExample,
  EXAMPLE_BUCKET_ARN,
  ServiceRule,
  Subject,
  statementProblems,
} from './rule';

/**
 * S3 refuses a bucket policy in which a statement lists an action that applies to none of the
 * statement's resources (`MalformedPolicy: Action does not apply to any resource(s) in
 * statement`): `s3:ListBucket` on `bucket/*` only, or `s3:CreateAccessPoint` (an `accesspoint`
 * action) on a bucket. Each action's resource types come from the Service Authorization Reference.
 */
export const s3ActionAppliesToResource: ServiceRule = {
  id: 'S3ActionAppliesToResource',
  summary:
    "S3 refuses a bucket-policy statement with an action that applies to none of the statement's resources",
  page: 'https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazons3.html',
  appliesTo: ['bucket-policy'],
  check(subject: Subject): string[] {
    return statementProblems(subject, ['bucket-policy'], (s) => {
      const resources = s.Resource ?? [];
      if (s.Action === undefined || resources.includes('*')) return [];
      return s.Action.flatMap((action) => {
        const matches = expandAction(action === '*' ? 's3:*' : action);
        const applies = matches.some((a) =>
          a.resourceTypes.some((type) => {
            const pattern = resourceTypePattern(a.action.split(':')[0], type);
            return pattern !== undefined && resources.some((r) => pattern.test(r));
          }),
        );
        const types = [...new Set(matches.flatMap((a) => a.resourceTypes))].join(', ') || 'none';
        return applies
          ? []
          : [`${action} applies to none of ${resources.join(', ')} (its resource types: ${types})`];
      });
    });
  },
  examples: {
    compliant: bucketPolicyExample(
      denyExample(
        ['s3:ListBucket', 's3:GetObject'],
        [EXAMPLE_BUCKET_ARN, `${EXAMPLE_BUCKET_ARN}/*`],
      ),
    ),
    nonCompliant: bucketPolicyExample(
      denyExample(['s3:CreateAccessPoint'], [EXAMPLE_BUCKET_ARN, `${EXAMPLE_BUCKET_ARN}/*`]),
    ),
  },
};
