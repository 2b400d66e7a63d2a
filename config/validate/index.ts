import type { BastionConfig } from '..';
import { accountProblems, partitionProblems } from './accounts';
import { alertProblems } from './alerts';
import { batchReportBucketProblems, restoreTargetProblems, sourceBucketProblems } from './buckets';
import { inventoryProblems } from './inventory';
import { objectLockProblems } from './object-lock';
import { replicaKeyProblems } from './replica-keys';
import { backfillPrincipalProblems, restorePrincipalProblems } from './principals';
import { roleNameProblems } from './role-names';
import type { ConfigProblem, SectionChecker } from './rules';
import { terraformCloudProblems } from './terraform-cloud';

export { bucketNameRuleViolations, type ConfigProblem } from './rules';

/** Thrown once with every problem of a config, before any stack is built. */
export class ConfigValidationError extends Error {
  constructor(public readonly problems: readonly ConfigProblem[]) {
    super(
      `The config has ${problems.length} problem${problems.length === 1 ? '' : 's'}:\n` +
        problems.map((p) => `  - ${p.path} = ${JSON.stringify(p.value)}: ${p.rule}`).join('\n'),
    );
    this.name = 'ConfigValidationError';
  }
}

/** One checker per config section, in the order of the config's fields. */
const SECTION_CHECKERS: readonly SectionChecker[] = [
  partitionProblems,
  accountProblems,
  sourceBucketProblems,
  replicaKeyProblems,
  restoreTargetProblems,
  batchReportBucketProblems,
  objectLockProblems,
  backfillPrincipalProblems,
  restorePrincipalProblems,
  alertProblems,
  roleNameProblems,
  terraformCloudProblems,
  inventoryProblems,
];

/** Every problem of the config, in config order; empty when it is valid. */
export function findConfigProblems(config: BastionConfig): ConfigProblem[] {
  return SECTION_CHECKERS.flatMap((check) => check(config));
}

declare const validated: unique symbol;

/**
 * A config that passed validateConfig. Only validateConfig makes one, so whatever takes a
 * ValidatedConfig (buildApp, the review) needs no check of its own: a config is validated once.
 */
export type ValidatedConfig = BastionConfig & { readonly [validated]: true };

/** Throws a ConfigValidationError listing every problem; returns the config when it is valid. */
export function validateConfig(config: BastionConfig): ValidatedConfig {
  const problems = findConfigProblems(config);
  if (problems.length > 0) throw new ConfigValidationError(problems);
  return config as ValidatedConfig;
}
