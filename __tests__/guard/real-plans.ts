import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { App } from 'cdktf';
import { BastionConfig, exampleConfig } from '../../config';
import { validateConfig } from '../../config/validate';
import { buildApp } from '../../stacks/app';
import { PlanJson, TerraformStackDir, TerraformWorkspace } from '../../terraform/workspace';
import { planOfflineShared } from '../support/shared-plans';

/**
 * Real plans for the guard's tests: the example stacks planned offline (as `npm run plan:offline`
 * does), and deliberately weakened copies of the backup stack's cdk.tf.json planned against a
 * state that holds the unchanged deployment (crafted from the unchanged plan's values, planned
 * with -refresh=false: nothing can reach AWS). Every plan is made once per test run, and the
 * weakenings that edit disjoint resources share one plan (see groupWeakenings): a plan and its
 * `show -json` cost about ten seconds of CPU each.
 */

export const BACKUP_STACK = 'backup-us-west-2';
export const PRIMARY_STACK = 'primary-us-east-1';
export const ASSETS = 'example-bastion-prod-assets';
export const LEDGER = 'example-bastion-prod-ledger';
const AWS = 'registry.terraform.io/hashicorp/aws';

/** The example with S3 Inventory on: the backup stack then also holds an inventory bucket. */
export const GUARDED_CONFIG: BastionConfig = { ...exampleConfig, inventory: { enabled: true } };

type Json = Record<string, unknown>;
interface StackJson {
  readonly provider: { readonly aws: readonly { readonly alias?: string }[] };
  readonly resource: Record<string, Record<string, Json>>;
  output?: Record<string, Json>;
}
interface PolicyJson {
  Statement: Array<{ Sid?: string; Condition?: unknown }>;
}
export type Weakening = (stack: StackJson) => void;

const resource = (stack: StackJson, type: string, name: string): Json => {
  const found = stack.resource[type]?.[name];
  if (!found) throw new Error(`no ${type}.${name} in the backup stack`);
  return found;
};

const editPolicy = (stack: StackJson, bucket: string, edit: (policy: PolicyJson) => void) => {
  const r = resource(stack, 'aws_s3_bucket_policy', `${bucket}-policy`);
  const policy = JSON.parse(String(r.policy)) as PolicyJson;
  edit(policy);
  r.policy = JSON.stringify(policy);
};

/** Each weakening a backup team must catch, applied to the synthesized backup stack. */
export const WEAKENINGS = {
  'deny-removed': (stack) =>
    editPolicy(stack, ASSETS, (p) => {
      p.Statement = p.Statement.filter(
        (s) => s.Sid !== 'DenyEverythingOutsideBackupAccountExceptReplicationAndBackfill',
      );
    }),
  // The whole primary account instead of the replication role.
  'allow-widened': (stack) =>
    editPolicy(stack, LEDGER, (p) => {
      for (const s of p.Statement) {
        if (s.Sid === 'AllowReplicationRoleReplicateObjects') delete s.Condition;
      }
    }),
  'versioning-suspended': (stack) => {
    resource(stack, 'aws_s3_bucket_versioning', `${ASSETS}-versioning`).versioning_configuration = {
      status: 'Suspended',
    };
  },
  'retention-below-floor': (stack) => {
    const lifecycle = resource(
      stack,
      'aws_s3_bucket_lifecycle_configuration',
      `${LEDGER}-lifecycle`,
    );
    const [rule] = lifecycle.rule as Json[];
    rule.noncurrent_version_expiration = [{ noncurrent_days: 3 }];
  },
  'public-access-block-off': (stack) => {
    resource(
      stack,
      'aws_s3_bucket_public_access_block',
      `${ASSETS}-public-access-block`,
    ).block_public_policy = false;
  },
  'replica-key-removed': (stack) => {
    delete stack.resource.aws_kms_key;
    delete stack.resource.aws_kms_alias;
    for (const [name, output] of Object.entries(stack.output ?? {})) {
      if (JSON.stringify(output).includes('aws_kms_key.')) delete stack.output?.[name];
    }
    // Terraform refuses an empty output block.
    if (Object.keys(stack.output ?? {}).length === 0) delete stack.output;
  },
  // Every resource of the bucket leaves the config; prevent_destroy leaves with it.
  'bucket-removed': (stack) => {
    for (const [type, byName] of Object.entries(stack.resource)) {
      for (const [name, r] of Object.entries(byName)) {
        if (name.startsWith(ASSETS) || JSON.stringify(r).includes(`aws_s3_bucket.${ASSETS}.`)) {
          delete byName[name];
        }
      }
      if (Object.keys(byName).length === 0) delete stack.resource[type];
    }
  },
} satisfies Record<string, Weakening>;
export type WeakeningName = keyof typeof WEAKENINGS;

