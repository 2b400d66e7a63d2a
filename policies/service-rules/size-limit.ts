import {
  KeyPolicySubject,
  LogResourcePolicySubject,
  ServiceRule,
  Subject,
  SubjectKind,
  withoutWhitespace,
} from './rule';

/**
 * A size quota on the text a service stores. `bytes`: the policy as sent, whitespace included
 * (S3 and KMS state their quotas in bytes, we do not count on them dropping whitespace);
 * `characters`: IAM's count, which ignores whitespace.
 */
export function sizeLimitRule(props: {
  readonly id: string;
  readonly summary: string;
  readonly page: string;
  readonly kind: SubjectKind;
  readonly limit: number;
  readonly measure: 'bytes' | 'characters';
  /** The texts counted together against the limit. */
  readonly texts: (subject: Subject) => readonly string[];
  readonly examples: ServiceRule['examples'];
}): ServiceRule {
  const sizeOf = (text: string) =>
    props.measure === 'bytes' ? Buffer.byteLength(text, 'utf8') : withoutWhitespace(text).length;
  return {
    id: props.id,
    summary: props.summary,
    page: props.page,
    appliesTo: [props.kind],
    check(subject: Subject): string[] {
      if (subject.kind !== props.kind) return [];
      const size = props.texts(subject).reduce((sum, text) => sum + sizeOf(text), 0);
      return size > props.limit
        ? [`${size} ${props.measure} exceeds the quota of ${props.limit} ${props.measure}`]
        : [];
    },
    examples: props.examples,
  };
}

/** A policy of `statements` copies of one statement: a document of a chosen size for examples. */
export function policyOfSize(statements: number, statement: Record<string, unknown>): string {
  return JSON.stringify(
    {
      Version: '2012-10-17',
      Statement: Array.from({ length: statements }, (_, i) => ({ Sid: `S${i}`, ...statement })),
    },
    null,
    2,
  );
}

/**
 * A size quota on a document that is the whole subject (a key policy, a Logs resource policy):
 * the rule counts its JSON, and its examples repeat one `statement` to a size under and over the
 * limit.
 */
export function documentSizeRule(props: {
  readonly id: string;
  readonly summary: string;
  /** The AWS page that states the quota. */
  readonly page: string;
  readonly kind: (KeyPolicySubject | LogResourcePolicySubject)['kind'];
  readonly limit: number;
  readonly statement: Record<string, unknown>;
  /** How many copies of `statement` make the compliant and the non-compliant example. */
  readonly exampleStatements: { readonly compliant: number; readonly nonCompliant: number };
}): ServiceRule {
  const example = (statements: number): Subject => ({
    kind: props.kind,
    where: 'example',
    json: policyOfSize(statements, props.statement),
  });
  return sizeLimitRule({
    ...props,
    measure: 'bytes',
    texts: (subject) => (subject.kind === props.kind ? [subject.json] : []),
    examples: {
      compliant: example(props.exampleStatements.compliant),
      nonCompliant: example(props.exampleStatements.nonCompliant),
    },
  });
}
