/**
 * The offline provider override: dropped next to a stack's cdk.tf.json as
 * `zz_offline_override.tf.json`, Terraform merges it into every AWS provider block of the stack
 * (matched by alias), so that init, validate and plan need no AWS account and no network.
 */

export const OVERRIDE_FILE = 'zz_offline_override.tf.json';

/** Placeholder credentials in AWS's documented example format: never a real key. */
export const PLACEHOLDER_ACCESS_KEY = 'AKIAIOSFODNN7EXAMPLE';
export const PLACEHOLDER_SECRET_KEY = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';

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
  for (const block of text.match(/^provider\s+"aws"\s*\{[\s\S]*?^\}/gm) ?? []) {
    aliases.push(/^\s+alias\s*=\s*"([^"]+)"/m.exec(block)?.[1]);
  }
  return aliases;
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
      })),
    },
  };
}
