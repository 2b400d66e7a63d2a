/**
 * "Service rules": what the AWS service that stores a document checks when it is written, and
 * what CloudWatch really emits. `terraform validate`, an offline plan and an IAM evaluator accept
 * documents that S3, IAM or KMS refuse at apply time, and alarms on metrics that never exist. One
 * rule per file in this folder, each with the AWS page that documents it and a compliant and a
 * non-compliant example (the tests run both).
 */

/** A bucket policy, as PutBucketPolicy receives it. */
export interface BucketPolicySubject {
  readonly kind: 'bucket-policy';
  /** Where it comes from, for the finding: `<stack> <terraform address>`. */
  readonly where: string;
  readonly bucket: string;
  readonly json: string;
}

/** A role's trust policy, as CreateRole / UpdateAssumeRolePolicy receive it. */
export interface TrustPolicySubject {
  readonly kind: 'trust-policy';
  readonly where: string;
  readonly role: string;
  readonly json: string;
}

/** Every inline policy of one role (IAM limits their total). */
export interface RoleInlinePoliciesSubject {
  readonly kind: 'role-inline-policies';
  readonly where: string;
  readonly role: string;
  readonly policies: readonly string[];
}

/** A KMS key policy, as CreateKey / PutKeyPolicy receive it. */
export interface KeyPolicySubject {
  readonly kind: 'key-policy';
  readonly where: string;
  readonly json: string;
}

/** A CloudWatch Logs resource policy, as PutResourcePolicy receives it. */
export interface LogResourcePolicySubject {
  readonly kind: 'log-resource-policy';
  readonly where: string;
  readonly json: string;
}

/** A metric an alarm reads: namespace, name, and the names of its dimensions. */
export interface AlarmMetric {
  readonly namespace: string;
  readonly metricName: string;
  readonly dimensions: readonly string[];
}

/** A CloudWatch alarm and every metric it reads (one, or several through metric math). */
export interface AlarmSubject {
  readonly kind: 'alarm';
  readonly where: string;
  readonly metrics: readonly AlarmMetric[];
}

export type Subject =
  | BucketPolicySubject
  | TrustPolicySubject
  | RoleInlinePoliciesSubject
  | KeyPolicySubject
  | LogResourcePolicySubject
  | AlarmSubject;

export type SubjectKind = Subject['kind'];

export interface ServiceRule {
  /** Stable id, used in findings and in the review report. */
  readonly id: string;
  /** What the service refuses (or never emits), in one sentence. */
  readonly summary: string;
  /** The AWS page that documents it. */
  readonly page: string;
  readonly appliesTo: readonly SubjectKind[];
  /** Every problem of the subject under this rule; empty when it complies. */
  check(subject: Subject): readonly string[];
  /** Examples the tests run: the first yields no problem, the second at least one. */
  readonly examples: { readonly compliant: Subject; readonly nonCompliant: Subject };
}

/** One broken rule, where. */
export interface ServiceRuleFinding {
  readonly rule: string;
  readonly where: string;
  readonly problem: string;
}

/** A statement as stored, with the single-string forms of the grammar widened to lists. */
export interface StoredStatement {
  readonly Sid?: string;
  readonly Effect: string;
  readonly Principal?: '*' | Readonly<Record<string, string | readonly string[]>>;
  readonly Action: readonly string[] | undefined;
  readonly NotAction: readonly string[] | undefined;
  readonly Resource: readonly string[] | undefined;
  readonly NotResource: readonly string[] | undefined;
  readonly Condition: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
}

const list = (value: unknown): readonly string[] | undefined =>
  value === undefined ? undefined : ([value].flat() as string[]);

/** The statements of a policy's JSON, in the grammar's list form. */
export function statementsOf(json: string): StoredStatement[] {
  const document = JSON.parse(json) as { Statement: unknown };
  return ([document.Statement].flat() as Record<string, unknown>[]).map((s) => ({
    Sid: s.Sid as string | undefined,
    Effect: s.Effect as string,
    Principal: s.Principal as StoredStatement['Principal'],
    Action: list(s.Action),
    NotAction: list(s.NotAction),
    Resource: list(s.Resource),
    NotResource: list(s.NotResource),
    Condition: (s.Condition ?? {}) as StoredStatement['Condition'],
  }));
}

/** `statement 'Sid'` (or its position), for findings. */
export function statementName(statement: StoredStatement, index: number): string {
  return statement.Sid ? `statement '${statement.Sid}'` : `statement #${index + 1}`;
}

/**
 * The problems of each statement of a policy subject of `kind` (none for other subjects), each
 * prefixed with the statement's name.
 */
export function statementProblems(
  subject: Subject,
  kinds: readonly SubjectKind[],
  check: (statement: StoredStatement, subject: Subject & { json: string }) => string[],
): string[] {
  if (!kinds.includes(subject.kind) || !('json' in subject)) return [];
  return statementsOf(subject.json).flatMap((statement, i) =>
    check(statement, subject).map((problem) => `${statementName(statement, i)}: ${problem}`),
  );
}

/** Every condition key a statement tests, across operators. */
export function conditionKeysOf(statement: StoredStatement): string[] {
  return Object.values(statement.Condition).flatMap((block) => Object.keys(block));
}

/** The policy text without insignificant whitespace: IAM does not count whitespace. */
export function withoutWhitespace(json: string): string {
  return JSON.stringify(JSON.parse(json));
}

/** The bucket the rules' examples are about. */
export const EXAMPLE_BUCKET = 'example-bastion-prod-assets';
export const EXAMPLE_BUCKET_ARN = `arn:aws:s3:::${EXAMPLE_BUCKET}`;

/** A bucket policy of `statements` for EXAMPLE_BUCKET: the rules' examples. */
export function bucketPolicyExample(...statements: Record<string, unknown>[]): BucketPolicySubject {
  return {
    kind: 'bucket-policy',
    where: 'example',
    bucket: EXAMPLE_BUCKET,
    json: JSON.stringify({ Version: '2012-10-17', Statement: statements }),
  };
}

/** A Deny to everyone of `Action` on `Resource`, with an optional condition: examples. */
export function denyExample(
  Action: string | string[],
  Resource: string | string[],
  Condition?: Record<string, unknown>,
): Record<string, unknown> {
  return { Effect: 'Deny', Principal: '*', Action, Resource, ...(Condition ? { Condition } : {}) };
}
