import type { BastionConfig } from '..';
import { accountProblems, partitionProblems } from './accounts';
import { alertProblems } from './alerts';
import { batchReportBucketProblems, restoreTargetProblems, sourceBucketProblems } from './buckets';
import { inventoryProblems } from './inventory';
import { objectLockProblems } from './object-lock';
import { backupEncryptionProblems, replicaKeyProblems } from './replica-keys';
import { backfillPrincipalProblems, restorePrincipalProblems } from './principals';
import { roleNameProblems } from './role-names';
import { ConfigValidationError } from '../problems';
import type { ConfigProblem, SectionChecker } from './rules';
import { shapeProblems } from './shape';
import { terraformCloudProblems } from './terraform-cloud';

export { bucketNameRuleViolations, type ConfigProblem } from './rules';

export { ConfigValidationError } from '../problems';

/** One checker per config section, in the order of the config's fields. */
const SECTION_CHECKERS: readonly SectionChecker[] = [
  partitionProblems,
  accountProblems,
  sourceBucketProblems,
  backupEncryptionProblems,
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

/**
 * The config with the required lists and objects that the shape found missing or mistyped set to
 * empty ones, so that the rule checks still run on everything else (and report all at once).
 */
function fillForRules(config: unknown, shape: readonly ConfigProblem[]): BastionConfig {
  if (shape.length === 0 || typeof config !== 'object' || config === null) {
    return config as BastionConfig;
  }
  const filled: Record<string, unknown> = { ...config };
  const broken = new Set(shape.map((p) => p.path));
  for (const key of ['sourceBuckets', 'backfillPrincipalArns'] as const) {
    if (broken.has(key)) filled[key] = [];
  }
  for (const key of ['primary', 'backup'] as const) {
    if (broken.has(key)) filled[key] = {};
  }
  return filled as unknown as BastionConfig;
}

/**
 * Every problem of a value that should be a config: its shape (unknown keys, missing keys, wrong
 * types) and every rule that can still be checked. A rule check that trips over a broken shape
 * adds nothing, and a rule problem at a path the shape already reports is not repeated.
 */
export function findAllConfigProblems(config: unknown): ConfigProblem[] {
  const shape = shapeProblems(config);
  let rules: ConfigProblem[] = [];
  try {
    rules = findConfigProblems(fillForRules(config, shape));
  } catch (error) {
    if (shape.length === 0) throw error;
  }
  const covered = (path: string) =>
    shape.some(
      (p) => path === p.path || path.startsWith(`${p.path}.`) || path.startsWith(`${p.path}[`),
    );
  return [...shape, ...rules.filter((p) => !covered(p.path))];
}

/** Throws a ConfigValidationError listing every problem; returns the config when it is valid. */
export function validateConfig(config: unknown): ValidatedConfig {
  const problems = findAllConfigProblems(config);
  if (problems.length > 0) throw new ConfigValidationError(problems);
  return config as ValidatedConfig;
}
