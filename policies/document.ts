import { isKnownAction } from './action-catalog';

/**
 * A typed IAM policy document, checked when it is built so that a policy that would be rejected
 * by IAM, or that could be misread by a reviewer or an evaluator, never reaches Terraform.
 */

export type Effect = 'Allow' | 'Deny';

/** The condition operators this project uses; extend deliberately, each is reviewed. */
export type ConditionOperator =
  | 'StringEquals'
  | 'StringNotEquals'
  | 'StringLike'
  | 'StringNotLike'
  | 'StringEqualsIfExists'
  | 'ArnEquals'
  | 'ArnLike'
  | 'ArnNotEquals'
  | 'ArnNotLike'
  | 'Bool'
  | 'BoolIfExists'
  | 'Null'
  | 'NumericLessThan'
  | 'NumericGreaterThan'
  | 'ForAnyValue:StringEquals';

export type ConditionBlock = Partial<
  Record<ConditionOperator, Readonly<Record<string, string | readonly string[]>>>
>;

export type Principal =
  | '*'
  | {
      readonly AWS?: string | readonly string[];
      readonly Service?: string | readonly string[];
    };

export interface Statement {
  /** Alphanumeric, unique within the document: says what the statement does. */
  readonly Sid: string;
  readonly Effect: Effect;
  readonly Principal?: Principal;
  readonly NotPrincipal?: Principal;
  readonly Action?: readonly string[];
  readonly NotAction?: readonly string[];
  readonly Resource?: readonly string[];
  readonly NotResource?: readonly string[];
  readonly Condition?: ConditionBlock;
}

export interface PolicyDocument {
  readonly Version: '2012-10-17';
  readonly Statement: readonly Statement[];
}

/**
 * identity: attached to a role (no principal, resources required);
 * resource: a bucket or key policy (principal required, resources required);
 * trust: a role's assume-role policy (principal required, no resources).
 */
export type PolicyKind = 'identity' | 'resource' | 'trust';

export class PolicyDocumentError extends Error {
  constructor(
    public readonly documentName: string,
    public readonly problems: readonly string[],
  ) {
    super(
      `Policy document '${documentName}' is invalid:\n${problems.map((p) => `  - ${p}`).join('\n')}`,
    );
    this.name = 'PolicyDocumentError';
  }
}

export interface DocumentOptions {
  /** Name used in error messages and in the security review. */
  readonly name: string;
  readonly kind: PolicyKind;
  /** Every Resource must be a literal ARN of this partition. */
  readonly partition: string;
}

const SID = /^[A-Za-z0-9]+$/;

function problemsOfResource(resource: string, partition: string): string[] {
  if (resource.includes('${')) {
    return [
      `resource '${resource}' holds a Terraform token: use a literal ARN computed from config`,
    ];
  }
  if (resource === '*') return [];
  const parts = resource.split(':');
  if (parts.length < 6 || parts[0] !== 'arn') return [`resource '${resource}' is not an ARN`];
  if (parts[1] !== partition) {
    return [`resource '${resource}' is not in the configured partition '${partition}'`];
  }
  return [];
}

/** Checks every statement and returns the document; throws once with every problem found. */
export function policyDocument(
  options: DocumentOptions,
  statements: readonly Statement[],
): PolicyDocument {
  const problems: string[] = [];
  const sids = new Set<string>();
  if (statements.length === 0) problems.push('has no statement');
  for (const s of statements) {
    const at = `statement '${s.Sid}'`;
    if (!SID.test(s.Sid)) problems.push(`${at}: Sid must be alphanumeric`);
    if (sids.has(s.Sid)) problems.push(`${at}: Sid must be unique in the document`);
    sids.add(s.Sid);
    if ((s.Action === undefined) === (s.NotAction === undefined)) {
      problems.push(`${at}: needs exactly one of Action or NotAction`);
    }
    if (s.Resource !== undefined && s.NotResource !== undefined) {
      problems.push(`${at}: must not have both Resource and NotResource`);
    }
    if (s.Principal !== undefined && s.NotPrincipal !== undefined) {
      problems.push(`${at}: must not have both Principal and NotPrincipal`);
    }
    const hasPrincipal = s.Principal !== undefined || s.NotPrincipal !== undefined;
    const hasResource = s.Resource !== undefined || s.NotResource !== undefined;
    if (options.kind === 'identity' && hasPrincipal) {
      problems.push(`${at}: an identity policy names no principal`);
    }
    if (options.kind !== 'identity' && !hasPrincipal) {
      problems.push(`${at}: a ${options.kind} policy needs a principal`);
    }
    if (options.kind === 'trust' && hasResource)
      problems.push(`${at}: a trust policy names no resource`);
    if (options.kind !== 'trust' && !hasResource) problems.push(`${at}: needs a Resource`);
    for (const [field, list] of [
      ['Action', s.Action],
      ['NotAction', s.NotAction],
      ['Resource', s.Resource],
      ['NotResource', s.NotResource],
    ] as const) {
      // IAM rejects an empty list; an empty list from config (no targets) is a bug upstream.
      if (list !== undefined && list.length === 0) problems.push(`${at}: ${field} is empty`);
    }
    for (const principal of [...principalValues(s.Principal), ...principalValues(s.NotPrincipal)]) {
      if (principal.includes('${')) {
        problems.push(
          `${at}: principal '${principal}' holds a Terraform token: use a literal ARN computed from config`,
        );
      }
    }
    for (const action of [...(s.Action ?? []), ...(s.NotAction ?? [])]) {
      if (!isKnownAction(action)) problems.push(`${at}: action '${action}' does not exist in IAM`);
    }
    for (const resource of [...(s.Resource ?? []), ...(s.NotResource ?? [])]) {
      problems.push(...problemsOfResource(resource, options.partition).map((p) => `${at}: ${p}`));
    }
    if (s.Effect === 'Allow' && options.kind !== 'identity') {
      problems.push(...problemsOfAllowPrincipal(at, s));
    }
  }
  if (problems.length > 0) throw new PolicyDocumentError(options.name, problems);
  return { Version: '2012-10-17', Statement: statements };
}

function principalValues(principal: Principal | undefined): string[] {
  if (principal === undefined) return [];
  if (principal === '*') return ['*'];
  return [principal.AWS ?? [], principal.Service ?? []].flat();
}

/** An Allow to everyone, or to a whole account without naming the principal in a condition. */
function problemsOfAllowPrincipal(at: string, s: Statement): string[] {
  if (s.NotPrincipal !== undefined)
    return [`${at}: an Allow with NotPrincipal grants to everyone else`];
  const principal = s.Principal;
  if (principal === '*') return [`${at}: an Allow must not name the principal '*'`];
  const aws = principal?.AWS === undefined ? [] : [principal.AWS].flat();
  const namesPrincipalArn = Object.values(s.Condition ?? {}).some(
    (block) => block !== undefined && 'aws:PrincipalArn' in block,
  );
  const bare = aws.filter(
    (p) => p === '*' || /^arn:[^:]+:iam::\d{12}:root$/.test(p) || /^\d{12}$/.test(p),
  );
  if (bare.length > 0 && !namesPrincipalArn) {
    return [
      `${at}: an Allow to '${bare.join("', '")}' must name the principal with an aws:PrincipalArn condition`,
    ];
  }
  return [];
}

/** The JSON that the stacks embed: stable key order, two-space indent for readable plans. */
export function toJson(document: PolicyDocument): string {
  return JSON.stringify(document, null, 2);
}
