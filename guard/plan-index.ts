import { ConfigModule, ConfigResource, ResourceChange, TerraformPlan, Values } from './plan-file';

/** The resource types that make up one backup bucket in the backup stack (stacks/backup-stack.ts). */
export const BUCKET_SETTING_TYPES = [
  'aws_s3_bucket_policy',
  'aws_s3_bucket_versioning',
  'aws_s3_bucket_public_access_block',
  'aws_s3_bucket_ownership_controls',
  'aws_s3_bucket_lifecycle_configuration',
  'aws_s3_bucket_object_lock_configuration',
] as const;
export type BucketSettingType = (typeof BUCKET_SETTING_TYPES)[number];

/** One backup bucket's resources in a plan, each with its planned change. */
export interface PlannedBucket {
  readonly name: string;
  readonly bucket: readonly ResourceChange[];
  readonly settings: Readonly<Record<BucketSettingType, readonly ResourceChange[]>>;
}

export function isDelete(change: ResourceChange): boolean {
  return change.change.actions.includes('delete') || change.change.actions.includes('forget');
}

export function isReplace(change: ResourceChange): boolean {
  return change.change.actions.includes('delete') && change.change.actions.includes('create');
}

/** What the change leaves in place: the planned values, or none when it deletes the resource. */
export function remaining(change: ResourceChange): Values | null {
  return change.change.actions.includes('delete') && !change.change.actions.includes('create')
    ? null
    : change.change.after;
}

/** Whether the plan deletes the bucket itself (the checks of its settings then do not apply). */
export function bucketGoes(bucket: PlannedBucket): boolean {
  return bucket.bucket.length > 0 && bucket.bucket.every((b) => remaining(b) === null);
}

function configResources(
  module: ConfigModule | undefined,
  prefix = '',
): Map<string, ConfigResource> {
  const found = new Map<string, ConfigResource>();
  for (const r of module?.resources ?? []) found.set(`${prefix}${r.address}`, r);
  for (const [name, call] of Object.entries(module?.module_calls ?? {})) {
    for (const [k, v] of configResources(call.module, `${prefix}module.${name}.`)) found.set(k, v);
  }
  return found;
}

/** `aws_s3_bucket.x[0]` -> `aws_s3_bucket.x`: the configuration lists resources without keys. */
function withoutIndex(address: string): string {
  return address.replace(/\[[^\]]*\]$/, '');
}

/** Looks resources and their configuration up by address. */
export class PlanIndex {
  readonly changes: readonly ResourceChange[];
  private readonly config: Map<string, ConfigResource>;
  private readonly byAddress: Map<string, ResourceChange>;

  constructor(readonly plan: TerraformPlan) {
    this.changes = (plan.resource_changes ?? []).filter((c) => c.mode === 'managed');
    this.config = configResources(plan.configuration?.root_module);
    this.byAddress = new Map(this.changes.map((c) => [c.address, c]));
  }

  configOf(change: ResourceChange): ConfigResource | undefined {
    return this.config.get(withoutIndex(change.address));
  }

  /** Every resource in the configuration (and its modules). */
  configResources(): readonly ConfigResource[] {
    return [...this.config.values()];
  }

  ofType(type: string): ResourceChange[] {
    return this.changes.filter((c) => c.type === type);
  }

  /**
   * A string attribute as planned, before, or, when it is only known after apply (a reference
   * such as `aws_s3_bucket.x.id`), the referenced resource's `targetAttribute`.
   */
  stringAttribute(
    change: ResourceChange,
    attribute: string,
    targetAttribute: string,
  ): string | undefined {
    for (const values of [change.change.after, change.change.before]) {
      const v = values?.[attribute];
      if (typeof v === 'string') return v;
    }
    const module = change.module_address ? `${change.module_address}.` : '';
    for (const ref of this.configOf(change)?.expressions?.[attribute]?.references ?? []) {
      const target = this.byAddress.get(`${module}${ref}`);
      if (!target) continue;
      for (const values of [target.change.after, target.change.before]) {
        const v = values?.[targetAttribute];
        if (typeof v === 'string') return v;
      }
    }
    return undefined;
  }

  /** The bucket names an aws_s3_bucket change touches: before and after (a rename is both). */
  private bucketNames(change: ResourceChange): string[] {
    const names = [change.change.before?.bucket, change.change.after?.bucket];
    return [...new Set(names.filter((n): n is string => typeof n === 'string'))];
  }

  /**
   * The backup buckets of the plan: the backup buckets the config names, and every other
   * `aws_s3_bucket` in it that `isOtherBucket` does not claim (the backup stack's only other
   * bucket is the S3 Inventory bucket), each with the settings that target it. A bucket that is
   * renamed or replaced counts under its old name too.
   */
  backupBuckets(
    configuredNames: readonly string[],
    isOtherBucket: (name: string) => boolean,
  ): PlannedBucket[] {
    const names = new Set(configuredNames);
    for (const b of this.ofType('aws_s3_bucket')) {
      for (const name of this.bucketNames(b)) if (!isOtherBucket(name)) names.add(name);
    }
    const buckets: PlannedBucket[] = [];
    for (const name of [...names].sort()) {
      const bucket = this.ofType('aws_s3_bucket').filter((b) => this.bucketNames(b).includes(name));
      const settings = Object.fromEntries(
        BUCKET_SETTING_TYPES.map((type) => [
          type,
          this.ofType(type).filter((c) => this.stringAttribute(c, 'bucket', 'bucket') === name),
        ]),
      ) as Record<BucketSettingType, ResourceChange[]>;
      if (bucket.length === 0 && Object.values(settings).every((s) => s.length === 0)) continue;
      buckets.push({ name, bucket, settings });
    }
    return buckets;
  }
}