const KEY_ID = '0b7e4a4e-0000-4000-8000-000000000001';

/** Attributes only known after apply, given the values a deployed resource would have. */
function deployedValues(type: string, values: Json, address: string): Json {
  const named = [values.bucket, values.name].find((v) => typeof v === 'string');
  const name = typeof named === 'string' ? named : address;
  const filled: Json = { ...values, id: name };
  // Computed as '' by the provider when not configured; a null would force a replacement.
  if (type.startsWith('aws_s3_bucket_')) filled.expected_bucket_owner = '';
  if (type === 'aws_s3_bucket') filled.arn = `arn:aws:s3:::${name}`;
  if (type === 'aws_kms_key') {
    filled.id = filled.key_id = KEY_ID;
    filled.arn = `arn:aws:kms:us-west-2:222222222222:key/${KEY_ID}`;
  }
  if (type === 'aws_kms_alias') filled.target_key_id = KEY_ID;
  return filled;
}

/**
 * A Terraform state (format 4) holding the unchanged plan's backup buckets, their settings and
 * the replica key, as an apply would have left them. Alarms and topics stay out: they would be
 * planned as new, which the guard does not mind.
 */
export function stateFromPlan(plan: PlanJson, providerAlias: string): Json {
  const planned = (plan as unknown as PlannedValues).planned_values.root_module.resources
    .filter((r) => r.type.startsWith('aws_s3_bucket') || r.type.startsWith('aws_kms_'))
    .filter((r) => r.type !== 'aws_s3_bucket_notification' && r.type !== 'aws_s3_bucket_inventory');
  const buckets = planned.filter((r) => r.type === 'aws_s3_bucket');
  return {
    version: 4,
    terraform_version: plan.terraform_version,
    serial: 1,
    lineage: '5f0e0c8e-0000-4000-8000-guard0state',
    outputs: {},
    resources: planned.map((r) => {
      const values: Json = { ...r.values };
      // The settings name their bucket by reference (aws_s3_bucket.x.id), unknown in a new plan.
      const owner = buckets.find((b) => r.name.startsWith(b.name));
      if (r.type !== 'aws_s3_bucket' && owner) values.bucket = owner.values.bucket;
      return {
        mode: 'managed',
        type: r.type,
        name: r.name,
        provider: `provider["${AWS}"].${providerAlias}`,
        instances: [
          {
            schema_version: r.schema_version,
            attributes: deployedValues(r.type, values, r.address),
            sensitive_attributes: [],
          },
        ],
      };
    }),
  };
}

interface PlannedValues {
  readonly planned_values: {
    readonly root_module: {
      readonly resources: ReadonlyArray<{
        readonly address: string;
        readonly type: string;
        readonly name: string;
        readonly schema_version: number;
        readonly values: Json;
      }>;
    };
  };
}

/**
 * The resources a weakening edits or removes, as addresses: what it changes in the plan and
 * nothing else (checked by the guard's tests on the real plan).
 */
function touchedBy(original: StackJson, weakened: StackJson): string[] {
  return Object.entries(original.resource).flatMap(([type, byName]) =>
    Object.entries(byName)
      .filter(([name, r]) => JSON.stringify(weakened.resource[type]?.[name]) !== JSON.stringify(r))
      .map(([name]) => `${type}.${name}`),
  );
}

