/**
 * check-deployment against the local RGW: two RGW users stand in for the two accounts (and a
 * third for the backfill role), RGW enforces the backup bucket's policy, and STS, CloudWatch and
 * SNS answer from recorded AWS responses. RGW does not replicate, so the test stands in for S3
 * replication: it copies each canary into the backup bucket as the "backup account" user, and
 * turns source deletes into delete markers there. The fault proxy adds the headers S3 sends and
 * RGW does not (x-amz-replication-status, SSE-S3 on every object) and answers a second
 * If-None-Match: * copy with 412, as S3 does.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  ListObjectVersionsCommand,
  PutBucketPolicyCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import type { BastionConfig } from '../../config';
import { runCheck } from '../../deployment-check/run';
import { createCheckSession } from '../../deployment-check/session';
import type { ProbeResult } from '../../deployment-check/probe';
import { withEnv } from '../support/cli-harness';
import { type FaultProxy, startFaultProxy } from '../../bench/fault-proxy';
import { type RecordedAws, startRecordedAws } from '../support/recorded-aws';
import {
  createBucket,
  createLocalUser,
  type S3TestServer,
  uniqueBucketName,
  useS3Server,
  usingExternalEndpoint,
} from '../support/s3-server';
import { deployedAlarms, synthesizeTo, writeAccountsFiles } from './support';

const PRIMARY = { accessKeyId: 'DCPRIMARYAK', secretAccessKey: 'DCPRIMARYSK' };
const BACKUP = { accessKeyId: 'DCBACKUPAK', secretAccessKey: 'DCBACKUPSK' };
const BACKFILL = { accessKeyId: 'DCBACKFILLAK', secretAccessKey: 'DCBACKFILLSK' };
const CANARIES = '.s3-bastion-canary/';

/** The backup bucket policy in RGW's dialect, standing in for the stack's: guardrails by Sid. */
function rgwBackupPolicy(bucket: string, withoutGuardrail?: string): string {
  const primary = { AWS: ['arn:aws:iam:::user/dc-primary'] };
  const objects = `arn:aws:s3:::${bucket}/*`;
  const statements = [
    {
      // A primary admin has "Action": "*": only the Deny statements below stand in its way.
      Sid: 'StandInPrimaryAdminCanDoAnything',
      Effect: 'Allow',
      Principal: primary,
      Action: ['s3:*'],
      Resource: [`arn:aws:s3:::${bucket}`, objects],
    },
    {
      Sid: 'AllowBackfillCreateObjects',
      Effect: 'Allow',
      Principal: { AWS: ['arn:aws:iam:::user/dc-backfill'] },
      Action: ['s3:PutObject', 's3:ListBucket'],
      Resource: [`arn:aws:s3:::${bucket}`, objects],
    },
    {
      Sid: 'DenyVersionDeletes',
      Effect: 'Deny',
      Principal: primary,
      Action: ['s3:DeleteObjectVersion'],
      Resource: [objects],
    },
    {
      Sid: 'DenyBucketReconfiguration',
      Effect: 'Deny',
      Principal: primary,
      Action: ['s3:PutBucketVersioning', 's3:PutBucketPolicy', 's3:DeleteBucketPolicy'],
      Resource: [`arn:aws:s3:::${bucket}`],
    },
    {
      Sid: 'DenyObjectReads',
      Effect: 'Deny',
      Principal: primary,
      Action: ['s3:GetObject', 's3:GetObjectVersion'],
      Resource: [objects],
    },
  ].filter((s) => s.Sid !== withoutGuardrail);
  return JSON.stringify({ Version: '2012-10-17', Statement: statements });
}

/** The source bucket lets the backfill user read it, as the backfill role's policy does. */
function rgwSourcePolicy(bucket: string): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'AllowBackfillRead',
        Effect: 'Allow',
        Principal: { AWS: ['arn:aws:iam:::user/dc-backfill'] },
        Action: ['s3:GetObject', 's3:GetObjectVersion', 's3:ListBucket'],
        Resource: [`arn:aws:s3:::${bucket}`, `arn:aws:s3:::${bucket}/*`],
      },
    ],
  });
}

