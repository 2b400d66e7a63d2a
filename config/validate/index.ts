import { BastionConfig, REPLICA_STORAGE_CLASSES, RESTORE_READABLE_STORAGE_CLASSES } from '..';
import { planStacks } from '../../stacks/topology';
import { inventoryProblems } from './inventory';

/** One broken rule: where in the config, the value found, and the rule it breaks. */
export interface ConfigProblem {
  readonly path: string;
  readonly value: unknown;
  readonly rule: string;
}

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

const ACCOUNT_ID = /^\d{12}$/;
// Commercial (us-east-1), GovCloud (us-gov-west-1), China (cn-north-1), ISO (us-iso-east-1).
const REGION = /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d{1,2}$/;
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html (RoleName)
const ROLE_NAME = /^[\w+=,.@-]{1,64}$/;
const PARTITIONS = ['aws', 'aws-cn', 'aws-us-gov'];
// An IAM role or user, with an optional path: arn:aws:iam::111111111111:role/path/name
const PRINCIPAL_ARN = /^arn:([a-z-]+):iam::(\d{12}):(role|user)\/([\w+=,.@/-]{1,512})$/;
const KMS_KEY_ARN = /^arn:([a-z-]+):kms:([a-z0-9-]+):(\d{12}):key\/[0-9a-f-]{36}$/;
const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;
const WORKSPACE_NAME = /^[A-Za-z0-9_-]{1,90}$/;

/**
 * The S3 general purpose bucket naming rules, each as its own message.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html
 */
export function bucketNameRuleViolations(name: string): string[] {
  const broken: string[] = [];
  if (name.length < 3 || name.length > 63) broken.push('must be 3 to 63 characters long');
  if (!/^[a-z0-9.-]*$/.test(name)) {
    broken.push('may hold only lowercase letters, digits, dots and hyphens');
  }
  if (!/^[a-z0-9]/.test(name) || !/[a-z0-9]$/.test(name)) {
    broken.push('must begin and end with a lowercase letter or a digit');
  }
  if (name.includes('..')) broken.push("must not contain two adjacent dots ('..')");
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(name)) {
    broken.push('must not be formatted as an IP address');
  }
  for (const prefix of ['xn--', 'sthree-', 'amzn-s3-demo-']) {
    if (name.startsWith(prefix)) broken.push(`must not begin with the reserved prefix '${prefix}'`);
  }
  for (const suffix of ['-s3alias', '--ol-s3', '.mrap', '--x-s3', '--table-s3']) {
    if (name.endsWith(suffix)) broken.push(`must not end with the reserved suffix '${suffix}'`);
  }
  return broken;
}

function isPositiveInteger(n: unknown): n is number {
  return typeof n === 'number' && Number.isInteger(n) && n > 0;
}