/**
 * Whether a resource among `from` reads an attribute of one among `to`: `type.name.attribute` in
 * an expression (a depends_on entry names the resource alone, without an attribute).
 */
function reads(stack: StackJson, from: readonly string[], to: readonly string[]): boolean {
  return from.some((address) => {
    const [type, name] = address.split('.');
    const text = JSON.stringify(stack.resource[type]?.[name] ?? {});
    return to.some((target) => text.includes(`${target}.`));
  });
}

/**
 * Groups the weakenings into plans: weakenings that edit disjoint resources, none of which reads
 * an attribute of another's, are planned together. Terraform plans a resource from its own
 * configuration, its state and the attributes it reads, so each one's changes in the joint plan
 * are the changes it would get alone (depends_on orders the apply, it changes no planned value).
 * Removing a bucket removes the settings other weakenings edit: it gets a plan of its own.
 */
function groupWeakenings(
  original: StackJson,
  touched: Readonly<Record<WeakeningName, readonly string[]>>,
): WeakeningName[][] {
  const groups: WeakeningName[][] = [];
  for (const name of Object.keys(WEAKENINGS) as WeakeningName[]) {
    const fits = (group: WeakeningName[]) =>
      group.every((other) => {
        const [mine, theirs] = [touched[name], touched[other]];
        return (
          !mine.some((a) => theirs.includes(a)) &&
          !reads(original, mine, theirs) &&
          !reads(original, theirs, mine)
        );
      });
    const group = groups.find(fits);
    if (group) group.push(name);
    else groups.push([name]);
  }
  return groups;
}

interface AddressedEntries {
  resource_changes?: Array<{ address: string }>;
  planned_values?: { root_module?: { resources?: Array<{ address: string }> } };
  configuration?: { root_module?: { resources?: Array<{ address: string }> } };
}

/**
 * The plan of one weakening of a joint plan: the unchanged plan with the entries of the
 * resources it touches (changes, planned values, configuration) taken from the joint plan.
 * Every entry is Terraform's own; the outputs stay those of the unchanged plan.
 */
function isolate(unchanged: PlanJson, joint: PlanJson, addresses: readonly string[]): PlanJson {
  const base = structuredClone(unchanged) as unknown as AddressedEntries;
  const from = joint as unknown as AddressedEntries;
  const swap = <T extends { address: string }>(entries: T[] = [], source: T[] = []): T[] => [
    ...entries.flatMap((entry) => {
      if (!addresses.includes(entry.address)) return [entry];
      return source.filter((s) => s.address === entry.address);
    }),
    ...source.filter(
      (s) => addresses.includes(s.address) && !entries.some((e) => e.address === s.address),
    ),
  ];
  base.resource_changes = swap(base.resource_changes, from.resource_changes);
  for (const key of ['planned_values', 'configuration'] as const) {
    const module = base[key]?.root_module;
    if (module) module.resources = swap(module.resources, from[key]?.root_module?.resources);
  }
  return base as unknown as PlanJson;
}

/** Weakenings planned together in one real plan, with the resources each one touches. */
export interface JointPlan {
  readonly names: readonly WeakeningName[];
  readonly plan: PlanJson;
  readonly touched: Readonly<Partial<Record<WeakeningName, readonly string[]>>>;
}

export interface RealPlans {
  readonly fresh: Readonly<Record<string, PlanJson>>;
  readonly unchangedAgainstState: PlanJson;
  /** Addresses of the resources the crafted state holds. */
  readonly stateAddresses: readonly string[];
  /** The real plans of the weakenings, several to a plan where they edit disjoint resources. */
  readonly joint: readonly JointPlan[];
  /** One plan per weakening: its joint plan alone, else isolated from it (see isolate). */
  readonly weakened: Readonly<Record<WeakeningName, PlanJson>>;
  readonly seconds: number;
}