/**
 * Stands in for S3 replication, which RGW does not do: every canary version in the source is
 * copied into the backup bucket by the backup-account user (so the backup account owns it), and
 * a delete marker in the source becomes a delete in the backup.
 */
function standInReplication(
  primary: S3Client,
  backup: S3Client,
  source: string,
  destination: string,
) {
  const replicatedKeys = new Set<string>();
  const done = new Set<string>();
  let running = true;
  const state = { paused: false };
  const loop = (async () => {
    while (running) {
      if (state.paused) {
        await sleep(50);
        continue;
      }
      try {
        const page = await primary.send(
          new ListObjectVersionsCommand({ Bucket: source, Prefix: CANARIES }),
        );
        for (const version of page.Versions ?? []) {
          const id = `${version.Key}@${version.VersionId}`;
          if (done.has(id)) continue;
          const object = await primary.send(
            new GetObjectCommand({
              Bucket: source,
              Key: version.Key,
              VersionId: version.VersionId,
            }),
          );
          const body = Buffer.from(await (object.Body?.transformToByteArray() ?? []));
          await backup.send(
            new PutObjectCommand({ Bucket: destination, Key: version.Key, Body: body }),
          );
          done.add(id);
          replicatedKeys.add(version.Key as string);
        }
        for (const marker of page.DeleteMarkers ?? []) {
          const id = `${marker.Key}@${marker.VersionId}`;
          if (done.has(id) || !marker.IsLatest) continue;
          await backup.send(new DeleteObjectCommand({ Bucket: destination, Key: marker.Key }));
          done.add(id);
        }
      } catch {
        // The source canaries come and go during the run; look again.
      }
      await sleep(100);
    }
  })();
  return {
    replicatedKeys,
    /** Replication lagging: canaries stay PENDING until resumed. */
    state,
    stop: async () => {
      running = false;
      await loop;
    },
  };
}

const byProbe = (results: readonly ProbeResult[]) =>
  Object.fromEntries(results.map((r) => [r.probe, r])) as Record<string, ProbeResult>;

