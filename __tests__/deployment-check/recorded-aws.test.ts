/**
 * check-deployment against recorded AWS responses (__tests__/support/recorded-aws.ts): STS,
 * CloudWatch and SNS, which the local RGW does not serve, for the pass, fail and skip paths of the
 * read-only probes and for the one-line errors that end a run before anything is written.
 */
import { exampleConfig } from '../../config';
import { readExpectations } from '../../deployment-check/expectations';
import { bucketDifferences, type LiveBucketSettings } from '../../deployment-check/probes/drift';
import type { SynthesizedStack } from '../../terraform/synthesized';
import { main } from '../../scripts/check-deployment';
import { runCli, withEnv } from '../support/cli-harness';
import { synthesizedShape } from '../support/config-shapes';
import { type AwsScenario, type RecordedAws, startRecordedAws } from '../support/recorded-aws';
import { deployedAlarms, synthesizeTo, writeAccountsFiles } from './support';

const config = exampleConfig;
const PRIMARY = { accessKeyId: 'PRIMARYAK', secretAccessKey: 'PRIMARYSK' };
const BACKUP = { accessKeyId: 'BACKUPAK', secretAccessKey: 'BACKUPSK' };
const identities = {
  PRIMARYAK: { account: '111111111111', arn: 'arn:aws:iam::111111111111:user/oncall' },
  BACKUPAK: {
    account: '222222222222',
    arn: 'arn:aws:sts::222222222222:assumed-role/break-glass-restore-operator/alice',
  },
};

let aws: RecordedAws;
let synthDir: string;
let stacks: SynthesizedStack[];
let env: Record<string, string>;
let allConfirmed: AwsScenario;

beforeAll(async () => {
  const synthesized = synthesizeTo(config);
  synthDir = synthesized.dir;
  stacks = synthesized.stacks;
  const { alarms, topics } = deployedAlarms(config, synthesized.stacks);
  allConfirmed = {
    identities,
    alarms,
    subscriptions: Object.fromEntries(
      topics.map((topic) => [
        topic,
        [{ protocol: 'email', endpoint: 'oncall@example.com', subscriptionArn: `${topic}:1a2b` }],
      ]),
    ),
    failedReplications: [0, 0, 0],
  };
  aws = await startRecordedAws(allConfirmed);
  const files = writeAccountsFiles(config, { 'check-primary': PRIMARY, 'check-backup': BACKUP });
  env = {
    BASTION_CONFIG: files.configModule,
    AWS_SHARED_CREDENTIALS_FILE: files.credentialsFile,
    AWS_CONFIG_FILE: `${files.credentialsFile}.absent`,
    AWS_ACCESS_KEY_ID: '',
    AWS_SECRET_ACCESS_KEY: '',
    AWS_SESSION_TOKEN: '',
    AWS_PROFILE: '',
    AWS_ENDPOINT_URL_S3: aws.url,
    AWS_ENDPOINT_URL_STS: aws.url,
    AWS_ENDPOINT_URL_SNS: aws.url,
    AWS_ENDPOINT_URL_CLOUDWATCH: aws.url,
  };
});

afterAll(async () => {
  await aws.close();
});

async function check(scenario: AwsScenario, ...args: string[]) {
  aws.scenario = scenario;
  aws.calls.length = 0;
  return withEnv(env, () =>
    runCli(main, ['--synth-dir', synthDir, '--profile', 'check-primary', ...args]),
  );
}

const statusOf = (stdout: string, probe: string, target: string) => {
  const report = JSON.parse(stdout) as {
    results: Array<{ probe: string; target: string; status: string; reason: string; fix?: string }>;
  };
  const found = report.results.filter((r) => r.probe === probe && r.target.includes(target));
  if (found.length === 0) throw new Error(`no ${probe} result for ${target}`);
  return found;
};

