import {
  createValidatedPolicy,
  validateIdentityPolicy,
  validateResourcePolicy,
  type ValidatedPolicy,
} from '@cloud-copilot/iam-policy';
import { runSimulation, type EvaluationResult } from '@cloud-copilot/iam-simulate';
import { PolicyDocument } from '../policies/document';
import { Actor } from './actors';

/** One request, as S3 would authorize it. */
export interface Request {
  readonly actor: Actor<string>;
  readonly action: string;
  readonly resource: string;
  readonly resourceAccount: string;
  readonly resourcePolicy: PolicyDocument | undefined;
  readonly secureTransport: boolean;
  /** Request-specific keys: s3:if-none-match, s3:x-amz-acl, s3:ObjectCreationOperation. */
  readonly context: Readonly<Record<string, string | readonly string[]>>;
}

export interface Decision {
  readonly result: EvaluationResult;
  /** Sids of the resource-policy Deny statements that matched. */
  readonly deniedBy: readonly string[];
}

import './memoize-evaluator';

/**
 * The evaluator validates every policy on every call; a matrix evaluates the same few policies
 * thousands of times, so each document is validated once (the errors still reach the result).
 */
const validated = new WeakMap<PolicyDocument, ValidatedPolicy<{ name: string }>>();
function validatedOnce(
  policy: PolicyDocument,
  kind: 'identity' | 'resource',
  name: string,
): ValidatedPolicy<{ name: string }> {
  let v = validated.get(policy);
  if (v === undefined) {
    v = createValidatedPolicy(
      policy,
      kind === 'identity' ? validateIdentityPolicy : validateResourcePolicy,
      { name },
    );
    validated.set(policy, v);
  }
  return v;
}

/**
 * Evaluates a request with @cloud-copilot/iam-simulate (AGPL: used only here and in tests,
 * never by policies/ or stacks/). aws:SecureTransport, aws:PrincipalAccount and aws:PrincipalArn
 * are always set from the actor: the evaluator does not derive them, and a Deny whose condition
 * key is missing silently does not fire. An unsigned (anonymous) request has no principal keys,
 * as in S3.
 */
export async function evaluate(request: Request): Promise<Decision> {
  const { actor } = request;
  const contextVariables: Record<string, string | string[]> = {
    'aws:SecureTransport': String(request.secureTransport),
    ...(actor.principalArn !== undefined ? { 'aws:PrincipalArn': actor.principalArn } : {}),
    ...(actor.principalAccount !== undefined
      ? { 'aws:PrincipalAccount': actor.principalAccount }
      : {}),
    ...(request.context as Record<string, string | string[]>),
  };
  const response = await runSimulation(
    {
      request: {
        principal: actor.principal,
        action: request.action,
        resource: { resource: request.resource, accountId: request.resourceAccount },
        contextVariables,
      },
      identityPolicies: actor.identityPolicies.map((p) => ({
        name: p.name,
        policy: validatedOnce(p.policy, 'identity', p.name),
      })),
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      resourcePolicy:
        request.resourcePolicy && validatedOnce(request.resourcePolicy, 'resource', 'resource'),
    },
    {},
  );
  if (response.resultType === 'error') {
    throw new Error(
      `cannot evaluate ${request.action} on ${request.resource} for ${actor.id}: ${response.errors.message}\n${JSON.stringify(response.errors)}`,
    );
  }
  if (response.resultType !== 'single') {
    throw new Error(`${request.resource} was evaluated as a wildcard: give a literal ARN`);
  }
  const ignored = response.result.ignoredContextKeys ?? [];
  const dropped = Object.keys(request.context).filter((k) => ignored.includes(k));
  if (dropped.length > 0) {
    // A key the evaluator drops would make a condition on it silently not apply.
    throw new Error(`the evaluator ignored ${dropped.join(', ')} for ${request.action}`);
  }
  const deniedBy = (response.result.analysis.resourceAnalysis?.denyStatements ?? []).map(
    (s) => s.explain.identifier,
  );
  return { result: response.overallResult, deniedBy };
}
