import { BastionConfig, SourceBucketConfig } from '../config';
import { backupRegionOf } from '../policies/arns';

/** One stack per account and region: what it holds, and whether it holds the global IAM roles. */
export interface StackPlan {
  /** The stack name: `backup-<region>` or `primary-<region>`, stable when regions are added. */
  readonly name: string;
  readonly account: 'primary' | 'backup';
  readonly accountId: string;
  readonly region: string;
  /** Source buckets whose source (primary) or backup (backup) lives in this region. */
  readonly buckets: readonly SourceBucketConfig[];
  /** IAM is global: the account's roles live in its first region's stack, once. */
  readonly holdsRoles: boolean;
}

function plansFor(
  config: BastionConfig,
  account: 'primary' | 'backup',
  regionOf: (b: SourceBucketConfig) => string,
): StackPlan[] {
  const regions = [...new Set(config.sourceBuckets.map(regionOf))];
  return regions.map((region, i) => ({
    name: `${account}-${region}`,
    account,
    accountId: config[account].accountId,
    region,
    buckets: config.sourceBuckets.filter((b) => regionOf(b) === region),
    holdsRoles: i === 0,
  }));
}

/** The stacks a config deploys, backup stacks first (the order in which they must apply). */
export function planStacks(config: BastionConfig): {
  readonly backup: StackPlan[];
  readonly primary: StackPlan[];
} {
  return {
    backup: plansFor(config, 'backup', backupRegionOf),
    primary: plansFor(config, 'primary', (b) => b.region),
  };
}
