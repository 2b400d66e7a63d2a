import { BastionConfig, SourceBucketConfig, exampleConfig } from '../../config';
import {
  ConfigValidationError,
  bucketNameRuleViolations,
  findConfigProblems,
  validateConfig,
} from '../../config/validate';
import { ALERT_THRESHOLD_KEYS } from '../../config/validate/alerts';

const [assets] = exampleConfig.sourceBuckets;

function withBucket(overrides: Partial<SourceBucketConfig>): BastionConfig {
  return {
    ...exampleConfig,
    sourceBuckets: [{ ...assets, ...overrides }, ...exampleConfig.sourceBuckets.slice(1)],
  };
}

/** The problems at one path, as "rule" strings. */
function rulesAt(config: BastionConfig, path: string): string[] {
  return findConfigProblems(config)
    .filter((p) => p.path === path)
    .map((p) => p.rule);
}

describe('validateConfig', () => {
  it('accepts the example deployment', () => {
    expect(findConfigProblems(exampleConfig)).toEqual([]);
    expect(validateConfig(exampleConfig)).toBe(exampleConfig);
  });

  it.each([
    ['primary.accountId', { ...exampleConfig, primary: { accountId: '12345' } }],
    ['backup.accountId', { ...exampleConfig, backup: { accountId: '22222222222a' } }],
  ])('rejects an account id that is not 12 digits at %s', (path, config) => {
    expect(rulesAt(config, path)).toContain('must be exactly 12 digits');
  });

  it('rejects a backup account equal to the primary account', () => {
    const config = { ...exampleConfig, backup: { accountId: '111111111111' } };
    expect(rulesAt(config, 'backup.accountId').join()).toMatch(
      /must differ from primary.accountId/,
    );
  });

  it.each([
    ['ab', 'must be 3 to 63 characters long'],
    ['a'.repeat(64), 'must be 3 to 63 characters long'],
    ['Prod_Bucket', 'may hold only lowercase letters, digits, dots and hyphens'],
    ['-prod', 'must begin and end with a lowercase letter or a digit'],
    ['prod.', 'must begin and end with a lowercase letter or a digit'],
    ['prod..data', "must not contain two adjacent dots ('..')"],
    ['192.168.5.4', 'must not be formatted as an IP address'],
    ['xn--prod', "must not begin with the reserved prefix 'xn--'"],
    ['sthree-prod', "must not begin with the reserved prefix 'sthree-'"],
    ['prod-s3alias', "must not end with the reserved suffix '-s3alias'"],
    ['prod--ol-s3', "must not end with the reserved suffix '--ol-s3'"],
  ])('rejects the bucket name %j: %s', (name, rule) => {
    expect(bucketNameRuleViolations(name)).toContain(rule);
    expect(rulesAt(withBucket({ name }), 'sourceBuckets[0].name')).toContain(
      `S3 bucket name ${rule}`,
    );
    expect(
      rulesAt(withBucket({ backupBucketName: name }), 'sourceBuckets[0].backupBucketName'),
    ).toContain(`S3 bucket name ${rule}`);
  });

  it.each(['abc', 'my.prod-bucket.2024', 'a'.repeat(63), '1bucket'])(
    'accepts the bucket name %j',
    (name) => {
      expect(bucketNameRuleViolations(name)).toEqual([]);
    },
  );

  it('rejects a backup bucket named like a source bucket, naming both places', () => {
    const config = withBucket({ backupBucketName: assets.name });
    expect(rulesAt(config, 'sourceBuckets[0].backupBucketName')).toEqual([
      'must be distinct from every other bucket name, but sourceBuckets[0].name has it too',
    ]);
  });

  it('rejects two source buckets with the same backup bucket', () => {
    const [, ledger] = exampleConfig.sourceBuckets;
    const config: BastionConfig = {
      ...exampleConfig,
      sourceBuckets: [assets, { ...ledger, backupBucketName: assets.backupBucketName }],
    };
    expect(rulesAt(config, 'sourceBuckets[1].backupBucketName')[0]).toMatch(/must be distinct/);
  });

  it.each([0, -3, 1.5, Number.NaN])('rejects %p retention days', (days) => {
    expect(
      rulesAt(
        withBucket({ noncurrentVersionRetentionDays: days }),
        'sourceBuckets[0].noncurrentVersionRetentionDays',
      ),
    ).toEqual(['must be a positive whole number of days']);
  });

  it('rejects a retention under 7 days without a written reason, naming the field to set', () => {
    const config = withBucket({ noncurrentVersionRetentionDays: 1 });
    expect(findConfigProblems(config)).toEqual([
      {
        path: 'sourceBuckets[0].noncurrentVersionRetentionDays',
        value: 1,
        rule: 'must be at least 7 days (the recovery window) unless sourceBuckets[0].shortRetentionReason says why',
      },
    ]);
    expect(() => validateConfig(config)).toThrow(ConfigValidationError);
    // A blank reason is no reason.
    expect(
      findConfigProblems(
        withBucket({ noncurrentVersionRetentionDays: 6, shortRetentionReason: ' ' }),
      ),
    ).toHaveLength(1);
  });

  it('accepts a retention under 7 days with a reason, and 7 days without one', () => {
    const reasoned = withBucket({
      noncurrentVersionRetentionDays: 3,
      shortRetentionReason: 'scratch data re-created nightly from the warehouse',
    });
    expect(findConfigProblems(reasoned)).toEqual([]);
    expect(findConfigProblems(withBucket({ noncurrentVersionRetentionDays: 7 }))).toEqual([]);
  });

  it.each(['us-east', 'US-EAST-1', 'useast1', 'us-east-1a'])('rejects the region %j', (region) => {
    expect(rulesAt(withBucket({ region }), 'sourceBuckets[0].region')[0]).toMatch(
      /must be an AWS region name/,
    );
    expect(
      rulesAt(withBucket({ backupRegion: region }), 'sourceBuckets[0].backupRegion')[0],
    ).toMatch(/must be an AWS region name/);
  });

  it.each(['us-east-1', 'eu-central-1', 'us-gov-west-1', 'cn-north-1', 'ap-southeast-5'])(
    'accepts the region %j',
    (region) => {
      expect(
        rulesAt(withBucket({ region, sourceKmsKeyArn: undefined }), 'sourceBuckets[0].region'),
      ).toEqual([]);
    },
  );

  it('rejects an unknown replica storage class', () => {
    const config = withBucket({ replicaStorageClass: 'COLD' as never });
    expect(rulesAt(config, 'sourceBuckets[0].replicaStorageClass')[0]).toMatch(
      /must be one of STANDARD/,
    );
  });

  // Archived replicas need RestoreObject and hours before a restore can read them:
  // https://docs.aws.amazon.com/AmazonS3/latest/userguide/restoring-objects.html
  it.each(['GLACIER', 'DEEP_ARCHIVE'])(
    'refuses the archive class %s as replica storage class, naming path, value and rule',
    (storageClass) => {
      const config = withBucket({ replicaStorageClass: storageClass as never });
      const problems = findConfigProblems(config).filter(
        (p) => p.path === 'sourceBuckets[0].replicaStorageClass',
      );
      expect(problems).toEqual([
        {
          path: 'sourceBuckets[0].replicaStorageClass',
          value: storageClass,
          rule: expect.stringMatching(/without RestoreObject \(STANDARD, .*GLACIER_IR\)/),
        },
      ]);
      expect(() => validateConfig(config)).toThrow(
        `sourceBuckets[0].replicaStorageClass = "${storageClass}": must be a class the restore reads without RestoreObject`,
      );
    },
  );

  it.each(['STANDARD', 'STANDARD_IA', 'ONEZONE_IA', 'INTELLIGENT_TIERING', 'GLACIER_IR'])(
    'accepts the replica storage class %s, read without RestoreObject',
    (storageClass) => {
      const config = withBucket({ replicaStorageClass: storageClass as never });
      expect(rulesAt(config, 'sourceBuckets[0].replicaStorageClass')).toEqual([]);
    },
  );

  it('rejects a malformed KMS key ARN and a key of another account or region', () => {
    expect(
      rulesAt(withBucket({ sourceKmsKeyArn: 'alias/prod' }), 'sourceBuckets[0].sourceKmsKeyArn')[0],
    ).toMatch(/must be a KMS key ARN/);
    const foreign = 'arn:aws:kms:us-east-1:999999999999:key/0b7e4a4e-1c2d-4e5f-8a9b-0c1d2e3f4a5b';
    expect(
      rulesAt(withBucket({ sourceKmsKeyArn: foreign }), 'sourceBuckets[0].sourceKmsKeyArn')[0],
    ).toMatch(/must be a key of the primary account 111111111111/);
  });

  it('accepts the replica key ARN of a backup region, and rejects one of another account or a region without a replica key', () => {
    const key = 'arn:aws:kms:us-west-2:222222222222:key/1234abcd-12ab-34cd-56ef-1234567890ab';
    expect(
      findConfigProblems({ ...exampleConfig, replicaKmsKeyArns: { 'us-west-2': key } }),
    ).toEqual([]);
    const foreign = key.replace('222222222222', '111111111111');
    expect(
      rulesAt(
        { ...exampleConfig, replicaKmsKeyArns: { 'us-west-2': foreign } },
        "replicaKmsKeyArns['us-west-2']",
      ),
    ).toEqual([
      expect.stringMatching(/must be a key of the backup account 222222222222 in us-west-2/),
    ]);
    const elsewhere = key.replace('us-west-2', 'eu-west-1');
    expect(
      rulesAt(
        { ...exampleConfig, replicaKmsKeyArns: { 'eu-west-1': elsewhere } },
        "replicaKmsKeyArns['eu-west-1']",
      ),
    ).toEqual([expect.stringMatching(/must be a backup region that holds a replica key/)]);
  });

  describe('Object Lock', () => {
    it.each([0, -1, 2.5])('rejects %p days', (days) => {
      const config = { ...exampleConfig, objectLock: { mode: 'COMPLIANCE' as const, days } };
      expect(rulesAt(config, 'objectLock.days')).toEqual([
        'must be a positive whole number of days',
      ]);
    });

    it('rejects an unknown mode', () => {
      const config = { ...exampleConfig, objectLock: { mode: 'STRICT' as never, days: 7 } };
      expect(rulesAt(config, 'objectLock.mode')).toEqual(['must be GOVERNANCE or COMPLIANCE']);
    });

    it('rejects a retention longer than a recovery window unless the config says why', () => {
      const config = { ...exampleConfig, objectLock: { mode: 'GOVERNANCE' as const, days: 60 } };
      expect(rulesAt(config, 'objectLock.days')).toEqual([
        'must not exceed sourceBuckets[0].noncurrentVersionRetentionDays (30) unless objectLock.longerThanRetentionReason says why',
      ]);
      const explained = {
        ...config,
        objectLock: {
          ...config.objectLock,
          longerThanRetentionReason: 'legal hold policy: 60 days',
        },
      };
      expect(rulesAt(explained, 'objectLock.days')).toEqual([]);
    });
  });

  it.each([
    ['not-an-arn', /must be an IAM role or user ARN/],
    ['arn:aws:iam::111111111111:root', /must be an IAM role or user ARN/],
    ['arn:aws:iam::1111:role/x', /must be an IAM role or user ARN/],
    ['arn:aws-cn:iam::111111111111:role/ops', /must be in the configured partition 'aws'/],
  ])('rejects the backfill principal %j', (arn, rule) => {
    const config = { ...exampleConfig, backfillPrincipalArns: [arn] };
    expect(rulesAt(config, 'backfillPrincipalArns[0]')[0]).toMatch(rule);
  });

  it('requires at least one backfill principal and one source bucket', () => {
    const config = { ...exampleConfig, backfillPrincipalArns: [], sourceBuckets: [] };
    expect(rulesAt(config, 'backfillPrincipalArns')[0]).toMatch(/at least one principal/);
    expect(rulesAt(config, 'sourceBuckets')[0]).toMatch(/at least one source bucket/);
  });

  it('refuses a primary-account principal for the restore role', () => {
    const config = {
      ...exampleConfig,
      restorePrincipalArns: ['arn:aws:iam::111111111111:role/admin'],
    };
    expect(rulesAt(config, 'restorePrincipalArns[0]')[0]).toMatch(
      /must not be a primary-account principal/,
    );
  });

  it('rejects a malformed deploy role ARN', () => {
    const config = {
      ...exampleConfig,
      backup: { ...exampleConfig.backup, deployRoleArn: 'deployer' },
    };
    expect(rulesAt(config, 'backup.deployRoleArn')[0]).toMatch(/must be an IAM role or user ARN/);
  });

  it.each(['has space', 'a'.repeat(65), 'bad/slash'])('rejects the IAM role name %j', (name) => {
    const config = { ...exampleConfig, roleNames: { backfill: name } };
    expect(rulesAt(config, 'roleNames.backfill')[0]).toMatch(
      /IAM role name must be 1 to 64 characters/,
    );
  });

  it('rejects two roles with the same name', () => {
    const config = { ...exampleConfig, roleNames: { backfill: 'ops', restore: 'ops' } };
    expect(rulesAt(config, 'roleNames.restore')).toEqual(['must differ from the other role names']);
  });

  it('rejects a malformed partition and Terraform Cloud names', () => {
    const config: BastionConfig = {
      ...exampleConfig,
      partition: 'aws-moon' as never,
      terraformCloud: {
        organization: 'my org',
        workspaceNames: { 'backup-us-west-2': 'no spaces please' },
      },
    };
    expect(rulesAt(config, 'partition')[0]).toMatch(/must be one of aws, aws-cn, aws-us-gov/);
    expect(rulesAt(config, 'terraformCloud.organization')[0]).toMatch(/organization name/);
    expect(rulesAt(config, 'terraformCloud.workspaceNames.backup-us-west-2')[0]).toMatch(
      /workspace name/,
    );
  });

  it('rejects a restore target that is a backup bucket, and workspace names of unknown stacks', () => {
    const config: BastionConfig = {
      ...exampleConfig,
      restoreTargetBucketNames: [assets.backupBucketName],
      terraformCloud: {
        organization: 'acme',
        workspaceNames: { 'backup-eu-west-1': 'prod-backup' },
      },
    };
    expect(rulesAt(config, 'restoreTargetBucketNames[0]')[0]).toMatch(
      /must not be a backup bucket/,
    );
    expect(rulesAt(config, 'terraformCloud.workspaceNames.backup-eu-west-1')).toEqual([
      'must be keyed by a stack of this config (backup-us-west-2, primary-us-east-1)',
    ]);
  });

  it.each(ALERT_THRESHOLD_KEYS)('rejects a non-positive alert threshold alerts.%s', (key) => {
    const config = { ...exampleConfig, alerts: { [key]: 0 } };
    expect(rulesAt(config, `alerts.${key}`)).toEqual(['must be a positive whole number']);
  });

  it('refuses a heartbeat that cannot work, naming each field, value and rule at once', () => {
    const config = {
      ...exampleConfig,
      alerts: { heartbeat: { intervalMinutes: 60, alarmAfterMinutes: 90, key: '/canary' } },
    };
    expect(findConfigProblems(config)).toEqual([
      {
        path: 'alerts.heartbeat.alarmAfterMinutes',
        value: 90,
        rule: expect.stringMatching(
          /^must be a whole number of minutes from twice the interval \(120\)/,
        ),
      },
      {
        path: 'alerts.heartbeat.key',
        value: '/canary',
        rule: 'must be an S3 object key of 1 to 1024 characters that does not start with /',
      },
    ]);
    expect(
      rulesAt(
        { ...exampleConfig, alerts: { heartbeat: { intervalMinutes: 0 } } },
        'alerts.heartbeat.intervalMinutes',
      ),
    ).toEqual(['must be a whole number of minutes from 1 to 1440']);
    expect(
      rulesAt(
        { ...exampleConfig, alerts: { heartbeat: { alarmAfterMinutes: 20_000 } } },
        'alerts.heartbeat.alarmAfterMinutes',
      ),
    ).toHaveLength(1);
  });

  it('rejects a malformed alert email address', () => {
    const config = { ...exampleConfig, alerts: { emailAddresses: ['oncall'] } };
    expect(rulesAt(config, 'alerts.emailAddresses[0]')).toEqual([
      'must be an email address (name@domain)',
    ]);
  });

  it('reports every mistake of a config at once, each naming its field, value and rule', () => {
    const config: BastionConfig = {
      ...exampleConfig,
      primary: { accountId: '123' },
      sourceBuckets: [
        { ...assets, name: 'Bad_Name', noncurrentVersionRetentionDays: 0, region: 'mars-1' },
      ],
      backfillPrincipalArns: ['nobody'],
    };
    let thrown: unknown;
    try {
      validateConfig(config);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ConfigValidationError);
    const error = thrown as ConfigValidationError;
    expect(error.problems.map((p) => p.path)).toEqual(
      expect.arrayContaining([
        'primary.accountId',
        'sourceBuckets[0].name',
        'sourceBuckets[0].noncurrentVersionRetentionDays',
        'sourceBuckets[0].region',
        'backfillPrincipalArns[0]',
      ]),
    );
    expect(error.message).toContain('primary.accountId = "123": must be exactly 12 digits');
    expect(error.message).toContain(
      'sourceBuckets[0].region = "mars-1": must be an AWS region name',
    );
    expect(error.message).toMatch(/^The config has \d+ problems:/);
  });
});
