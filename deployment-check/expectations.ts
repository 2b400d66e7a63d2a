import { BastionConfig, SourceBucketConfig } from '../config';
import { backupRegionOf, partitionOf } from '../policies/arns';
import type { SynthesizedStack, TerraformResource } from '../terraform/synthesized';

/**
 * What the deployment should look like, read from the synthesized `cdk.tf.json` of every stack
 * (not recomputed from the stack classes): alarms, topics and backup-bucket settings that other
 * changes add or rename flow into the check without touching it.
 */

export interface AlarmExpectation {
  readonly stack: string;
  readonly account: 'primary' | 'backup';
  readonly accountId: string;
  readonly region: string;
  readonly alarmName: string;
  /** SNS topic ARNs of the alarm actions, computed from the topic resources' names. */
  readonly topicArns: readonly string[];
  readonly namespace?: string;
  readonly metricName?: string;
  /** Literal dimensions only; a dimension that is a Terraform reference is left out. */
  readonly dimensions: Readonly<Record<string, string>>;
}

/** The backup bucket's settings as the backup stack declares them (Terraform attribute names). */
export interface BackupBucketDeclaration {
  readonly bucket: string;
  readonly stack: string;
  readonly region: string;
  readonly versioning?: TerraformResource;
  readonly publicAccessBlock?: TerraformResource;
  readonly ownership?: TerraformResource;
  readonly encryption?: TerraformResource;
  readonly lifecycle?: TerraformResource;
  readonly policy?: string;
}

export interface Expectations {
  readonly alarms: readonly AlarmExpectation[];
  readonly backupBuckets: ReadonlyMap<string, BackupBucketDeclaration>;
}

const REFERENCE = /^\$\{([a-z0-9_]+)\.([^.}]+)\.([a-z_]+)\}$/;

function providerOf(stack: SynthesizedStack): { region: string; accountId: string } {
  const provider = stack.json.provider?.aws?.[0] ?? {};
  const accounts = provider.allowed_account_ids;
  return {
    region: typeof provider.region === 'string' ? provider.region : '',
    accountId: Array.isArray(accounts) ? String(accounts[0]) : '',
  };
}

/** `${aws_s3_bucket.x.id}` -> that bucket's name; a literal stays as it is. */
function bucketNameOf(stack: SynthesizedStack, value: unknown): string {
  const match = REFERENCE.exec(String(value));
  if (!match || match[1] !== 'aws_s3_bucket') return String(value);
  return String(stack.json.resource?.aws_s3_bucket?.[match[2]]?.bucket ?? value);
}

function topicArnOf(
  config: BastionConfig,
  stack: SynthesizedStack,
  action: unknown,
  region: string,
  accountId: string,
): string | undefined {
  const text = String(action);
  const match = REFERENCE.exec(text);
  if (!match) return text.startsWith('arn:') ? text : undefined;
  if (match[1] !== 'aws_sns_topic') return undefined;
  const name = stack.json.resource?.aws_sns_topic?.[match[2]]?.name;
  if (typeof name !== 'string') return undefined;
  return `arn:${partitionOf(config)}:sns:${region}:${accountId}:${name}`;
}

function alarmsOf(config: BastionConfig, stack: SynthesizedStack): AlarmExpectation[] {
  const { region, accountId } = providerOf(stack);
  const account = accountId === config.backup.accountId ? 'backup' : 'primary';
  return Object.values(stack.json.resource?.aws_cloudwatch_metric_alarm ?? {}).map((alarm) => {
    const actions = Array.isArray(alarm.alarm_actions) ? alarm.alarm_actions : [];
    const dimensions: Record<string, string> = {};
    for (const [name, value] of Object.entries(
      (alarm.dimensions as Record<string, unknown> | undefined) ?? {},
    )) {
      if (typeof value === 'string' && !value.includes('${')) dimensions[name] = value;
    }
    return {
      stack: stack.name,
      account,
      accountId,
      region,
      alarmName: String(alarm.alarm_name),
      topicArns: actions
        .map((a) => topicArnOf(config, stack, a, region, accountId))
        .filter((arn): arn is string => arn !== undefined),
      namespace: typeof alarm.namespace === 'string' ? alarm.namespace : undefined,
      metricName: typeof alarm.metric_name === 'string' ? alarm.metric_name : undefined,
      dimensions,
    };
  });
}

const BUCKET_SETTINGS = {
  versioning: 'aws_s3_bucket_versioning',
  publicAccessBlock: 'aws_s3_bucket_public_access_block',
  ownership: 'aws_s3_bucket_ownership_controls',
  encryption: 'aws_s3_bucket_server_side_encryption_configuration',
  lifecycle: 'aws_s3_bucket_lifecycle_configuration',
} as const;

function backupBucketsOf(
  config: BastionConfig,
  stack: SynthesizedStack,
): BackupBucketDeclaration[] {
  const { region, accountId } = providerOf(stack);
  if (accountId !== config.backup.accountId) return [];
  const resources = stack.json.resource ?? {};
  return Object.values(resources.aws_s3_bucket ?? {}).map((bucketResource) => {
    const bucket = String(bucketResource.bucket);
    const settingOf = (type: string) =>
      Object.values(resources[type] ?? {}).find((r) => bucketNameOf(stack, r.bucket) === bucket);
    const policy = settingOf('aws_s3_bucket_policy')?.policy;
    return {
      bucket,
      stack: stack.name,
      region,
      versioning: settingOf(BUCKET_SETTINGS.versioning),
      publicAccessBlock: settingOf(BUCKET_SETTINGS.publicAccessBlock),
      ownership: settingOf(BUCKET_SETTINGS.ownership),
      encryption: settingOf(BUCKET_SETTINGS.encryption),
      lifecycle: settingOf(BUCKET_SETTINGS.lifecycle),
      policy: typeof policy === 'string' ? policy : undefined,
    };
  });
}

export function readExpectations(
  config: BastionConfig,
  stacks: readonly SynthesizedStack[],
): Expectations {
  return {
    alarms: stacks.flatMap((stack) => alarmsOf(config, stack)),
    backupBuckets: new Map(
      stacks.flatMap((stack) => backupBucketsOf(config, stack)).map((d) => [d.bucket, d]),
    ),
  };
}

/** A source bucket and its backup, with the regions they live in. */
export interface BucketPair {
  readonly source: SourceBucketConfig;
  readonly sourceRegion: string;
  readonly backupBucket: string;
  readonly backupRegion: string;
  /** `source -> backup`, how the report names the pair. */
  readonly label: string;
}

export function bucketPairs(config: BastionConfig): BucketPair[] {
  return config.sourceBuckets.map((source) => ({
    source,
    sourceRegion: source.region,
    backupBucket: source.backupBucketName,
    backupRegion: backupRegionOf(source),
    label: `${source.name} -> ${source.backupBucketName}`,
  }));
}