test('--help names the npm form, every flag, the environment and the exit codes', async () => {
  const run = await runCli(main, ['--help']);
  expect(run.code).toBe(0);
  for (const text of [
    'npm run check-deployment',
    '--profile',
    '--role-arn',
    '--backup-profile',
    '--backup-role-arn',
    '--bucket',
    '--read-only',
    '--wait-seconds',
    '--synth-dir',
    '--json',
    'BASTION_CONFIG',
    'AWS_ENDPOINT_URL_',
  ]) {
    expect(run.stdout).toContain(text);
  }
  expect(run.stdout).toMatch(/Exit codes:\n {2}0 +ok\n {2}1 +/);
});

test('read-only, everything deployed and confirmed: alarms and replication health PASS, writing probes SKIPPED, exit 0', async () => {
  const run = await check(allConfirmed, '--read-only', '--json');
  // stderr carries progress lines only.
  expect(run.stderr).not.toMatch(/error|warn/i);
  expect(run.code).toBe(0);
  const report = JSON.parse(run.stdout) as {
    results: Array<{ probe: string; status: string; reason: string }>;
    summary: { failed: number };
  };
  expect(report.summary.failed).toBe(0);
  const alarms = report.results.filter((r) => r.probe === 'alarms-reach-a-person');
  // The primary-account alarms are read; the backup-account ones need backup credentials.
  expect(alarms.filter((r) => r.status === 'PASS').length).toBeGreaterThan(0);
  expect(
    alarms.filter((r) => r.status === 'SKIPPED').every((r) => /backup-account/.test(r.reason)),
  ).toBe(true);
  expect(statusOf(run.stdout, 'replication-health', 'example-prod-assets')[0].status).toBe('PASS');
  for (const probe of ['replication-completes', 'primary-cannot-harm', 'backfill-append-only']) {
    expect(statusOf(run.stdout, probe, 'example-prod-assets')[0]).toMatchObject({
      status: 'SKIPPED',
      reason: expect.stringContaining('--read-only'),
    });
  }
  // Nothing but reads: no S3 request other than the HeadBucket preflight.
  expect(aws.calls.filter((c) => c.startsWith('s3:') && c !== 's3:HeadBucket')).toEqual([]);
});

test('with backup credentials every alarm is read; an unconfirmed email subscription is a FAIL with the fix', async () => {
  const pendingTopic = Object.keys(allConfirmed.subscriptions ?? {}).find((t) =>
    t.includes('backup'),
  );
  expect(pendingTopic).toBeDefined();
  const scenario: AwsScenario = {
    ...allConfirmed,
    subscriptions: {
      ...allConfirmed.subscriptions,
      [pendingTopic as string]: [
        {
          protocol: 'email',
          endpoint: 'storage-oncall@example.com',
          subscriptionArn: 'PendingConfirmation',
        },
      ],
    },
  };
  const run = await check(scenario, '--read-only', '--json', '--backup-profile', 'check-backup');
  expect(run.code).toBe(1);
  const failed = statusOf(run.stdout, 'alarms-reach-a-person', 'backup').filter(
    (r) => r.status === 'FAIL',
  );
  expect(failed.length).toBeGreaterThan(0);
  expect(failed[0].reason).toContain(
    'only unconfirmed subscriptions (email storage-oncall@example.com)',
  );
  expect(failed[0].fix).toContain('Subscription Confirmation');
  expect(
    statusOf(run.stdout, 'alarms-reach-a-person', 'primary').every((r) => r.status === 'PASS'),
  ).toBe(true);
});

test('a missing alarm and a topic nobody subscribed to are FAILs', async () => {
  const [firstAlarm, ...otherAlarms] = Object.keys(allConfirmed.alarms ?? {});
  const scenario: AwsScenario = {
    ...allConfirmed,
    alarms: Object.fromEntries(otherAlarms.map((n) => [n, (allConfirmed.alarms ?? {})[n]])),
    subscriptions: Object.fromEntries(
      Object.keys(allConfirmed.subscriptions ?? {}).map((t) => [t, []]),
    ),
  };
  const run = await check(scenario, '--read-only', '--json', '--backup-profile', 'check-backup');
  expect(run.code).toBe(1);
  const results = statusOf(run.stdout, 'alarms-reach-a-person', '');
  expect(results.find((r) => r.target.startsWith(firstAlarm))).toMatchObject({
    status: 'FAIL',
    reason: expect.stringContaining('does not exist'),
  });
  expect(results.filter((r) => r.reason.includes('no subscription at all')).length).toBe(
    otherAlarms.length,
  );
});

