import type { BastionConfig } from '..';
import { inventoryBucketName } from '../../policies/arns';
import { planStacks } from '../../stacks/topology';
import { bucketNameRuleViolations, type ConfigProblem } from './rules';

const FORMATS = ['CSV', 'Parquet'];

/** The inventory section: format, retention, and every inventory bucket name it produces. */
export function inventoryProblems(config: BastionConfig): ConfigProblem[] {
  const inventory = config.inventory;
  if (inventory === undefined) return [];
  const problems: ConfigProblem[] = [];
  const problem = (path: string, value: unknown, rule: string) =>
    problems.push({ path, value, rule });
  if (inventory.enabled !== undefined && typeof inventory.enabled !== 'boolean') {
    problem('inventory.enabled', inventory.enabled, 'must be true or false');
  }
  if (inventory.format !== undefined && !FORMATS.includes(inventory.format)) {
    problem('inventory.format', inventory.format, `must be one of ${FORMATS.join(', ')}`);
  }
  const days = inventory.reportRetentionDays;
  if (days !== undefined && !(Number.isInteger(days) && days >= 1)) {
    problem('inventory.reportRetentionDays', days, 'must be a whole number of days, at least 1');
  }
  const plans = planStacks(config);
  const names = new Set<string>();
  for (const plan of [...plans.backup, ...plans.primary]) {
    names.add(inventoryBucketName(config, plan.accountId, plan.region));
  }
  for (const name of names) {
    for (const rule of bucketNameRuleViolations(name)) {
      problem(
        'inventory.bucketNamePrefix',
        config.inventory?.bucketNamePrefix,
        `the inventory bucket name '${name}' (<prefix>-<accountId>-<region>) ${rule}`,
      );
    }
  }
  return problems;
}
