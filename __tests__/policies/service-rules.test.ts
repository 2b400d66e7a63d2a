import {
  DOCUMENTED_METRICS,
  SERVICE_RULES,
  Subject,
  checkServiceRules,
} from '../../policies/service-rules';
import { SynthesizedStack } from '../../terraform/synthesized';
import { serviceRuleSubjectsOf } from '../../terraform/service-rule-subjects';
import { CONFIG_SHAPES, synthesizedShape } from '../support/config-shapes';

/**
 * What S3, IAM, KMS and CloudWatch check when a document is written (or what they publish),
 * applied to everything the stacks synthesize. Each rule also runs on its own compliant and
 * non-compliant example, and on a synthesized document broken the way the code once was.
 */
describe.each(SERVICE_RULES.map((rule) => [rule.id, rule] as const))(
  'service rule %s',
  (_id, rule) => {
    it('cites the AWS page that documents it', () => {
      expect(rule.page).toMatch(/^https:\/\/docs\.aws\.amazon\.com\//);
    });

    it('accepts its compliant example and finds a problem in its non-compliant one', () => {
      expect(rule.check(rule.examples.compliant)).toEqual([]);
      expect(rule.check(rule.examples.nonCompliant).length).toBeGreaterThan(0);
      expect(rule.appliesTo).toContain(rule.examples.nonCompliant.kind);
    });
  },
);

describe('the table of documented metrics', () => {
  it('gives an AWS page for every row', () => {
    for (const row of DOCUMENTED_METRICS)
      expect(row.page).toMatch(/^https:\/\/docs\.aws\.amazon\.com\//);
  });
});

describe.each(Object.keys(CONFIG_SHAPES))('the %s config shape, as synthesized', (shape) => {
  const subjects = () => synthesizedShape(shape).flatMap(serviceRuleSubjectsOf);

  it('passes every service rule', () => {
    expect(checkServiceRules(subjects())).toEqual([]);
  });

  it('gives every rule something to check', () => {
    const kinds = new Set(subjects().map((s) => s.kind));
    const expected = [
      'bucket-policy',
      'trust-policy',
      'role-inline-policies',
      'log-resource-policy',
      'alarm',
    ];
    if (shape !== 'no-sse-kms') expected.push('key-policy');
    expect([...kinds].sort()).toEqual(expected.sort());
  });
});

/** The example's synthesized subjects with one of them edited. */
function brokenExample(kind: Subject['kind'], edit: (subject: Subject) => Subject): Subject[] {
  let edited = false;
  return synthesizedShape('example')
    .flatMap((stack: SynthesizedStack) => serviceRuleSubjectsOf(stack))
    .map((s) => {
      if (edited || s.kind !== kind) return s;
      edited = true;
      return edit(s);
    });
}

function editJson(
  subject: Subject,
  edit: (document: { Statement: Record<string, unknown>[] }) => void,
): Subject {
  if (!('json' in subject)) throw new Error(`${subject.kind} has no JSON`);
  const document = JSON.parse(subject.json) as { Statement: Record<string, unknown>[] };
  edit(document);
  return { ...subject, json: JSON.stringify(document, null, 2) };
}

const rulesOf = (subjects: Subject[]) => [
  ...new Set(checkServiceRules(subjects).map((f) => f.rule)),
];

describe('a synthesized document broken as the code once had it fails its rule', () => {
  it('s3:CreateAccessPoint (an access point action) in a Deny on the bucket: S3ActionAppliesToResource', () => {
    const broken = brokenExample('bucket-policy', (s) =>
      editJson(s, (d) => {
        d.Statement.push({
          Sid: 'DenyDestructiveActionsOutsideBackupAccount',
          Effect: 'Deny',
          Principal: '*',
          Action: ['s3:DeleteObject', 's3:CreateAccessPoint'],
          Resource: (d.Statement[1] as { Resource: string[] }).Resource,
        });
      }),
    );
    expect(rulesOf(broken)).toEqual(['S3ActionAppliesToResource']);
  });

  it('an s3:x-amz-acl condition on s3:GetBucketVersioning: S3ConditionKeyAppliesToAction', () => {
    const broken = brokenExample('bucket-policy', (s) =>
      editJson(s, (d) => {
        const grant = d.Statement.find(
          (st) => st.Sid === 'AllowReplicationRoleReadBucketVersioning',
        )!;
        grant.Condition = {
          ...(grant.Condition as object),
          StringEquals: { 's3:x-amz-acl': 'private' },
        };
      }),
    );
    expect(rulesOf(broken)).toEqual(['S3ConditionKeyAppliesToAction']);
  });

  it("another bucket's objects in a bucket policy: S3ResourceInBucket", () => {
    const broken = brokenExample('bucket-policy', (s) =>
      editJson(s, (d) => {
        (d.Statement[0] as { Resource: string[] }).Resource.push('arn:aws:s3:::someone-else/*');
      }),
    );
    expect(rulesOf(broken)).toEqual(['S3ResourceInBucket']);
  });

  it('a bucket policy over 20 KB: S3BucketPolicySize', () => {
    const broken = brokenExample('bucket-policy', (s) =>
      editJson(s, (d) => {
        for (let i = 0; i < 60; i++) d.Statement.push({ ...d.Statement[0], Sid: `Copy${i}` });
      }),
    );
    expect(rulesOf(broken)).toEqual(['S3BucketPolicySize']);
  });

  it('the backfill trust naming a role ARN as Principal: PrincipalExistsAtApply', () => {
    const broken = synthesizedShape('example')
      .flatMap(serviceRuleSubjectsOf)
      .map((s) =>
        s.kind === 'trust-policy' && s.role === 's3-bastion-backfill'
          ? editJson(s, (d) => {
              d.Statement[0].Principal = {
                AWS: ['arn:aws:iam::111111111111:role/platform-backfill-operator'],
              };
              delete d.Statement[0].Condition;
            })
          : s,
      );
    expect(rulesOf(broken)).toEqual(['PrincipalExistsAtApply']);
  });

  it('a trust policy over 2,048 characters: IamTrustPolicySize', () => {
    const broken = brokenExample('trust-policy', (s) =>
      editJson(s, (d) => {
        for (let i = 0; i < 20; i++) d.Statement.push({ ...d.Statement[0], Sid: `Copy${i}` });
      }),
    );
    expect(rulesOf(broken)).toEqual(['IamTrustPolicySize']);
  });

  it("a role's inline policies over 10,240 characters together: IamInlinePoliciesSize", () => {
    const broken = brokenExample('role-inline-policies', (s) =>
      s.kind === 'role-inline-policies'
        ? { ...s, policies: [...s.policies, ...Array.from({ length: 12 }, () => s.policies[0])] }
        : s,
    );
    expect(rulesOf(broken)).toEqual(['IamInlinePoliciesSize']);
  });

  it('a key policy over 32 KB: KmsKeyPolicySize', () => {
    const broken = brokenExample('key-policy', (s) =>
      editJson(s, (d) => {
        for (let i = 0; i < 80; i++) d.Statement.push({ ...d.Statement[1], Sid: `Copy${i}` });
      }),
    );
    expect(rulesOf(broken)).toEqual(['KmsKeyPolicySize']);
  });

  it('the delete-marker alarm on MatchedEvents by RuleName: AlarmMetricDocumented', () => {
    const broken = brokenExample('alarm', (s) =>
      s.kind === 'alarm'
        ? {
            ...s,
            metrics: [
              { namespace: 'AWS/Events', metricName: 'MatchedEvents', dimensions: ['RuleName'] },
            ],
          }
        : s,
    );
    expect(rulesOf(broken)).toEqual(['AlarmMetricDocumented']);
  });
});
