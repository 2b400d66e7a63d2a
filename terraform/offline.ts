import { CLOSED_PROXY } from './terraform';

/**
 * The offline provider override: dropped next to a stack's cdk.tf.json as
 * `zz_offline_override.tf.json`, Terraform merges it into every AWS provider block of the stack
 * (matched by alias), so that init, validate and plan need no AWS account and no network.
 */

const CLOSED_PROXY_ADDRESS = new URL(CLOSED_PROXY).host;

export const OVERRIDE_FILE = 'zz_offline_override.tf.json';

/** Placeholder credentials in AWS's documented example format: never a real key. */
export const PLACEHOLDER_ACCESS_KEY = 'AKIAIOSFODNN7EXAMPLE';
export const PLACEHOLDER_SECRET_KEY = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';

/** A top-level `provider "aws"` block of (terraform fmt'ed) cdk.tf, through its closing brace. */
const AWS_PROVIDER_BLOCK = /^provider\s+"aws"\s*\{[\s\S]*?^\}/gm;

interface StackJson {
  readonly provider?: Record<string, ReadonlyArray<Record<string, unknown>>>;
}

/**
 * The aliases of a stack's AWS provider blocks (undefined: the default, unaliased provider), read
 * from cdk.tf.json or from the top-level `provider "aws"` blocks of (terraform fmt'ed) cdk.tf.
 */
export function awsProviderAliases(fileName: string, text: string): Array<string | undefined> {
  if (fileName.endsWith('.json')) {
    const blocks = (JSON.parse(text) as StackJson).provider?.aws ?? [];
    return blocks.map((b) => (typeof b.alias === 'string' ? b.alias : undefined));
  }
  const aliases: Array<string | undefined> = [];
  for (const block of text.match(AWS_PROVIDER_BLOCK) ?? []) {
    aliases.push(/^\s+alias\s*=\s*"([^"]+)"/m.exec(block)?.[1]);
  }
  return aliases;
}

/** One attempt per AWS call: offline, the first connection refused is the answer. */
export const OFFLINE_MAX_RETRIES = 1;

/** Provider blocks that make the provider call STS before anything is planned. */
const CREDENTIAL_BLOCKS = ['assume_role', 'assume_role_with_web_identity'] as const;

/**
 * The stack's configuration without the AWS providers' `assume_role` blocks: offline there is no
 * STS to assume a deploy role with. An override file cannot do this: Terraform replaces nested
 * blocks only with blocks of the same type (an empty list leaves the original in place), and an
 * `assume_role` with an empty `role_arn` is accepted with a deprecation warning only. Reads
 * cdk.tf.json, or the `provider "aws"` blocks of (terraform fmt'ed) cdk.tf.
 * https://developer.hashicorp.com/terraform/language/files/override#merging-behavior
 */
export function withoutAssumeRole(fileName: string, text: string): string {
  if (fileName.endsWith('.json')) {
    const json = JSON.parse(text) as StackJson;
    for (const block of json.provider?.aws ?? []) {
      for (const key of CREDENTIAL_BLOCKS) delete block[key];
    }
    return `${JSON.stringify(json, null, 2)}\n`;
  }
  return text.replace(AWS_PROVIDER_BLOCK, (block) =>
    block.replace(
      new RegExp(`^([ \\t]+)(?:${CREDENTIAL_BLOCKS.join('|')})\\s*\\{[\\s\\S]*?^\\1\\}\\n`, 'gm'),
      '',
    ),
  );
}

/** A terraform failure that came from a connection attempt to the closed offline proxy. */
export function triedTheNetwork(output: string): boolean {
  return output.includes(CLOSED_PROXY_ADDRESS) || /proxyconnect tcp/.test(output);
}

/**
 * Per AWS provider block: placeholder keys, no credential check (STS), no account id lookup, no
 * instance metadata, no region check. `allowed_account_ids` is set to null (unset) because the
 * provider can only check it against an account id it requested, and requesting one is exactly
 * what an offline plan cannot do: the pin is still in cdk.tf.json and in every real plan.
 *
 * The backend becomes a local state file in the (temporary) working directory, whatever the stack
 * declares, so that a Terraform Cloud stack plans offline too and nothing is written elsewhere.
 */
export function offlineOverride(
  providerAliases: ReadonlyArray<string | undefined>,
): Record<string, unknown> {
  const aliases = providerAliases.length === 0 ? [undefined] : providerAliases;
  return {
    '//': 'Offline plan only (terraform/offline.ts): never deployed.',
    terraform: { backend: { local: { path: 'terraform.tfstate' } } },
    provider: {
      aws: aliases.map((alias) => ({
        ...(alias !== undefined ? { alias } : {}),
        access_key: PLACEHOLDER_ACCESS_KEY,
        secret_key: PLACEHOLDER_SECRET_KEY,
        skip_credentials_validation: true,
        skip_requesting_account_id: true,
        skip_metadata_api_check: true,
        skip_region_validation: true,
        allowed_account_ids: null,
        // Any call that still reaches for AWS meets a closed loopback proxy (terraform.ts); one
        // attempt makes that an error in seconds instead of minutes of the SDK's 25 retries.
        max_retries: OFFLINE_MAX_RETRIES,
      })),
    },
  };
}
