import { IConstruct } from 'constructs';
import {
  Aspects,
  CloudBackend,
  IAspect,
  LocalBackend,
  NamedCloudWorkspace,
  TerraformResource,
  TerraformStack,
} from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { BastionConfig } from '../config';
import { StackPlan } from './topology';

export const DEFAULT_TAGS: Readonly<Record<string, string>> = {
  Project: 's3-bastion-backup',
  ManagedBy: 'cdktf',
};

/** `s3-bastion-backup-us-west-2`, `s3-bastion-primary-us-east-1`: the stack name says which. */
export const DEFAULT_WORKSPACE_PREFIX = 's3-bastion-';

/**
 * The stack's provider: aliased after the stack, pinned to its account so that Terraform refuses
 * to apply with another account's credentials, and assuming the deploy role if set. Every
 * resource that names no provider gets this one.
 */
export function accountProvider(
  stack: TerraformStack,
  config: BastionConfig,
  plan: StackPlan,
): AwsProvider {
  const provider = regionalProvider(stack, config, plan, plan.region);
  Aspects.of(stack).add(new UseProvider(provider));
  return provider;
}

/**
 * A provider of the stack's account in `region`. In the stack's own region it is accountProvider's;
 * in another, a second provider for the few resources that AWS requires there (replication metrics
 * are published in the destination bucket's region), used only by resources that name it.
 */
export function regionalProvider(
  stack: TerraformStack,
  config: BastionConfig,
  plan: StackPlan,
  region: string,
): AwsProvider {
  const deployRoleArn = config[plan.account].deployRoleArn;
  const suffix = region === plan.region ? '' : `-in-${region}`;
  return new AwsProvider(stack, `aws${suffix}`, {
    alias: `${plan.name}${suffix}`.replace(/-/g, '_'),
    region,
    allowedAccountIds: [plan.accountId],
    assumeRole: deployRoleArn
      ? [{ roleArn: deployRoleArn, sessionName: `s3-bastion-${plan.name}` }]
      : undefined,
    defaultTags: [{ tags: { ...(config.defaultTags ?? DEFAULT_TAGS), Stack: plan.name } }],
  });
}

/**
 * An aliased provider is used only by resources that name it; without this, a resource that
 * forgot would fall back to an unconfigured default provider (no region, no account pin).
 */
class UseProvider implements IAspect {
  constructor(private readonly provider: AwsProvider) {}

  visit(node: IConstruct): void {
    if (node instanceof TerraformResource && node.provider === undefined) {
      node.provider = this.provider;
    }
  }
}

export function workspaceName(config: BastionConfig, stackName: string): string {
  const cloud = config.terraformCloud;
  return (
    cloud?.workspaceNames?.[stackName] ??
    `${cloud?.workspacePrefix ?? DEFAULT_WORKSPACE_PREFIX}${stackName}`
  );
}

/**
 * Terraform Cloud with one workspace per stack when the config names an organization (each
 * workspace holds only its own account's credentials); otherwise a local state file whose
 * relative path keeps the synthesized JSON free of machine paths.
 */
export function configureBackend(
  stack: TerraformStack,
  config: BastionConfig,
  stackName: string,
): void {
  const cloud = config.terraformCloud;
  if (cloud) {
    new CloudBackend(stack, {
      organization: cloud.organization,
      hostname: cloud.hostname,
      workspaces: new NamedCloudWorkspace(workspaceName(config, stackName)),
    });
  } else {
    new LocalBackend(stack, { path: `terraform.${stackName}.tfstate` });
  }
}
