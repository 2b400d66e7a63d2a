import {
  blocksOf,
  firstBlockOf,
  LockWeakening,
  lockRetentionOf,
  objectLockTurnedOff,
  objectLockWeakenings,
  publicAccessBlockTurnedOff,
  REQUIRED_BUCKET_SETTINGS,
  versioningTurnedOff,
} from '../terraform/resource-weakenings';
import { Floor } from './floor';
import { PlannedBucket, bucketGoes, isDelete, isReplace, remaining } from './plan-index';

/** One reason to refuse a plan: the resource it concerns and what is wrong, in one line. */
export interface Refusal {
  readonly address: string;
  readonly reason: string;
}

const BUCKET_RESOURCE_LABELS: Readonly<Record<string, string>> = {
  aws_s3_bucket: 'the backup bucket',
  aws_s3_bucket_policy: 'its bucket policy',
  aws_s3_bucket_lifecycle_configuration: 'its lifecycle configuration (the retention window)',
  aws_s3_bucket_versioning: 'its versioning configuration',
  aws_s3_bucket_public_access_block: 'its public access block',
  aws_s3_bucket_ownership_controls: 'its ownership controls',
  aws_s3_bucket_object_lock_configuration: 'its Object Lock configuration',
};

/** A backup bucket or any of its settings destroyed, replaced or dropped from state. */
function destroyed(bucket: PlannedBucket): Refusal[] {
  const refusals: Refusal[] = [];
  for (const change of [...bucket.bucket, ...Object.values(bucket.settings).flat()]) {
    if (!isDelete(change)) continue;
    const what = BUCKET_RESOURCE_LABELS[change.type] ?? change.type;
    const how = isReplace(change)
      ? 'replaced (destroyed, then created anew)'
      : change.change.actions.includes('forget')
        ? 'removed from Terraform state (forget)'
        : 'destroyed';
    refusals.push({ address: change.address, reason: `${bucket.name}: ${what} is ${how}` });
  }
  return refusals;
}

/** The settings a backup bucket must keep, as planned. Skipped when the bucket itself goes. */
function settings(bucket: PlannedBucket): Refusal[] {
  const refusals: Refusal[] = [];
  if (bucketGoes(bucket)) return refusals;
  const address = bucket.bucket[0]?.address ?? bucket.name;
  /** The setting's resources that remain after the plan; none is itself a refusal. */
  const required = (type: keyof PlannedBucket['settings'], missing: string) => {
    const left = bucket.settings[type]
      .map((c) => ({ change: c, after: remaining(c) }))
      .filter((s) => s.after !== null);
    if (left.length === 0) refusals.push({ address, reason: `${bucket.name}: ${missing}` });
    return left;
  };

  const versioning = required(
    'aws_s3_bucket_versioning',
    'no versioning configuration: versioning must be Enabled',
  );
  for (const { change, after } of versioning) {
    const off = versioningTurnedOff(REQUIRED_BUCKET_SETTINGS.versioning, after);
    if (off) {
      refusals.push({
        address: change.address,
        reason: `${bucket.name}: versioning is ${JSON.stringify(off.status)}, must be "Enabled"`,
      });
    }
  }

  const pab = required(
    'aws_s3_bucket_public_access_block',
    'no public access block: all four settings must be on',
  );
  for (const { change, after } of pab) {
    const required = REQUIRED_BUCKET_SETTINGS.publicAccessBlock;
    for (const { setting, value } of publicAccessBlockTurnedOff(required, after)) {
      refusals.push({
        address: change.address,
        reason: `${bucket.name}: public access block ${setting} is ${JSON.stringify(value)}, must be true`,
      });
    }
  }

  const ownership = required(
    'aws_s3_bucket_ownership_controls',
    'no ownership controls: ownership must be BucketOwnerEnforced',
  );
  for (const { change, after } of ownership) {
    const value = firstBlockOf(after, 'rule')?.object_ownership;
    if (value !== 'BucketOwnerEnforced') {
      refusals.push({
        address: change.address,
        reason: `${bucket.name}: object ownership is ${JSON.stringify(value)}, must be "BucketOwnerEnforced" (ACLs disabled)`,
      });
    }
  }
  return refusals;
}

/** Object Lock turned off, its retention removed, shortened, loosened, or under the floor. */
function objectLock(bucket: PlannedBucket, floor: Floor): Refusal[] {
  const refusals: Refusal[] = [];
  for (const b of bucket.bucket) {
    if (objectLockTurnedOff(b.change.before, b.change.after)) {
      refusals.push({
        address: b.address,
        reason: `${bucket.name}: Object Lock is turned off on the bucket`,
      });
    }
  }
  const configurations = bucket.settings.aws_s3_bucket_object_lock_configuration;
  for (const change of configurations) {
    const after = lockRetentionOf(remaining(change));
    for (const weakening of objectLockWeakenings(change.change.before, remaining(change))) {
      // A destroyed configuration is refused as such (destroyed()).
      if (weakening.kind === 'retention-removed' && isDelete(change)) continue;
      refusals.push({ address: change.address, reason: `${bucket.name}: ${lockText(weakening)}` });
    }
    if (after && floor.objectLockDays !== undefined && after.days < floor.objectLockDays) {
      refusals.push({
        address: change.address,
        reason: `${bucket.name}: Object Lock retention ${after.days} days is below the floor of ${floor.objectLockDays} days`,
      });
    }
  }
  const kept = configurations.filter((c) => lockRetentionOf(remaining(c)) !== undefined);
  if (floor.objectLockDays !== undefined && kept.length === 0 && !bucketGoes(bucket)) {
    refusals.push({
      address: bucket.bucket[0]?.address ?? bucket.name,
      reason: `${bucket.name}: no Object Lock default retention; the floor requires at least ${floor.objectLockDays} days`,
    });
  }
  return refusals;
}

function lockText(weakening: LockWeakening): string {
  switch (weakening.kind) {
    case 'retention-removed':
      return 'the Object Lock default retention is removed';
    case 'retention-shortened':
      return `Object Lock retention shortened from ${weakening.before.days} to ${weakening.after.days} days`;
    case 'mode-loosened':
      return `Object Lock mode loosened from COMPLIANCE to ${String(weakening.after.mode)}`;
  }
}

/** Every enabled lifecycle rule that expires noncurrent versions sooner than the floor. */
function retention(bucket: PlannedBucket, floor: Floor): Refusal[] {
  const refusals: Refusal[] = [];
  for (const change of bucket.settings.aws_s3_bucket_lifecycle_configuration) {
    for (const rule of blocksOf(remaining(change), 'rule')) {
      if (rule.status !== 'Enabled') continue;
      for (const expiration of blocksOf(rule, 'noncurrent_version_expiration')) {
        const days = expiration.noncurrent_days;
        if (typeof days === 'number' && days < floor.noncurrentVersionRetentionDays) {
          refusals.push({
            address: change.address,
            reason: `${bucket.name}: lifecycle rule ${JSON.stringify(rule.id)} expires noncurrent versions after ${days} days, below the floor of ${floor.noncurrentVersionRetentionDays} days`,
          });
        }
      }
    }
  }
  return refusals;
}

/** Every check on one bucket that needs no policy evaluation. */
export function bucketRefusals(bucket: PlannedBucket, floor: Floor): Refusal[] {
  return [
    ...destroyed(bucket),
    ...settings(bucket),
    ...objectLock(bucket, floor),
    ...retention(bucket, floor),
  ];
}
