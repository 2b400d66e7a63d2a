/**
 * Backfill, verify and restore with the source, the backup and the restore target in three
 * different regions, against the regional S3 emulation in front of the real RGW
 * (__tests__/support/regional-s3.ts): every request signed for another region than its bucket's
 * is answered as S3 answers it (301 PermanentRedirect with x-amz-bucket-region, or 400
 * AuthorizationHeaderMalformed with <Region>), so a request that would go to the wrong region on
 * AWS fails here too.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutBucketVersioningCommand, type S3Client } from '@aws-sdk/client-s3';
import {
  rowOfObject,
  rowOfVersion,
  s3Sink,
  writeInventoryReport,
} from '../../bench/inventory-report';
import { main as backfillMain } from '../../scripts/backfill';
import { main as restoreMain } from '../../scripts/restore';
import { main as verifyMain } from '../../scripts/verify';
import { backfill } from '../../s3/backfill/backfill';
import { RegionalS3Clients } from '../../s3/client/bucket-regions';
import { createS3Client } from '../../s3/client/clients';
import { FatalS3Error } from '../../s3/client/errors';
import { signedCopyObjectSender } from '../../s3/client/signed-copy';
import type { InventoryRow } from '../../s3/inventory/format';
import { listObjects } from '../../s3/listing/listing';
import { listObjectVersions } from '../../s3/listing/version-listing';
import { putObjects, runCli, withEnv } from '../support/cli-harness';
import { type RegionalS3, signingRegionOf, startRegionalS3 } from '../support/regional-s3';
import {
  createBucket,
  deleteBucket,
  emptyAndDeleteVersionedBucket,
  type S3TestServer,
  uniqueBucketName,
  useS3Server,
} from '../support/s3-server';

const SOURCE_REGION = 'eu-west-1';
const BACKUP_REGION = 'eu-central-1';
const TARGET_REGION = 'us-west-2';
/** Where the tool's requests go when nothing says otherwise (AWS_REGION): none of the above. */
const DEFAULT_REGION = 'us-east-1';
const OBJECTS = 150;
const MIB = 1024 ** 2;
const BIG_KEY = 'big/multipart.bin';

describe('the regional S3 emulation', () => {
  it('reads the signing region of a signed request and of a presigned URL', () => {
    const scope = 'AKID/20261128/eu-west-1/s3/aws4_request';
    expect(
      signingRegionOf({
        headers: {
          authorization: `AWS4-HMAC-SHA256 Credential=${scope}, SignedHeaders=host, Signature=00`,
        },
      }),
    ).toBe('eu-west-1');
    expect(
      signingRegionOf({
        headers: {},
        url: `/bucket/key?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=${encodeURIComponent(scope)}`,
      }),
    ).toBe('eu-west-1');
    expect(signingRegionOf({ headers: {}, url: '/bucket/key' })).toBeUndefined();
  });
});

