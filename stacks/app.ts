import { App } from 'cdktf';
import type { ValidatedConfig } from '../config/validate';
import { BackupStack } from './backup-stack';
import { PrimaryStack } from './primary-stack';
import { planStacks } from './topology';

/**
 * Adds one stack per account and region of a validated config (validateConfig reports every
 * problem at once, before anything is built). Primary stacks depend on the backup stacks: S3 rejects a replication rule
 * whose destination bucket is missing or unversioned, so `cdktf deploy '*'` applies backups first.
 */
export function buildApp(
  app: App,
  config: ValidatedConfig,
): {
  backup: BackupStack[];
  primary: PrimaryStack[];
} {
  const plans = planStacks(config);
  const backup = plans.backup.map((plan) => new BackupStack(app, { config, plan }));
  const primary = plans.primary.map((plan) => new PrimaryStack(app, { config, plan }));
  const [roleHolder] = primary;
  for (const stack of primary) {
    for (const b of backup) stack.addDependency(b);
    // The other regions' replication rules use the roles that the first region's stack creates.
    if (roleHolder && stack !== roleHolder) stack.addDependency(roleHolder);
  }
  return { backup, primary };
}
