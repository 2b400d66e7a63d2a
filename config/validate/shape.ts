import type {
  AccountConfig,
  AlertsConfig,
  BastionConfig,
  HeartbeatConfig,
  InventoryConfig,
  ObjectLockConfig,
  RoleNamesConfig,
  SourceBucketConfig,
  TerraformCloudConfig,
} from '../types';
import type { ConfigProblem } from './rules';

/**
 * The config's shape, checked before any rule: a key the types do not know (`backupRegon`), a
 * required key that is missing, a value of the wrong JSON type. TypeScript catches these only
 * when the config file is type-checked, and `tsx` does not type-check: without this a typo
 * synthesizes silently (the backup in the production region) and a missing key crashes later.
 */

type Field<Optional extends boolean> = { readonly optional: Optional } & (
  | { readonly kind: 'string' | 'number' | 'boolean' }
  | { readonly kind: 'strings' }
  | { readonly kind: 'record' }
  | { readonly kind: 'object'; readonly fields: Fields<object> }
  | { readonly kind: 'objects'; readonly fields: Fields<object> }
);

/** One field per key of T, optional exactly where T's key is: the compiler keeps it in step. */
type Fields<T> = {
  readonly [K in keyof Required<T>]: Field<undefined extends T[K] ? true : false>;
};

const required = <K extends Field<false>['kind']>(kind: K) => ({ kind, optional: false }) as const;
const optional = <K extends Field<true>['kind']>(kind: K) => ({ kind, optional: true }) as const;

const ACCOUNT: Fields<AccountConfig> = {
  accountId: required('string'),
  deployRoleArn: optional('string'),
};

const SOURCE_BUCKET: Fields<SourceBucketConfig> = {
  name: required('string'),
  region: required('string'),
  backupBucketName: required('string'),
  backupRegion: optional('string'),
  noncurrentVersionRetentionDays: required('number'),
  shortRetentionReason: optional('string'),
  replicaStorageClass: optional('string'),
  sourceKmsKeyArn: optional('string'),
  manageSourceVersioning: optional('boolean'),
  replicationTimeControl: optional('boolean'),
};

const OBJECT_LOCK: Fields<ObjectLockConfig> = {
  mode: required('string'),
  days: required('number'),
  longerThanRetentionReason: optional('string'),
  maxReplicaRetentionDays: optional('number'),
};

const ROLE_NAMES: Fields<RoleNamesConfig> = {
  replication: optional('string'),
  backfill: optional('string'),
  batchReplication: optional('string'),
  restore: optional('string'),
  heartbeat: optional('string'),
  batchRestore: optional('string'),
};

const HEARTBEAT: Fields<HeartbeatConfig> = {
  enabled: optional('boolean'),
  intervalMinutes: optional('number'),
  alarmAfterMinutes: optional('number'),
  key: optional('string'),
};

const ALERTS: Fields<AlertsConfig> = {
  emailAddresses: optional('strings'),
  deleteMarkersPerHour: optional('number'),
  newVersionsPerHour: optional('number'),
  failedReplicationsPer15Minutes: optional('number'),
  replicationLatencyMinutes: optional('number'),
  deleteMarkersPerDay: optional('number'),
  deleteMarkersPerWeek: optional('number'),
  newVersionsPerDay: optional('number'),
  newVersionsPerWeek: optional('number'),
  lifecycleDeletionsPerDay: optional('number'),
  heartbeat: { kind: 'object', optional: true, fields: HEARTBEAT },
};

const INVENTORY: Fields<InventoryConfig> = {
  enabled: optional('boolean'),
  bucketNamePrefix: optional('string'),
  format: optional('string'),
  reportRetentionDays: optional('number'),
};

const TERRAFORM_CLOUD: Fields<TerraformCloudConfig> = {
  organization: required('string'),
  workspaceNames: optional('record'),
  workspacePrefix: optional('string'),
  hostname: optional('string'),
};