test('failed replications in the last day are a FAIL that gives the re-replication command', async () => {
  const run = await check(
    { ...allConfirmed, failedReplications: [0, 3, 1] },
    '--read-only',
    '--json',
  );
  expect(run.code).toBe(1);
  const [result] = statusOf(run.stdout, 'replication-health', 'example-prod-assets');
  expect(result.status).toBe('FAIL');
  expect(result.reason).toContain('4 failed replication operation(s) in the last 24 h');
  expect(result.fix).toContain(
    'npm run backfill -- --source example-prod-assets --destination example-bastion-prod-assets --engine batch',
  );
  expect(result.fix).toContain(
    'npm run verify -- --inventory --source example-prod-assets --destination example-bastion-prod-assets',
  );
});

test('no permission to read CloudWatch or SNS: SKIPPED with the reason, never a silent pass', async () => {
  const run = await check(
    { ...allConfirmed, denied: ['GetMetricData', 'DescribeAlarms'] },
    '--read-only',
    '--json',
  );
  expect(run.code).toBe(0);
  expect(statusOf(run.stdout, 'replication-health', 'example-prod-assets')[0]).toMatchObject({
    status: 'SKIPPED',
    reason: expect.stringContaining('no permission to read CloudWatch metrics'),
  });
  const primaryAlarms = statusOf(run.stdout, 'alarms-reach-a-person', 'primary');
  expect(
    primaryAlarms.every(
      (r) => r.status === 'SKIPPED' && /cloudwatch:DescribeAlarms/.test(r.fix ?? ''),
    ),
  ).toBe(true);
  const sns = await check(
    { ...allConfirmed, denied: ['ListSubscriptionsByTopic'] },
    '--read-only',
    '--json',
  );
  expect(
    statusOf(sns.stdout, 'alarms-reach-a-person', 'primary').every(
      (r) => r.status === 'SKIPPED' && r.reason.includes('no permission to list the subscriptions'),
    ),
  ).toBe(true);
});

test('the restore role: a principal that STS refuses is a FAIL; a caller that is no principal is SKIPPED', async () => {
  // No recorded role credentials: STS answers AccessDenied to AssumeRole.
  const run = await check(
    { ...allConfirmed, roles: {} },
    '--read-only',
    '--json',
    '--backup-profile',
    'check-backup',
  );
  expect(aws.calls).toContain('sts:AssumeRole');
  expect(statusOf(run.stdout, 'restore-role', 'example-bastion-prod-assets')[0]).toMatchObject({
    status: 'FAIL',
    reason: expect.stringContaining(
      'cannot assume arn:aws:iam::222222222222:role/s3-bastion-restore: AccessDenied',
    ),
  });
  const stranger = await check(
    {
      ...allConfirmed,
      identities: {
        ...identities,
        BACKUPAK: { account: '222222222222', arn: 'arn:aws:iam::222222222222:user/intern' },
      },
    },
    '--read-only',
    '--json',
    '--backup-profile',
    'check-backup',
  );
  expect(statusOf(stranger.stdout, 'restore-role', 'example-bastion-prod-assets')[0]).toMatchObject(
    {
      status: 'SKIPPED',
      reason: expect.stringContaining('not among restorePrincipalArns'),
    },
  );
});