describe('each bucket addressed in its own region (regional S3 emulation in front of RGW)', () => {
  let server: S3TestServer;
  let client: S3Client;
  let emulation: RegionalS3;
  let stateDir: string;
  const source = uniqueBucketName('xr-src');
  const backup = uniqueBucketName('xr-bak');
  const target = uniqueBucketName('xr-dst');
  // Each account's S3 Inventory reports land in a bucket of its own region.
  const sourceInventory = uniqueBucketName('xr-inv-src');
  const backupInventory = uniqueBucketName('xr-inv-bak');
  const regions = {
    [source]: SOURCE_REGION,
    [backup]: BACKUP_REGION,
    [target]: TARGET_REGION,
    [sourceInventory]: SOURCE_REGION,
    [backupInventory]: BACKUP_REGION,
  };
  const emulated = (args: string[]) => [...args, '--endpoint-url', emulation.url];
  /** The regions the requests of one operation on one bucket were signed for. */
  const signedFor = (since: number, bucket: string, operations: string[]) =>
    new Set(
      emulation.requests
        .slice(since)
        .filter((r) => r.bucket === bucket && operations.includes(r.operation))
        .map((r) => r.signedFor),
    );

  beforeAll(async () => {
    server = await useS3Server();
    client = server.client();
    stateDir = mkdtempSync(join(tmpdir(), 'cross-region-state-'));
    for (const bucket of [source, backup, target, sourceInventory, backupInventory]) {
      await createBucket(client, bucket);
    }
    await client.send(
      new PutBucketVersioningCommand({
        Bucket: backup,
        VersioningConfiguration: { Status: 'Enabled' },
      }),
    );
    await putObjects(client, source, [
      ...Array.from({ length: OBJECTS }, (_, i) => ({
        Key: `p${i % 3}/object-${String(i).padStart(4, '0')}`,
        Body: `body ${i}`,
      })),
      // Above the 5 MiB threshold the tests set: CreateMultipartUpload + UploadPartCopy.
      { Key: BIG_KEY, Body: randomBytes(6 * MIB) },
    ]);
    emulation = await startRegionalS3(server.endpoint, { regions });
  }, 180_000);

  afterAll(async () => {
    await emulation?.close();
    rmSync(stateDir, { recursive: true, force: true });
    if (client === undefined) return;
    await deleteBucket(client, source);
    await deleteBucket(client, target);
    await deleteBucket(client, sourceInventory);
    await deleteBucket(client, backupInventory);
    await emptyAndDeleteVersionedBucket(client, backup);
  }, 120_000);

  it('without the per-bucket regions, one client for both buckets is sent to the wrong region', async () => {
    // The tool before: one client, one --region. Signed for the source's region, the listing of
    // the backup (and every copy into it) is refused as S3 refuses it.
    const oneRegion = createS3Client({ region: SOURCE_REGION, endpointUrl: emulation.url });
    const run = backfill({
      client: oneRegion,
      sourceBucket: source,
      destinationBucket: backup,
      copyObject: signedCopyObjectSender(oneRegion, { endpointUrl: emulation.url }),
    });
    await expect(run).rejects.toThrow(FatalS3Error);
    await expect(run).rejects.toThrow(`bucket '${backup}' is in ${BACKUP_REGION}`);
    // The hand-signed copy, signed for the source's region, is refused too: the SDK's region
    // redirects would never have seen it.
    const copy = signedCopyObjectSender(oneRegion, { endpointUrl: emulation.url });
    await expect(
      copy({
        destinationBucket: backup,
        destinationKey: 'p0/object-0000',
        copySource: `${source}/p0/object-0000`,
        ifNoneMatch: true,
      }),
    ).rejects.toMatchObject({ name: 'PermanentRedirect', $metadata: { httpStatusCode: 301 } });
    oneRegion.destroy();
  });

  it('backfill, verify and restore across three regions find each region and pass', async () => {
    const before = emulation.requests.length;
    await withEnv({ AWS_REGION: DEFAULT_REGION }, async () => {
      const copied = await runCli(
        backfillMain,
        emulated([
          ...['--source', source, '--destination', backup, '--state-dir', stateDir],
          ...['--multipart-threshold', '5MiB', '--part-size', '5MiB'],
        ]),
      );
      expect([copied.code, copied.stderr]).toEqual([0, expect.any(String)]);
      expect(copied.stdout).toMatch(/: complete/);
      expect(copied.stdout).toMatch(new RegExp(`copied +${OBJECTS + 1} objects`));
      expect(copied.stderr).toContain(`s3://${source} in ${SOURCE_REGION} (S3 says)`);
      expect(copied.stderr).toContain(`s3://${backup} in ${BACKUP_REGION} (S3 says)`);

      const verified = await runCli(
        verifyMain,
        emulated(['--source', source, '--destination', backup]),
      );
      expect(verified.code).toBe(0);
      expect(verified.stdout).toMatch(/^OK: the destination holds every source object$/m);

      const restored = await runCli(
        restoreMain,
        emulated([
          ...['--backup', backup, '--target', target, '--as-of', new Date().toISOString()],
          // The SDK's CopyObject here, the hand-signed one in the backfill: both addressed right.
          ...['--state-dir', stateDir, '--verify', '--sdk-copy'],
          ...['--multipart-threshold', '5MiB', '--part-size', '5MiB'],
        ]),
      );
      expect(restored.code).toBe(0);
      expect(restored.stdout).toMatch(/verify +OK/);
    });

    // The only misaddressed requests were the look-ups: one HeadBucket per bucket and tool, sent
    // to the default region and answered with the bucket's region.
    const misaddressed = emulation.requests.slice(before).filter((r) => r.misaddressed);
    expect(new Set(misaddressed.map((r) => r.operation))).toEqual(new Set(['HeadBucket']));
    expect(misaddressed.every((r) => r.signedFor === DEFAULT_REGION)).toBe(true);
    // Listings went to each bucket's region, copies to the DESTINATION's.
    expect(signedFor(before, source, ['ListObjects', 'HeadObject', 'GetObjectTagging'])).toEqual(
      new Set([SOURCE_REGION]),
    );
    const writes = [
      'CopyObject',
      'CreateMultipartUpload',
      'UploadPartCopy',
      'CompleteMultipartUpload',
    ];
    expect(signedFor(before, backup, writes)).toEqual(new Set([BACKUP_REGION]));
    expect(signedFor(before, target, writes)).toEqual(new Set([TARGET_REGION]));
    expect(signedFor(before, backup, ['ListObjectVersions'])).toEqual(new Set([BACKUP_REGION]));
    const operations = new Set(emulation.requests.slice(before).map((r) => r.operation));
    for (const op of writes) expect(operations).toContain(op);
  }, 240_000);

  it('verify --inventory reads the reports of each account in its own region', async () => {
    // Run after the backfill above: the backup holds every source object.
    const sourceRows: InventoryRow[] = [];
    for await (const o of listObjects(client, { bucket: source })) sourceRows.push(rowOfObject(o));
    const backupRows: InventoryRow[] = [];
    for await (const v of listObjectVersions(client, { bucket: backup })) {
      backupRows.push(rowOfVersion(v, { replicationStatus: 'REPLICA' }));
    }
    const deliver = (inventory: string, bucket: string, rows: typeof sourceRows) =>
      writeInventoryReport(
        s3Sink(client, inventory),
        {
          sourceBucket: bucket,
          destinationBucket: inventory,
          format: 'CSV',
          versions: 'Current',
          createdAt: new Date(),
        },
        rows,
      );
    const sourcePath = await deliver(sourceInventory, source, sourceRows);
    const backupPath = await deliver(backupInventory, backup, backupRows);
    const before = emulation.requests.length;
    const run = await withEnv({ AWS_REGION: DEFAULT_REGION }, () =>
      runCli(
        verifyMain,
        emulated([
          ...['--inventory', '--source-inventory', `s3://${sourceInventory}/${sourcePath}`],
          ...['--backup-inventory', `s3://${backupInventory}/${backupPath}`],
        ]),
      ),
    );
    expect([run.code, run.stdout]).toEqual([0, expect.stringMatching(/^OK: /m)]);
    const requests = emulation.requests.slice(before);
    expect(requests.filter((r) => r.misaddressed && r.operation !== 'HeadBucket')).toEqual([]);
    expect(signedFor(before, sourceInventory, ['GET object'])).toEqual(new Set([SOURCE_REGION]));
    expect(signedFor(before, backupInventory, ['GET object'])).toEqual(new Set([BACKUP_REGION]));
  });

  it('--source-region and --destination-region skip the look-ups; a wrong one is named', async () => {
    const before = emulation.requests.length;
    const verified = await runCli(
      verifyMain,
      emulated([
        ...['--source', source, '--destination', backup],
        ...['--source-region', SOURCE_REGION, '--destination-region', BACKUP_REGION],
      ]),
    );
    expect(verified.code).toBe(0);
    expect(verified.stderr).toContain(`s3://${backup} in ${BACKUP_REGION} (given)`);
    expect(emulation.requests.slice(before).filter((r) => r.misaddressed)).toEqual([]);
    expect(emulation.requests.slice(before).map((r) => r.operation)).not.toContain('HeadBucket');

    const wrong = await runCli(
      verifyMain,
      emulated([
        ...['--source', source, '--destination', backup],
        ...['--destination-region', SOURCE_REGION],
      ]),
    );
    expect(wrong.code).toBe(3);
    expect(wrong.stderr).toMatch(
      new RegExp(`WrongRegion: bucket '${backup}' is in ${BACKUP_REGION}, .*--destination-region`),
    );
  });

  it('a regional endpoint answering 400 AuthorizationHeaderMalformed is understood as well', async () => {
    const strict = await startRegionalS3(server.endpoint, {
      regions,
      wrongRegionAnswer: 'AuthorizationHeaderMalformed',
    });
    try {
      const clients = new RegionalS3Clients({ region: DEFAULT_REGION, endpointUrl: strict.url });
      expect(await clients.locate(backup)).toEqual({
        bucket: backup,
        region: BACKUP_REGION,
        source: 'S3',
      });
      // A second look-up is answered from the cache: one HeadBucket per bucket and run.
      await clients.locate(backup);
      expect(strict.requests.filter((r) => r.operation === 'HeadBucket')).toHaveLength(1);
      // A request signed for the wrong region names the region from the <Region> element.
      const run = backfill({
        client: createS3Client({ region: DEFAULT_REGION, endpointUrl: strict.url }),
        sourceBucket: source,
        destinationBucket: backup,
      });
      await expect(run).rejects.toThrow(`bucket '${source}' is in ${SOURCE_REGION}`);
      clients.destroy();
    } finally {
      await strict.close();
    }
  });
});
