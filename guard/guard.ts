import { BastionConfig } from '../config';
import { DEFAULT_INVENTORY_BUCKET_PREFIX, RoleKey } from '../policies/arns';
import { backfillRolePolicy } from '../policies/backfill-role';
import { batchReplicationRolePolicy } from '../policies/batch-replication-role';
import { batchRestoreRolePolicy } from '../policies/batch-restore-role';
import { PolicyDocument } from '../policies/document';
import { heartbeatRolePolicy } from '../policies/heartbeat-role';
import { replicationRolePolicy } from '../policies/replication-role';
import { restoreRolePolicy } from '../policies/restore-role';
import { actorsOf } from '../review/actors';
import { s3ActionCatalog } from '../review/s3-actions';
import { Refusal, bucketRefusals } from './bucket-checks';
import { codeExecutionRefusals } from './code-checks';
import { encryptionRefusals } from './encryption-checks';
import { Floor } from './floor';
import { keyRefusals } from './key-checks';
import { TerraformPlan } from './plan-file';
import { PlanIndex } from './plan-index';
import { policyRefusals } from './policy-checks';

export interface GuardResult {
  /** Empty when the plan is safe. */
  readonly refusals: readonly Refusal[];
  /** One line: what was checked and the verdict. */
  readonly summary: string;
}

/**
 * The roles' permissions as the trusted checkout's policies/ writes them. A taken-over role is
 * evaluated with Action * on Resource * anyway (review/actors.ts), so this only matters for the
 * roles used as intended.
 */
const ROLE_POLICIES: Readonly<Record<RoleKey, (config: BastionConfig) => PolicyDocument>> = {
  replication: replicationRolePolicy,
  backfill: backfillRolePolicy,
  batchReplication: batchReplicationRolePolicy,
  restore: restoreRolePolicy,
  heartbeat: (config) => heartbeatRolePolicy(config, config.sourceBuckets),
  batchRestore: batchRestoreRolePolicy,
};

/**
 * Decides whether a Terraform plan of any stack weakens a backup bucket. `config` is the trusted
 * deployment config (the backup team's checkout), `floor` the minimums the plan must keep.
 */
export async function guardPlan(
  plan: TerraformPlan,
  config: BastionConfig,
  floor: Floor,
): Promise<GuardResult> {
  const index = new PlanIndex(plan);
  const actors = actorsOf(config, (role) => ROLE_POLICIES[role](config));
  const catalog = await s3ActionCatalog();
  const refusals: Refusal[] = [];
  if (plan.errored === true) {
    refusals.push({
      address: '(plan)',
      reason: 'the plan errored: it is incomplete and cannot be judged',
    });
  }
  refusals.push(...codeExecutionRefusals(index));
  const configured = config.sourceBuckets.map((b) => b.backupBucketName);
  // The S3 Inventory buckets (stacks/inventory.ts) keep reports, not backups.
  const inventoryPrefix = `${config.inventory?.bucketNamePrefix ?? DEFAULT_INVENTORY_BUCKET_PREFIX}-`;
  const buckets = index.backupBuckets(
    configured,
    (name) => !configured.includes(name) && name.startsWith(inventoryPrefix),
  );
  for (const bucket of buckets) {
    refusals.push(...bucketRefusals(bucket, floor));
    refusals.push(...(await policyRefusals(bucket, { config, actors, catalog })));
  }
  refusals.push(...encryptionRefusals(index, config, buckets));
  refusals.push(...(await keyRefusals(index, config, actors)));
  const keys = index.ofType('aws_kms_key').length;
  const checked =
    `${buckets.length} backup bucket${buckets.length === 1 ? '' : 's'}` +
    (buckets.length > 0 ? ` (${buckets.map((b) => b.name).join(', ')})` : '') +
    `, ${keys} KMS key${keys === 1 ? '' : 's'}, ${index.changes.length} resources; ` +
    `floor: noncurrent versions kept >= ${floor.noncurrentVersionRetentionDays} days` +
    (floor.objectLockDays !== undefined ? `, Object Lock >= ${floor.objectLockDays} days` : '');
  const summary =
    refusals.length === 0
      ? `safe: nothing weakens a backup bucket. Checked ${checked}.`
      : `REFUSED: ${refusals.length} reason${refusals.length === 1 ? '' : 's'}. Checked ${checked}.`;
  return { refusals, summary };
}

export function formatRefusal(refusal: Refusal): string {
  return `${refusal.address}: ${refusal.reason}`;
}
