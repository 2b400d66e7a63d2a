import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { App } from 'cdktf';
import { BastionConfig, exampleConfig } from '../../config';
import { validateConfig } from '../../config/validate';
import { buildApp } from '../../stacks/app';
import { planOffline } from '../../terraform/plan-offline';
import { PlanJson, TerraformStackDir, TerraformWorkspace } from '../../terraform/workspace';

/**
 * Real plans for the guard's tests: the example stacks planned offline (as `npm run plan:offline`
 * does), and deliberately weakened copies of the backup stack's cdk.tf.json planned against a
 * state that holds the unchanged deployment (crafted from the unchanged plan's values, planned
 * with -refresh=false: nothing can reach AWS). Every plan is made once per test run.
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

export interface RealPlans {
  readonly fresh: Readonly<Record<string, PlanJson>>;
  readonly unchangedAgainstState: PlanJson;
  /** Addresses of the resources the crafted state holds. */
  readonly stateAddresses: readonly string[];
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

/** Plans the example and every weakening once; the caller disposes of the workspace. */
export async function makeRealPlans(workspace: TerraformWorkspace): Promise<RealPlans> {
  const started = Date.now();
  const outdir = join(workspace.root, 'synth');
  const app = new App({ outdir });
  buildApp(app, validateConfig(GUARDED_CONFIG));
  app.synth();
  const fresh = Object.fromEntries(
    (await planOffline(outdir, workspace)).map((r) => [r.stack, r.plan]),
  );
  const file = join(outdir, 'stacks', BACKUP_STACK, 'cdk.tf.json');
  const original = readFileSync(file, 'utf8');
  const alias = (JSON.parse(original) as StackJson).provider.aws[0].alias ?? '';
  const state = stateFromPlan(fresh[BACKUP_STACK], alias);
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
    ['unchanged', JSON.parse(original) as StackJson],
    ...(Object.entries(WEAKENINGS) as [WeakeningName, Weakening][]).map(
      ([name, weaken]): [string, StackJson] => {
        const config = JSON.parse(original) as StackJson;
        weaken(config);
        return [name, config];
      },
    ),
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
  const weakened = Object.fromEntries(
    Object.keys(WEAKENINGS).map((name) => [name, planned.get(name) as PlanJson]),
  ) as Record<WeakeningName, PlanJson>;
  return {
    fresh,
    unchangedAgainstState,
    stateAddresses: (state.resources as Array<{ type: string; name: string }>).map(
      (r) => `${r.type}.${r.name}`,
    ),
    weakened,
    seconds: (Date.now() - started) / 1000,
  };
}