test('--role-arn: the primary checks run as the assumed role; the text report puts the fix under each FAIL', async () => {
  const opsRole = 'arn:aws:iam::111111111111:role/ops-readonly';
  const run = await check(
    {
      ...allConfirmed,
      identities: {
        ...identities,
        OPSAK: {
          account: '111111111111',
          arn: 'arn:aws:sts::111111111111:assumed-role/ops-readonly/check',
        },
      },
      roles: { [opsRole]: { accessKeyId: 'OPSAK', secretAccessKey: 'OPSSK' } },
      failedReplications: [2],
    },
    '--read-only',
    '--role-arn',
    opsRole,
  );
  expect(run.code).toBe(1);
  expect(aws.calls.slice(0, 2)).toEqual(['sts:AssumeRole', 'sts:GetCallerIdentity']);
  const lines = run.stdout.split('\n');
  expect(lines[1]).toBe(
    'primary credentials: arn:aws:sts::111111111111:assumed-role/ops-readonly/check',
  );
  const failAt = lines.findIndex((l) => l.startsWith('FAIL    replication-health'));
  expect(lines[failAt + 1]).toContain('2 failed replication operation(s)');
  expect(lines[failAt + 2]).toMatch(/^ {8}fix: re-replicate every object whose replication FAILED/);
  expect(lines.at(-2)).toMatch(/^FAILED: \d+ passed, 2 failed, \d+ skipped/);
});

describe('one-line errors end the run before anything is written (exit 3)', () => {
  const onlyReads = () =>
    expect(
      aws.calls.filter((c) => !c.endsWith('GetCallerIdentity') && c !== 's3:HeadBucket'),
    ).toEqual([]);

  test('rejected credentials', async () => {
    const run = await check({ ...allConfirmed, invalidKeys: ['PRIMARYAK'] });
    expect(run.code).toBe(3);
    expect(run.stderr.trim().split('\n')).toEqual([
      'check-deployment: InvalidClientTokenId: the primary-account credentials were rejected by STS; refresh them or pass --profile / --role-arn',
    ]);
    onlyReads();
  });

  test('credentials of another account', async () => {
    const run = await check({ ...allConfirmed }, '--profile', 'check-backup');
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(
      /^check-deployment: WrongAccount: the primary credentials \(.*\) belong to account 222222222222, the config's primary account is 111111111111; nothing was written/,
    );
    onlyReads();
  });

  test('a bucket that does not exist, and a bucket in another region', async () => {
    const missing = await check({ ...allConfirmed, missingBuckets: ['example-prod-ledger'] });
    expect(missing.code).toBe(3);
    expect(missing.stderr).toContain(
      "NoSuchBucket: the source bucket 'example-prod-ledger' does not exist",
    );
    onlyReads();
    const moved = await check({
      ...allConfirmed,
      bucketRegions: { 'example-prod-assets': 'eu-west-1' },
    });
    expect(moved.code).toBe(3);
    expect(moved.stderr).toContain(
      "WrongRegion: the source bucket 'example-prod-assets' is in eu-west-1, the config says us-east-1",
    );
    onlyReads();
  });

  test('--bucket that the config does not name is a usage error (exit 2)', async () => {
    const run = await check(allConfirmed, '--bucket', 'not-in-config');
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(
      "--bucket 'not-in-config' is not a source or backup bucket of the config",
    );
  });
});

