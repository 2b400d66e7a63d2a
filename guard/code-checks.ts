import { Refusal } from './bucket-checks';
import { PlanIndex } from './plan-index';

/**
 * Configuration that runs arbitrary code during plan or apply, with the workspace's AWS
 * credentials: an `external` data source runs a program while planning, a provisioner while
 * applying. The stacks use neither, so one in a plan is an attack or a mistake.
 * https://registry.terraform.io/providers/hashicorp/external/latest/docs/data-sources/external
 * https://developer.hashicorp.com/terraform/language/resources/provisioners/syntax
 */
const AWS_PROVIDER = 'registry.terraform.io/hashicorp/aws';

export function codeExecutionRefusals(index: PlanIndex): Refusal[] {
  const refusals: Refusal[] = [];
  for (const r of index.configResources()) {
    if (r.mode === 'data' && r.type === 'external') {
      refusals.push({
        address: r.address,
        reason:
          'an external data source runs a program during plan, with the workspace credentials',
      });
    }
    for (const p of r.provisioners ?? []) {
      refusals.push({
        address: r.address,
        reason: `a ${p.type} provisioner runs during apply, with the workspace credentials`,
      });
    }
  }
  for (const [key, provider] of Object.entries(index.plan.configuration?.provider_config ?? {})) {
    const source = provider.full_name ?? provider.name;
    if (source !== AWS_PROVIDER) {
      refusals.push({
        address: `provider.${key}`,
        reason: `provider ${source} is not one the stacks use (only ${AWS_PROVIDER})`,
      });
    }
  }
  return refusals;
}