/** Every problem of the config, in config order; empty when it is valid. */
export function findConfigProblems(config: BastionConfig): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const problem = (path: string, value: unknown, rule: string) =>
    problems.push({ path, value, rule });
  const partition = config.partition ?? 'aws';

  if (!PARTITIONS.includes(partition)) {
    problem('partition', partition, `must be one of ${PARTITIONS.join(', ')}`);
  }

  const checkPrincipalArn = (path: string, arn: string) => {
    const m = PRINCIPAL_ARN.exec(arn);
    if (!m) {
      problem(
        path,
        arn,
        'must be an IAM role or user ARN: arn:<partition>:iam::<account>:role/<name>',
      );
    } else if (m[1] !== partition) {
      problem(path, arn, `must be in the configured partition '${partition}'`);
    }
  };

  for (const side of ['primary', 'backup'] as const) {
    const account = config[side];
    if (!ACCOUNT_ID.test(account.accountId)) {
      problem(`${side}.accountId`, account.accountId, 'must be exactly 12 digits');
    }
    if (account.deployRoleArn !== undefined) {
      checkPrincipalArn(`${side}.deployRoleArn`, account.deployRoleArn);
    }
  }
  if (config.primary.accountId === config.backup.accountId) {
    problem(
      'backup.accountId',
      config.backup.accountId,
      'must differ from primary.accountId: the backup must live in a second account that primary admins do not control',
    );
  }

  if (config.sourceBuckets.length === 0) {
    problem('sourceBuckets', [], 'must name at least one source bucket');
  }
  const bucketNamePaths = new Map<string, string>();
  const checkBucketName = (path: string, name: string) => {
    for (const rule of bucketNameRuleViolations(name))
      problem(path, name, `S3 bucket name ${rule}`);
    const firstPath = bucketNamePaths.get(name);
    if (firstPath !== undefined) {
      problem(
        path,
        name,
        `must be distinct from every other bucket name, but ${firstPath} has it too`,
      );
    } else {
      bucketNamePaths.set(name, path);
    }
  };
  const checkRegion = (path: string, region: string) => {
    if (!REGION.test(region)) {
      problem(path, region, 'must be an AWS region name such as us-east-1 or eu-central-1');
    }
  };

  config.sourceBuckets.forEach((bucket, i) => {
    const at = `sourceBuckets[${i}]`;
    checkBucketName(`${at}.name`, bucket.name);
    checkBucketName(`${at}.backupBucketName`, bucket.backupBucketName);
    checkRegion(`${at}.region`, bucket.region);
    if (bucket.backupRegion !== undefined) checkRegion(`${at}.backupRegion`, bucket.backupRegion);
    if (!isPositiveInteger(bucket.noncurrentVersionRetentionDays)) {
      problem(
        `${at}.noncurrentVersionRetentionDays`,
        bucket.noncurrentVersionRetentionDays,
        'must be a positive whole number of days',
      );
    }
    const storageClass: string | undefined = bucket.replicaStorageClass;
    if (storageClass === undefined) {
      // Replicas keep the source object's class (see docs/backup-integrity.md).
    } else if (!(REPLICA_STORAGE_CLASSES as readonly string[]).includes(storageClass)) {
      problem(
        `${at}.replicaStorageClass`,
        storageClass,
        `must be one of ${RESTORE_READABLE_STORAGE_CLASSES.join(', ')}`,
      );
    } else if (!(RESTORE_READABLE_STORAGE_CLASSES as readonly string[]).includes(storageClass)) {
      problem(
        `${at}.replicaStorageClass`,
        storageClass,
        `must be a class the restore reads without RestoreObject (${RESTORE_READABLE_STORAGE_CLASSES.join(', ')}): ` +
          'an archived replica needs a restore request and hours of waiting before it can be read, ' +
          'which the restore path does not do, and bills a minimum storage duration',
      );
    }
    if (bucket.sourceKmsKeyArn !== undefined) {
      const m = KMS_KEY_ARN.exec(bucket.sourceKmsKeyArn);
      if (!m) {
        problem(
          `${at}.sourceKmsKeyArn`,
          bucket.sourceKmsKeyArn,
          'must be a KMS key ARN: arn:<partition>:kms:<region>:<account>:key/<key id>',
        );
      } else if (
        m[1] !== partition ||
        m[2] !== bucket.region ||
        m[3] !== config.primary.accountId
      ) {
        problem(
          `${at}.sourceKmsKeyArn`,
          bucket.sourceKmsKeyArn,
          `must be a key of the primary account ${config.primary.accountId} in the bucket's region ${bucket.region}, partition '${partition}'`,
        );
      }
    }
  });

  const kmsBackupRegions = new Set(
    config.sourceBuckets
      .filter((b) => b.sourceKmsKeyArn !== undefined)
      .map((b) => b.backupRegion ?? b.region),
  );
  for (const [region, arn] of Object.entries(config.replicaKmsKeyArns ?? {})) {
    const at = `replicaKmsKeyArns['${region}']`;
    const m = KMS_KEY_ARN.exec(arn);
    if (!m) {
      problem(
        at,
        arn,
        'must be a KMS key ARN: arn:<partition>:kms:<region>:<account>:key/<key id>',
      );
    } else if (m[1] !== partition || m[2] !== region || m[3] !== config.backup.accountId) {
      problem(
        at,
        arn,
        `must be a key of the backup account ${config.backup.accountId} in ${region}, partition '${partition}' (the backup stack's replica-key-arn output)`,
      );
    }
    if (!kmsBackupRegions.has(region)) {
      problem(
        at,
        arn,
        'must be a backup region that holds a replica key: one where the backup of an SSE-KMS source bucket lives',
      );
    }
  }

  (config.restoreTargetBucketNames ?? []).forEach((name, i) => {
    const at = `restoreTargetBucketNames[${i}]`;
    for (const rule of bucketNameRuleViolations(name)) problem(at, name, `S3 bucket name ${rule}`);
    if (config.sourceBuckets.some((b) => b.backupBucketName === name)) {
      problem(at, name, 'must not be a backup bucket: a restore never writes into the backup');
    }
  });
  if (config.batchReplicationReportBucket !== undefined) {
    for (const rule of bucketNameRuleViolations(config.batchReplicationReportBucket)) {
      problem(
        'batchReplicationReportBucket',
        config.batchReplicationReportBucket,
        `S3 bucket name ${rule}`,
      );
    }
  }

  const lock = config.objectLock;
  if (lock !== undefined) {
    if (lock.mode !== 'GOVERNANCE' && lock.mode !== 'COMPLIANCE') {
      problem('objectLock.mode', lock.mode, 'must be GOVERNANCE or COMPLIANCE');
    }
    if (
      lock.maxReplicaRetentionDays !== undefined &&
      !isPositiveInteger(lock.maxReplicaRetentionDays)
    ) {
      problem(
        'objectLock.maxReplicaRetentionDays',
        lock.maxReplicaRetentionDays,
        'must be a positive whole number of days',
      );
    }
    if (!isPositiveInteger(lock.days)) {
      problem('objectLock.days', lock.days, 'must be a positive whole number of days');
    } else if (!lock.longerThanRetentionReason?.trim()) {
      config.sourceBuckets.forEach((bucket, i) => {
        if (lock.days > bucket.noncurrentVersionRetentionDays) {
          problem(
            'objectLock.days',
            lock.days,
            `must not exceed sourceBuckets[${i}].noncurrentVersionRetentionDays (${bucket.noncurrentVersionRetentionDays}) unless objectLock.longerThanRetentionReason says why`,
          );
        }
      });
    }
  }

  if (config.backfillPrincipalArns.length === 0) {
    problem(
      'backfillPrincipalArns',
      [],
      'must name at least one principal that may run the backfill',
    );
  }
  config.backfillPrincipalArns.forEach((arn, i) =>
    checkPrincipalArn(`backfillPrincipalArns[${i}]`, arn),
  );
  (config.restorePrincipalArns ?? []).forEach((arn, i) => {
    checkPrincipalArn(`restorePrincipalArns[${i}]`, arn);
    if (PRINCIPAL_ARN.exec(arn)?.[2] === config.primary.accountId) {
      problem(
        `restorePrincipalArns[${i}]`,
        arn,
        'must not be a primary-account principal: the restore role reads the whole backup',
      );
    }
  });

  const alerts = config.alerts ?? {};
  for (const key of [
    'deleteMarkersPerHour',
    'newVersionsPerHour',
    'failedReplicationsPer15Minutes',
    'deleteMarkersPerDay',
    'deleteMarkersPerWeek',
    'newVersionsPerDay',
    'newVersionsPerWeek',
    'lifecycleDeletionsPerDay',
  ] as const) {
    const value = alerts[key];
    if (value !== undefined && !isPositiveInteger(value)) {
      problem(`alerts.${key}`, value, 'must be a positive whole number');
    }
  }
  const heartbeat = alerts.heartbeat ?? {};
  const interval = heartbeat.intervalMinutes ?? 60;
  if (!isPositiveInteger(interval) || interval > 1440) {
    problem(
      'alerts.heartbeat.intervalMinutes',
      heartbeat.intervalMinutes,
      'must be a whole number of minutes from 1 to 1440',
    );
  }
  const alarmAfter = heartbeat.alarmAfterMinutes;
  if (
    alarmAfter !== undefined &&
    (!isPositiveInteger(alarmAfter) || alarmAfter < 2 * interval || alarmAfter > 7 * 24 * 60)
  ) {
    problem(
      'alerts.heartbeat.alarmAfterMinutes',
      alarmAfter,
      `must be a whole number of minutes from twice the interval (${2 * interval}) to 10080 (7 days, CloudWatch's longest alarm period): a beat takes minutes to replicate`,
    );
  }
  const key = heartbeat.key;
  if (key !== undefined && (key.length === 0 || key.startsWith('/') || key.length > 1024)) {
    problem(
      'alerts.heartbeat.key',
      key,
      'must be an S3 object key of 1 to 1024 characters that does not start with /',
    );
  }
  (alerts.emailAddresses ?? []).forEach((address, i) => {
    if (!EMAIL.test(address)) {
      problem(`alerts.emailAddresses[${i}]`, address, 'must be an email address (name@domain)');
    }
  });

  const roleNames = config.roleNames ?? {};
  const seenRoleNames = new Set<string>();
  for (const [key, name] of Object.entries(roleNames) as [string, string | undefined][]) {
    if (name === undefined) continue;
    if (!ROLE_NAME.test(name)) {
      problem(
        `roleNames.${key}`,
        name,
        'IAM role name must be 1 to 64 characters of letters, digits and +=,.@_-',
      );
    }
    if (seenRoleNames.has(name))
      problem(`roleNames.${key}`, name, 'must differ from the other role names');
    seenRoleNames.add(name);
  }

  const cloud = config.terraformCloud;
  if (cloud !== undefined) {
    if (!/^[A-Za-z0-9_-]{1,}$/.test(cloud.organization)) {
      problem(
        'terraformCloud.organization',
        cloud.organization,
        'must be a Terraform Cloud organization name (letters, digits, _ and -)',
      );
    }
    const stackNames = Object.values(planStacks(config))
      .flat()
      .map((p) => p.name);
    for (const [stack, name] of Object.entries(cloud.workspaceNames ?? {})) {
      if (!stackNames.includes(stack)) {
        problem(
          `terraformCloud.workspaceNames.${stack}`,
          name,
          `must be keyed by a stack of this config (${stackNames.join(', ')})`,
        );
      }
      if (!WORKSPACE_NAME.test(name)) {
        problem(
          `terraformCloud.workspaceNames.${stack}`,
          name,
          'workspace name must be 1 to 90 letters, digits, _ or -',
        );
      }
    }
    if (cloud.workspacePrefix !== undefined && !/^[A-Za-z0-9_-]*$/.test(cloud.workspacePrefix)) {
      problem(
        'terraformCloud.workspacePrefix',
        cloud.workspacePrefix,
        'may hold only letters, digits, _ and -',
      );
    }
  }
  problems.push(...inventoryProblems(config));
  return problems;
}

/** Throws a ConfigValidationError listing every problem; returns the config when it is valid. */
export function validateConfig(config: BastionConfig): BastionConfig {
  const problems = findConfigProblems(config);
  if (problems.length > 0) throw new ConfigValidationError(problems);
  return config;
}
