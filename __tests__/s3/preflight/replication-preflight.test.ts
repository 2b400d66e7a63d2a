import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type GetBucketReplicationCommandOutput } from '@aws-sdk/client-s3';
import { exampleConfig } from '../../../config';
import { foreignRulesOf, replicationPreflight } from '../../../s3/preflight/replication-preflight';
import { main } from '../../../scripts/preflight';
import { runCli, withEnv } from '../../support/cli-harness';
import { replicationRuleId } from '../../../policies/arns';
import {
  createBucket,
  deleteBucket,
  type S3TestServer,
  uniqueBucketName,
  useS3Server,
} from '../../support/s3-server';

const [assets] = exampleConfig.sourceBuckets;
const ourRuleId = replicationRuleId(assets);

/**
 * Recorded AWS response of GetBucketReplication (its shape as the SDK returns it): the rule this
 * project writes, and one a production bucket may already have. RGW has no cross-account
 * replication to record it from.
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketReplication.html
 */
function recorded(
  role: string,
  rules: { ID: string; Bucket: string }[],
): GetBucketReplicationCommandOutput['ReplicationConfiguration'] {
  return {
    Role: role,
    Rules: rules.map((r) => ({
      ID: r.ID,
      Priority: 0,
      Filter: {},
      Status: 'Enabled',
      DeleteMarkerReplication: { Status: 'Enabled' },
      Destination: { Bucket: `arn:aws:s3:::${r.Bucket}` },
    })),
  };
}
const OUR_ROLE = 'arn:aws:iam::111111111111:role/s3-bastion-replication';

describe('the replication preflight (recorded AWS responses)', () => {
  it('accepts a bucket without a replication configuration, and one that holds only our rule', () => {
    expect(foreignRulesOf(exampleConfig, assets, undefined).foreignRules).toEqual([]);
    const ours = recorded(OUR_ROLE, [{ ID: ourRuleId, Bucket: assets.backupBucketName }]);
    expect(foreignRulesOf(exampleConfig, assets, ours).foreignRules).toEqual([]);
  });

  it('names every rule that applying the primary stack would replace', () => {
    const existing = recorded('arn:aws:iam::111111111111:role/analytics-replication', [
      { ID: 'to-analytics', Bucket: 'analytics-lake' },
    ]);
    expect(foreignRulesOf(exampleConfig, assets, existing)).toEqual({
      bucket: assets.name,
      role: 'arn:aws:iam::111111111111:role/analytics-replication',
      foreignRules: [
        { id: 'to-analytics', destination: 'arn:aws:s3:::analytics-lake', status: 'Enabled' },
      ],
    });
  });

  it('refuses our rule id under another role: the configuration was changed by hand', () => {
    const changed = recorded('arn:aws:iam::111111111111:role/someone-else', [
      { ID: ourRuleId, Bucket: assets.backupBucketName },
    ]);
    expect(foreignRulesOf(exampleConfig, assets, changed).foreignRules).toHaveLength(1);
  });
});

describe('the replication preflight against the local S3 server', () => {
  let server: S3TestServer;
  const bucket = uniqueBucketName('preflight');
  beforeAll(async () => {
    server = await useS3Server();
    await createBucket(server.client(), bucket);
  });
  afterAll(async () => {
    await deleteBucket(server.client(), bucket);
  });

  const config = { ...exampleConfig, sourceBuckets: [{ ...assets, name: bucket }] };

  it('reads a bucket that has no replication configuration as one without foreign rules', async () => {
    expect(await replicationPreflight(config, server.client())).toEqual([
      { bucket, role: undefined, foreignRules: [] },
    ]);
  });

  it('passes as `npm run preflight` with the config named by BASTION_CONFIG', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'preflight-config-'));
    try {
      const path = join(dir, 'config.js');
      writeFileSync(path, `module.exports = { config: ${JSON.stringify(config)} };`);
      const run = await withEnv({ BASTION_CONFIG: path }, () => runCli(main, []));
      expect(run).toEqual({
        code: 0,
        stdout: `ok       ${bucket}: no replication rule the primary stack would replace\n`,
        stderr: '',
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('npm run preflight', () => {
  it('documents its flags, environment and exit codes', async () => {
    const run = await runCli(main, ['--help']);
    expect(run.code).toBe(0);
    for (const text of [
      'npm run preflight',
      '--role-arn',
      '--region',
      '--endpoint-url',
      '--json',
    ]) {
      expect(run.stdout).toContain(text);
    }
    expect(run.stdout).toMatch(/BASTION_CONFIG/);
    expect(run.stdout).toMatch(/Exit codes:\n {2}0 .*\n {2}1 .*\n {2}2 .*\n {2}3 /);
  });

  it('exits 2 on an unknown flag, and on a config that does not validate', async () => {
    expect((await runCli(main, ['--bogus'])).code).toBe(2);
    const dir = mkdtempSync(join(tmpdir(), 'preflight-config-'));
    try {
      const path = join(dir, 'config.js');
      const bad = { ...exampleConfig, primary: { accountId: '1' } };
      writeFileSync(path, `module.exports = { config: ${JSON.stringify(bad)} };`);
      const run = await withEnv({ BASTION_CONFIG: path }, () => runCli(main, []));
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(/primary\.accountId = "1": must be exactly 12 digits/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
