import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { PolicyDocument } from '../policies/document';
import { InputError } from '../cli/errors';

/**
 * Reading what `cdktf synth` wrote: the review and the PR diff work on the synthesized JSON, so
 * they prove what will be deployed, not what the source meant.
 */

export type TerraformResource = Record<string, unknown>;

export interface SynthesizedStack {
  readonly name: string;
  readonly json: {
    readonly terraform?: Record<string, unknown>;
    readonly provider?: Record<string, Array<Record<string, unknown>>>;
    readonly resource?: Record<string, Record<string, TerraformResource>>;
  };
}

/** Where an IAM document sits in the synthesized Terraform, and what it governs. */
export interface SynthesizedIamDocument {
  readonly stack: string;
  /** Terraform address, e.g. `aws_s3_bucket_policy.example-bastion-prod-assets-policy`. */
  readonly address: string;
  /** 'bucket-policy' | 'trust-policy' | 'role-policy' | 'key-policy' */
  readonly kind: 'bucket-policy' | 'trust-policy' | 'role-policy' | 'key-policy';
  /** The bucket (bucket policy) or role name (role policies) the document belongs to. */
  readonly owner: string;
  readonly document: PolicyDocument;
}

export function readSynthesizedStacks(outdir: string): SynthesizedStack[] {
  const stacksDir = join(outdir, 'stacks');
  if (!existsSync(stacksDir)) {
    throw new InputError(`${stacksDir} does not exist: run \`npm run synth\` first`);
  }
  return readdirSync(stacksDir)
    .filter((name) => existsSync(join(stacksDir, name, 'cdk.tf.json')))
    .sort()
    .map((name) => ({
      name,
      json: JSON.parse(
        readFileSync(join(stacksDir, name, 'cdk.tf.json'), 'utf8'),
      ) as SynthesizedStack['json'],
    }));
}

/** Resolves `${aws_s3_bucket.x.id}` / `${aws_iam_role.x.name}` references to the literal name. */
export function resolveName(
  stack: SynthesizedStack,
  value: unknown,
  type: string,
  attribute: string,
): string {
  const text = String(value);
  const match = /^\$\{([a-z0-9_]+)\.([^.}]+)\.([a-z_]+)\}$/.exec(text);
  if (!match || match[1] !== type) return text;
  const target = stack.json.resource?.[type]?.[match[2]];
  const literal = target?.[attribute === 'id' ? 'bucket' : attribute];
  return typeof literal === 'string' ? literal : text;
}

/** Every IAM document embedded in a stack, with the bucket or role it belongs to. */
export function iamDocumentsOf(stack: SynthesizedStack): SynthesizedIamDocument[] {
  const resources = stack.json.resource ?? {};
  const documents: SynthesizedIamDocument[] = [];
  const add = (
    kind: SynthesizedIamDocument['kind'],
    type: string,
    name: string,
    owner: string,
    text: unknown,
  ) => {
    if (typeof text !== 'string') return;
    documents.push({
      stack: stack.name,
      address: `${type}.${name}`,
      kind,
      owner,
      document: JSON.parse(text) as PolicyDocument,
    });
  };
  for (const [name, r] of Object.entries(resources.aws_s3_bucket_policy ?? {})) {
    add(
      'bucket-policy',
      'aws_s3_bucket_policy',
      name,
      resolveName(stack, r.bucket, 'aws_s3_bucket', 'id'),
      r.policy,
    );
  }
  for (const [name, r] of Object.entries(resources.aws_iam_role ?? {})) {
    add('trust-policy', 'aws_iam_role', name, String(r.name), r.assume_role_policy);
  }
  for (const [name, r] of Object.entries(resources.aws_iam_role_policy ?? {})) {
    add(
      'role-policy',
      'aws_iam_role_policy',
      name,
      resolveName(stack, r.role, 'aws_iam_role', 'name'),
      r.policy,
    );
  }
  for (const [name, r] of Object.entries(resources.aws_kms_key ?? {})) {
    add(
      'key-policy',
      'aws_kms_key',
      name,
      typeof r.description === 'string' ? r.description : name,
      r.policy,
    );
  }
  return documents;
}