export const CONFIG_SHAPE: Fields<BastionConfig> = {
  partition: optional('string'),
  primary: { kind: 'object', optional: false, fields: ACCOUNT },
  backup: { kind: 'object', optional: false, fields: ACCOUNT },
  sourceBuckets: { kind: 'objects', optional: false, fields: SOURCE_BUCKET },
  backupEncryption: optional('string'),
  objectLock: { kind: 'object', optional: true, fields: OBJECT_LOCK },
  backfillPrincipalArns: required('strings'),
  replicaKmsKeyArns: optional('record'),
  restorePrincipalArns: optional('strings'),
  restoreTargetBucketNames: optional('strings'),
  batchReplicationReportBucket: optional('string'),
  batchReplicationReportPrefix: optional('string'),
  roleNames: { kind: 'object', optional: true, fields: ROLE_NAMES },
  alerts: { kind: 'object', optional: true, fields: ALERTS },
  defaultTags: optional('record'),
  inventory: { kind: 'object', optional: true, fields: INVENTORY },
  terraformCloud: { kind: 'object', optional: true, fields: TERRAFORM_CLOUD },
};

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/** Levenshtein distance, for "did you mean": a typo is one or two edits away. */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j];
      row[j] = Math.min(
        row[j] + 1,
        row[j - 1] + 1,
        diagonal + (a[i - 1].toLowerCase() === b[j - 1].toLowerCase() ? 0 : 1),
      );
      diagonal = above;
    }
  }
  return row[b.length];
}

function unknownKeyRule(key: string, known: readonly string[]): string {
  const close = known
    .map((k) => ({ k, d: distance(key, k) }))
    .filter(({ d }) => d <= 2)
    .sort((x, y) => x.d - y.d)[0];
  return close
    ? `unknown key: did you mean '${close.k}'?`
    : `unknown key: expected one of ${known.join(', ')}`;
}

const join = (path: string, key: string) => (path ? `${path}.${key}` : key);

function checkFields(
  value: Record<string, unknown>,
  fields: Fields<object>,
  path: string,
  problems: ConfigProblem[],
): void {
  const known = Object.keys(fields);
  for (const key of Object.keys(value)) {
    if (!known.includes(key)) {
      problems.push({ path: join(path, key), value: value[key], rule: unknownKeyRule(key, known) });
    }
  }
  for (const [key, field] of Object.entries(fields) as Array<[string, Field<boolean>]>) {
    checkField(value[key], field, join(path, key), problems);
  }
}

function checkField(
  value: unknown,
  field: Field<boolean>,
  path: string,
  problems: ConfigProblem[],
): void {
  if (value === undefined) {
    if (!field.optional) problems.push({ path, value, rule: 'required, but missing' });
    return;
  }
  const wrong = (expected: string): void => {
    problems.push({ path, value, rule: `must be ${expected}, not ${typeName(value)}` });
  };
  switch (field.kind) {
    case 'string':
    case 'number':
    case 'boolean':
      if (typeof value !== field.kind) wrong(`a ${field.kind}`);
      return;
    case 'strings':
      if (!Array.isArray(value)) return wrong('a list of strings');
      value.forEach((item, i) => {
        if (typeof item !== 'string') {
          problems.push({
            path: `${path}[${i}]`,
            value: item,
            rule: `must be a string, not ${typeName(item)}`,
          });
        }
      });
      return;
    case 'record':
      if (!isObject(value)) return wrong('an object of strings');
      for (const [key, item] of Object.entries(value)) {
        if (typeof item !== 'string') {
          problems.push({
            path: join(path, key),
            value: item,
            rule: `must be a string, not ${typeName(item)}`,
          });
        }
      }
      return;
    case 'object':
      if (!isObject(value)) return wrong('an object');
      return checkFields(value, field.fields, path, problems);
    case 'objects':
      if (!Array.isArray(value)) return wrong('a list of objects');
      value.forEach((item, i) => {
        if (!isObject(item)) {
          problems.push({
            path: `${path}[${i}]`,
            value: item,
            rule: `must be an object, not ${typeName(item)}`,
          });
        } else {
          checkFields(item, field.fields, `${path}[${i}]`, problems);
        }
      });
  }
}

/** Every shape problem of a value that should be a BastionConfig; empty when the shape is right. */
export function shapeProblems(config: unknown): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  if (!isObject(config)) {
    return [{ path: 'config', value: config, rule: `must be an object, not ${typeName(config)}` }];
  }
  checkFields(config, CONFIG_SHAPE, '', problems);
  return problems;
}
