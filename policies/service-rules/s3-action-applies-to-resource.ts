import { expandAction, resourceTypePattern } from '../action-catalog';
import { ServiceRule, Subject, statementName, statementsOf } from './rule';

const BUCKET = 'arn:aws:s3:::example-bastion-prod-assets';

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
    if (subject.kind !== 'bucket-policy') return [];
    const problems: string[] = [];
    statementsOf(subject.json).forEach((s, i) => {
      const resources = s.Resource ?? [];
      if (s.Action === undefined || resources.includes('*')) return;
      for (const action of s.Action) {
        const matches = action === '*' ? expandAction('s3:*') : expandAction(action);
        const applies = matches.some((a) =>
          a.resourceTypes.some((type) => {
            const pattern = resourceTypePattern(a.action.split(':')[0], type);
            return pattern !== undefined && resources.some((r) => pattern.test(r));
          }),
        );
        if (!applies) {
          problems.push(
            `${statementName(s, i)}: ${action} applies to none of ${resources.join(', ')} ` +
              `(its resource types: ${[...new Set(matches.flatMap((a) => a.resourceTypes))].join(', ') || 'none'})`,
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
          {
            Effect: 'Deny',
            Principal: '*',
            Action: ['s3:ListBucket', 's3:GetObject'],
            Resource: [BUCKET, `${BUCKET}/*`],
          },
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
            Action: ['s3:CreateAccessPoint'],
            Resource: [BUCKET, `${BUCKET}/*`],
          },
        ],
      }),
    },
  },
};
