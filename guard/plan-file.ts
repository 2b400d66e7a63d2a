import { readFileSync } from 'node:fs';
import { InputError } from '../cli/errors';

/**
 * The parts of `terraform show -json <saved plan>` (JSON output format 1.x) that the guard reads.
 * https://developer.hashicorp.com/terraform/internals/json-format
 */
export interface TerraformPlan {
  readonly format_version: string;
  readonly terraform_version?: string;
  /** Terraform 1.7+: the plan stopped on an error and is incomplete. */
  readonly errored?: boolean;
  readonly resource_changes?: readonly ResourceChange[];
  readonly configuration?: PlanConfiguration;
}

export type Values = Readonly<Record<string, unknown>>;

export interface ResourceChange {
  readonly address: string;
  readonly module_address?: string;
  readonly mode: 'managed' | 'data';
  readonly type: string;
  readonly name: string;
  readonly change: {
    /** no-op, create, read, update, delete, forget; a replacement is [delete, create] or reverse. */
    readonly actions: readonly string[];
    readonly before: Values | null;
    readonly after: Values | null;
    readonly after_unknown?: Values;
  };
}

export interface ConfigExpression {
  readonly constant_value?: unknown;
  readonly references?: readonly string[];
}

export interface ConfigResource {
  readonly address: string;
  readonly mode: 'managed' | 'data';
  readonly type: string;
  readonly name: string;
  readonly provider_config_key?: string;
  readonly expressions?: Readonly<Record<string, ConfigExpression>>;
  readonly provisioners?: readonly { readonly type: string }[];
}

export interface ConfigModule {
  readonly resources?: readonly ConfigResource[];
  readonly module_calls?: Readonly<Record<string, { readonly module?: ConfigModule }>>;
}

export interface PlanConfiguration {
  readonly provider_config?: Readonly<
    Record<string, { readonly name: string; readonly full_name?: string }>
  >;
  readonly root_module?: ConfigModule;
}

/** The file is not the JSON of a Terraform plan: a usage error (exit 2), not a refusal. */
export class NotAPlanError extends InputError {
  constructor(message: string) {
    super(message);
    this.name = 'NotAPlanError';
  }
}

const HOW = 'give the JSON of a saved plan: terraform show -json <planfile> > plan.json';

/** Parses `terraform show -json` of a plan; anything else is a NotAPlanError naming what it is. */
export function parsePlan(text: string, source: string): TerraformPlan {
  // A saved plan file is a zip archive: the guard needs its JSON rendering.
  if (text.startsWith('PK')) throw new NotAPlanError(`${source} is a binary plan file: ${HOW}`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new NotAPlanError(
      `${source} is not JSON (${error instanceof Error ? error.message : String(error)}): ${HOW}`,
    );
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new NotAPlanError(`${source} is not a JSON object: ${HOW}`);
  }
  const plan = parsed as Record<string, unknown>;
  if (typeof plan.format_version !== 'string') {
    throw new NotAPlanError(`${source} has no format_version: not Terraform JSON output; ${HOW}`);
  }
  // `terraform show -json` of a state has `values`; only a plan has planned_values.
  if (typeof plan.planned_values !== 'object' || plan.planned_values === null) {
    const what =
      'values' in plan ? 'a Terraform state, not a plan' : 'not a plan (no planned_values)';
    throw new NotAPlanError(`${source} is ${what}: ${HOW}`);
  }
  if (plan.resource_changes !== undefined && !Array.isArray(plan.resource_changes)) {
    throw new NotAPlanError(`${source}: resource_changes is not a list`);
  }
  return parsed as TerraformPlan;
}

export function readPlanFile(path: string): TerraformPlan {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    throw new NotAPlanError(
      `cannot read ${path}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  return parsePlan(bytes.toString('utf8'), path);
}