// Needs users of its own on the server: only on the local RGW.
if (!usingExternalEndpoint) {
  describe('check-deployment on the local RGW', () => {
    let server: S3TestServer;
    let proxy: FaultProxy;
    let aws: RecordedAws;
    let replication: ReturnType<typeof standInReplication>;
    let primary: S3Client;
    let backup: S3Client;
    let env: Record<string, string>;
    let config: BastionConfig;
    let stacks: ReturnType<typeof synthesizeTo>['stacks'];
    const source = uniqueBucketName('dc-source');
    const destination = uniqueBucketName('dc-backup');

    beforeAll(async () => {
      server = await useS3Server();
      createLocalUser('dc-primary', PRIMARY.accessKeyId, PRIMARY.secretAccessKey);
      createLocalUser('dc-backup', BACKUP.accessKeyId, BACKUP.secretAccessKey);
      createLocalUser('dc-backfill', BACKFILL.accessKeyId, BACKFILL.secretAccessKey);
      primary = server.client(PRIMARY);
      backup = server.client(BACKUP);
      await createBucket(primary, source);
      await createBucket(backup, destination);
      for (const [client, bucket] of [
        [primary, source],
        [backup, destination],
      ] as const) {
        await client.send(
          new PutBucketVersioningCommand({
            Bucket: bucket,
            VersioningConfiguration: { Status: 'Enabled' },
          }),
        );
      }
      await primary.send(
        new PutBucketPolicyCommand({ Bucket: source, Policy: rgwSourcePolicy(source) }),
      );
      // Data of users that must survive every probe: two versions of one object.
      for (const body of ['v1', 'v2']) {
        await backup.send(
          new PutObjectCommand({ Bucket: destination, Key: 'ledger/2026.csv', Body: body }),
        );
      }

      config = {
        primary: { accountId: '111111111111' },
        backup: { accountId: '222222222222' },
        sourceBuckets: [
          {
            name: source,
            region: 'us-east-1',
            backupBucketName: destination,
            noncurrentVersionRetentionDays: 30,
          },
        ],
        backfillPrincipalArns: ['arn:aws:iam::111111111111:user/oncall'],
        restorePrincipalArns: ['arn:aws:iam::222222222222:user/backup-admin'],
        alerts: { emailAddresses: ['oncall@example.com'] },
      };
      stacks = synthesizeTo(config).stacks;
      const { alarms, topics } = deployedAlarms(config, stacks);
      aws = await startRecordedAws({
        identities: {
          [PRIMARY.accessKeyId]: {
            account: '111111111111',
            arn: 'arn:aws:iam::111111111111:user/oncall',
          },
          [BACKUP.accessKeyId]: {
            account: '222222222222',
            arn: 'arn:aws:iam::222222222222:user/backup-admin',
          },
        },
        roles: {
          'arn:aws:iam::111111111111:role/s3-bastion-backfill': BACKFILL,
          'arn:aws:iam::222222222222:role/s3-bastion-restore': BACKUP,
        },
        alarms,
        subscriptions: Object.fromEntries(
          topics.map((t) => [
            t,
            [{ protocol: 'email', endpoint: 'oncall@example.com', subscriptionArn: `${t}:77` }],
          ]),
        ),
        failedReplications: [0],
      });
      replication = standInReplication(primary, backup, source, destination);
      proxy = await startFaultProxy(server.endpoint, {
        emulateCopyIfNoneMatch: { client: backup },
        extraResponseHeaders: ({
          method,
          bucket,
          key,
          status,
        }): Record<string, string> | undefined => {
          if ((method !== 'HEAD' && method !== 'GET') || status >= 300 || key === '')
            return undefined;
          if (bucket === source) {
            return {
              'x-amz-replication-status': replication.replicatedKeys.has(key)
                ? 'COMPLETED'
                : 'PENDING',
            };
          }
          // S3 encrypts every object (SSE-S3 by default); RGW here has no SSE backend.
          return bucket === destination ? { 'x-amz-server-side-encryption': 'AES256' } : undefined;
        },
      });
      const files = writeAccountsFiles(config, { 'dc-primary': PRIMARY, 'dc-backup': BACKUP });
      env = {
        AWS_SHARED_CREDENTIALS_FILE: files.credentialsFile,
        AWS_CONFIG_FILE: `${files.credentialsFile}.absent`,
        AWS_ACCESS_KEY_ID: '',
        AWS_SECRET_ACCESS_KEY: '',
        AWS_PROFILE: '',
        AWS_ENDPOINT_URL_S3: proxy.url,
        AWS_ENDPOINT_URL_STS: aws.url,
        AWS_ENDPOINT_URL_SNS: aws.url,
        AWS_ENDPOINT_URL_CLOUDWATCH: aws.url,
      };
    });

    afterAll(async () => {
      await replication?.stop();
      await proxy?.close();
      await aws?.close();
    });

    const check = (options: { backupCredentials: boolean; signal?: AbortSignal }) =>
      withEnv(env, () =>
        runCheck({
          config,
          stacks,
          session: createCheckSession({
            primary: { profile: 'dc-primary' },
            backup: options.backupCredentials ? { profile: 'dc-backup' } : undefined,
            backfillRoleArn: 'arn:aws:iam::111111111111:role/s3-bastion-backfill',
            restoreRoleArn: 'arn:aws:iam::222222222222:role/s3-bastion-restore',
            stsRegion: 'us-east-1',
          }),
          waitSeconds: 30,
          pollMs: 200,
          signal: options.signal,
        }),
      );

    const userVersions = async () =>
      (
        await backup.send(new ListObjectVersionsCommand({ Bucket: destination, Prefix: 'ledger/' }))
      ).Versions?.map((v) => v.VersionId).sort();

    it('with the guardrails in place every S3 probe passes, and the canaries leave the source', async () => {
      await backup.send(
        new PutBucketPolicyCommand({ Bucket: destination, Policy: rgwBackupPolicy(destination) }),
      );
      const before = await userVersions();
      const report = await check({ backupCredentials: true });
      const results = byProbe(report.results);
      for (const probe of [
        'replication-completes',
        'replica-in-backup',
        'backfill-append-only',
        'delete-becomes-marker',
        'restore-role',
        'primary-cannot-harm',
        'replication-health',
      ]) {
        expect({
          probe,
          status: results[probe].status,
          reason: results[probe].reason,
        }).toMatchObject({
          probe,
          status: 'PASS',
        });
      }
      expect(results['backfill-append-only'].reason).toContain('refused (PreconditionFailed)');
      expect(results['primary-cannot-harm'].reason).toContain(
        'AccessDenied for each of s3:PutBucketVersioning, s3:GetObjectVersion, s3:DeleteObjectVersion',
      );
      // The live bucket is RGW's, not the stack's: the drift probe says how it differs.
      expect(results['backup-bucket-drift'].status).toBe('FAIL');
      expect(
        report.results
          .filter((r) => r.probe === 'alarms-reach-a-person')
          .every((r) => r.status === 'PASS'),
      ).toBe(true);
      // The source holds no canary any more; the backup keeps its versions until the lifecycle.
      const left = await primary.send(
        new ListObjectVersionsCommand({ Bucket: source, Prefix: CANARIES }),
      );
      expect([...(left.Versions ?? []), ...(left.DeleteMarkers ?? [])]).toEqual([]);
      expect(report.cleanup[0].note).toContain('until its lifecycle expires them (30 days');
      expect(await userVersions()).toEqual(before);
    });

    it('a policy missing the version-delete guardrail FAILs primary-cannot-harm and loses no user data', async () => {
      await backup.send(
        new PutBucketPolicyCommand({
          Bucket: destination,
          Policy: rgwBackupPolicy(destination, 'DenyVersionDeletes'),
        }),
      );
      const before = await userVersions();
      const report = await check({ backupCredentials: true });
      const harm = byProbe(report.results)['primary-cannot-harm'];
      expect(harm.status).toBe('FAIL');
      expect(harm.reason).toContain(
        "s3:DeleteObjectVersion was ALLOWED (guardrail DenyEverythingOutsideBackupAccountExceptReplicationAndBackfill missing; only the check's own replica version was at stake)",
      );
      expect(harm.reason).not.toContain('s3:GetObjectVersion');
      expect(harm.fix).toContain('redeploy the backup stack');
      // Every version of the users' data is still there.
      expect(await userVersions()).toEqual(before);
      expect(before).toHaveLength(2);
    });

    it('without backup credentials the probes that need them are SKIPPED with the reason', async () => {
      await backup.send(
        new PutBucketPolicyCommand({ Bucket: destination, Policy: rgwBackupPolicy(destination) }),
      );
      const report = await check({ backupCredentials: false });
      const results = byProbe(report.results);
      expect(results['replication-completes'].status).toBe('PASS');
      // primary-cannot-harm is asserted with backup credentials above: without them it aims at the
      // source's version id, which S3 keeps on the replica and the stand-in here cannot.
      for (const probe of [
        'replica-in-backup',
        'delete-becomes-marker',
        'restore-role',
        'backup-bucket-drift',
      ]) {
        expect(results[probe]).toMatchObject({
          status: 'SKIPPED',
          reason: expect.stringMatching(/backup-account credentials/),
        });
      }
      expect(report.cleanup[0].note).toContain('the backfill copy stays current');
    });

    it('Ctrl-C while replication lags: the rest is SKIPPED as interrupted and the canary still leaves the source', async () => {
      replication.state.paused = true;
      const stop = new AbortController();
      setTimeout(() => stop.abort(), 600);
      try {
        const report = await check({ backupCredentials: true, signal: stop.signal });
        expect(report.interrupted).toBe(true);
        const results = byProbe(report.results);
        expect(results['replication-completes']).toMatchObject({
          status: 'SKIPPED',
          reason: 'interrupted while waiting (PENDING, interrupted)',
        });
        expect(
          report.results
            .filter((r) => r.probe !== 'replication-completes')
            .every(
              (r) => r.status === 'SKIPPED' && r.reason === 'interrupted before this probe ran',
            ),
        ).toBe(true);
        const left = await primary.send(
          new ListObjectVersionsCommand({ Bucket: source, Prefix: CANARIES }),
        );
        expect([...(left.Versions ?? []), ...(left.DeleteMarkers ?? [])]).toEqual([]);
      } finally {
        replication.state.paused = false;
      }
    });
  });
}