describe('backup-bucket-drift compares recorded GetBucket* answers with the synthesized stack', () => {
  const declared = () => {
    const declaration = readExpectations(config, stacks).backupBuckets.get(
      'example-bastion-prod-assets',
    );
    if (declaration === undefined) throw new Error('the example declares no backup bucket');
    return declaration;
  };
  /** What S3 answers for a bucket deployed exactly as declared (SDK output shapes). */
  const asDeployed = (): LiveBucketSettings => ({
    versioning: 'Enabled',
    publicAccessBlock: {
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    },
    ownership: 'BucketOwnerEnforced',
    encryption: [
      { ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' }, BucketKeyEnabled: true },
    ],
    lifecycle: [
      {
        ID: 'expire-noncurrent-versions',
        Status: 'Enabled',
        Filter: { Prefix: '' },
        NoncurrentVersionExpiration: { NoncurrentDays: 30 },
        Expiration: { ExpiredObjectDeleteMarker: true },
        AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 },
      },
    ],
    // S3 hands the policy back without the whitespace.
    policy: JSON.stringify(JSON.parse(declared().policy ?? '{}')),
  });

  test('a bucket deployed as declared shows no difference', () => {
    expect(bucketDifferences(declared(), asDeployed())).toEqual([]);
  });

  test('every drift is named at once: versioning, public access, lifecycle, encryption, a removed guardrail', () => {
    const live = asDeployed();
    const policy = JSON.parse(live.policy ?? '{}') as { Statement: Array<{ Sid: string }> };
    policy.Statement = policy.Statement.filter(
      (s) => s.Sid !== 'DenyEverythingOutsideBackupAccountExceptReplicationAndBackfill',
    );
    const differences = bucketDifferences(declared(), {
      ...live,
      versioning: 'Suspended',
      publicAccessBlock: { ...live.publicAccessBlock, RestrictPublicBuckets: false },
      encryption: undefined,
      lifecycle: [
        { ...(live.lifecycle ?? [])[0], NoncurrentVersionExpiration: { NoncurrentDays: 1 } },
        { ID: 'added-by-hand', Status: 'Enabled', Expiration: { Days: 1 } },
      ],
      policy: JSON.stringify(policy),
    });
    expect(differences).toEqual([
      'versioning: declared Enabled, found Suspended',
      'public access block RestrictPublicBuckets: declared true, found false',
      'default encryption: declared AES256, found none',
      'bucket key: declared true, found false',
      'lifecycle rule expire-noncurrent-versions noncurrentDays: declared 30, found 1',
      'lifecycle rule added-by-hand is not declared by the stack',
      'policy statement DenyEverythingOutsideBackupAccountExceptReplicationAndBackfill is missing',
    ]);
  });
});

describe('backup-bucket-drift with SSE-KMS backups (the key declared by reference)', () => {
  const kmsConfig = { ...config, backupEncryption: 'SSE-KMS' as const };
  const declared = () =>
    readExpectations(kmsConfig, synthesizedShape('sse-kms')).backupBuckets.get(
      'example-bastion-prod-assets',
    )!;
  const key = (arn: string | undefined): LiveBucketSettings => ({
    encryption: [
      {
        ApplyServerSideEncryptionByDefault: {
          SSEAlgorithm: 'aws:kms' as const,
          KMSMasterKeyID: arn,
        },
        BucketKeyEnabled: true,
      },
    ],
  });
  const backupKey = { partition: 'aws', accountId: '222222222222' };
  const encryptionDifferences = (live: LiveBucketSettings, known?: string) =>
    bucketDifferences(declared(), live, { ...backupKey, knownArn: known }).filter((d) =>
      d.startsWith('default encryption'),
    );
  const ours = 'arn:aws:kms:us-west-2:222222222222:key/1234abcd-12ab-34cd-56ef-1234567890ab';

  test('accepts a key of the backup account in the bucket region, or exactly the known one', () => {
    expect(encryptionDifferences(key(ours))).toEqual([]);
    expect(encryptionDifferences(key(ours), ours)).toEqual([]);
  });

  test('names AES256, a primary-account key, a key of another region, another known key', () => {
    expect(
      encryptionDifferences({
        encryption: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' as const } }],
      }),
    ).toEqual([
      'default encryption: declared aws:kms, found AES256',
      'default encryption key: declared the backup key (arn:aws:kms:us-west-2:222222222222:key/...), found none',
    ]);
    const primaryKey =
      'arn:aws:kms:us-west-2:111111111111:key/0b7e4a4e-1c2d-4e5f-8a9b-0c1d2e3f4a5b';
    expect(encryptionDifferences(key(primaryKey))).toEqual([
      `default encryption key: declared the backup key (arn:aws:kms:us-west-2:222222222222:key/...), found ${primaryKey}`,
    ]);
    expect(encryptionDifferences(key(ours.replace('us-west-2', 'eu-west-1')))).toHaveLength(1);
    expect(encryptionDifferences(key(ours), ours.replace('1234abcd', '99999999'))).toHaveLength(1);
  });
});