async function planAgainst(
  stack: TerraformStackDir,
  config: StackJson,
  state: Json,
  label: string,
): Promise<PlanJson> {
  writeFileSync(join(stack.dir, 'cdk.tf.json'), JSON.stringify(config));
  writeFileSync(join(stack.dir, 'terraform.tfstate'), JSON.stringify(state));
  const planFile = join(stack.workspace.root, `${label}.tfplan`);
  await stack.run([
    'plan',
    '-input=false',
    '-no-color',
    '-lock=false',
    '-refresh=false',
    `-out=${planFile}`,
  ]);
  const shown = await stack.run(['show', '-json', '-no-color', planFile]);
  rmSync(join(stack.dir, 'terraform.tfstate'), { force: true });
  return JSON.parse(shown.stdout) as PlanJson;
}

/** Plans the example and the weakenings once; the caller disposes of the workspace. */
export async function makeRealPlans(workspace: TerraformWorkspace): Promise<RealPlans> {
  const started = Date.now();
  const outdir = join(workspace.root, 'synth');
  const app = new App({ outdir });
  buildApp(app, validateConfig(GUARDED_CONFIG));
  app.synth();
  const fresh = Object.fromEntries(
    (await planOfflineShared(outdir, workspace)).map((r) => [r.stack, r.plan]),
  );
  const file = join(outdir, 'stacks', BACKUP_STACK, 'cdk.tf.json');
  const original = readFileSync(file, 'utf8');
  const parsed = JSON.parse(original) as StackJson;
  const alias = parsed.provider.aws[0].alias ?? '';
  const state = stateFromPlan(fresh[BACKUP_STACK], alias);
  const weakenedJson = (names: readonly WeakeningName[]): StackJson => {
    const config = JSON.parse(original) as StackJson;
    for (const name of names) WEAKENINGS[name](config);
    return config;
  };
  const touched = Object.fromEntries(
    (Object.keys(WEAKENINGS) as WeakeningName[]).map((name) => [
      name,
      touchedBy(parsed, weakenedJson([name])),
    ]),
  ) as Record<WeakeningName, string[]>;
  const groups = groupWeakenings(parsed, touched);
  // Two directories, each initialised once and re-planned per variant (init is a third of a
  // plan's time), planning side by side: terraform is one process per plan.
  const dirs: TerraformStackDir[] = [];
  // One init at a time: inits that run together race on the shared plugin cache.
  for (const name of ['weakened-a', 'weakened-b']) {
    const stack = workspace.addStack(name, [file], { offline: true });
    await stack.init();
    dirs.push(stack);
  }
  const variants: Array<[string, StackJson]> = [
    ['unchanged', parsed],
    ...groups.map((names): [string, StackJson] => [names.join('+'), weakenedJson(names)]),
  ];
  const planned = new Map<string, PlanJson>();
  await Promise.all(
    dirs.map(async (stack, i) => {
      for (const [name, config] of variants.filter((_, j) => j % dirs.length === i)) {
        planned.set(name, await planAgainst(stack, config, state, name));
      }
    }),
  );
  const unchangedAgainstState = planned.get('unchanged') as PlanJson;
  const joint = groups.map((names): JointPlan => ({
    names,
    plan: planned.get(names.join('+')) as PlanJson,
    touched: Object.fromEntries(names.map((name) => [name, touched[name]])),
  }));
  const weakened = Object.fromEntries(
    joint.flatMap(({ names, plan }) =>
      names.map((name) => [
        name,
        names.length === 1 ? plan : isolate(unchangedAgainstState, plan, touched[name]),
      ]),
    ),
  ) as Record<WeakeningName, PlanJson>;
  return {
    fresh,
    unchangedAgainstState,
    stateAddresses: (state.resources as Array<{ type: string; name: string }>).map(
      (r) => `${r.type}.${r.name}`,
    ),
    joint,
    weakened,
    seconds: (Date.now() - started) / 1000,
  };
}
