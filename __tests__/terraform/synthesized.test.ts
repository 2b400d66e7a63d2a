import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'cdktf';
import { exampleConfig } from '../../config';
import { backupBucketPolicy } from '../../policies/backup-bucket-policy';
import { replicationRolePolicy } from '../../policies/replication-role';
import { buildApp } from '../../stacks/app';
import { iamDocumentsOf, readSynthesizedStacks } from '../../terraform/synthesized';
import { validateConfig } from '../../config/validate';

describe('reading IAM documents back from cdktf.out', () => {
  const outdir = mkdtempSync(join(tmpdir(), 'bastion-read-'));
  afterAll(() => rmSync(outdir, { recursive: true, force: true }));
  const app = new App({ outdir });
  buildApp(app, validateConfig(exampleConfig));
  app.synth();
  const documents = readSynthesizedStacks(outdir).flatMap(iamDocumentsOf);

  it('finds every bucket, trust, role and key policy with the bucket or role it governs', () => {
    expect(documents.map((d) => `${d.stack} ${d.kind} ${d.owner}`).sort()).toEqual([
      'backup-us-west-2 bucket-policy example-bastion-prod-assets',
      'backup-us-west-2 bucket-policy example-bastion-prod-ledger',
      'backup-us-west-2 key-policy Re-encrypts SSE-KMS replicas in the backup account (s3-bastion-backup)',
      'backup-us-west-2 role-policy s3-bastion-batch-restore',
      'backup-us-west-2 role-policy s3-bastion-restore',
      'backup-us-west-2 trust-policy s3-bastion-batch-restore',
      'backup-us-west-2 trust-policy s3-bastion-restore',
      'primary-us-east-1 role-policy s3-bastion-backfill',
      'primary-us-east-1 role-policy s3-bastion-batch-replication',
      'primary-us-east-1 role-policy s3-bastion-heartbeat',
      'primary-us-east-1 role-policy s3-bastion-replication',
      'primary-us-east-1 trust-policy s3-bastion-backfill',
      'primary-us-east-1 trust-policy s3-bastion-batch-replication',
      'primary-us-east-1 trust-policy s3-bastion-heartbeat',
      'primary-us-east-1 trust-policy s3-bastion-replication',
    ]);
  });

  it('returns the documents exactly as policies/ built them', () => {
    const bucketPolicy = documents.find((d) => d.owner === 'example-bastion-prod-assets');
    expect(bucketPolicy?.document).toEqual(
      backupBucketPolicy(exampleConfig, exampleConfig.sourceBuckets[0]),
    );
    const replication = documents.find(
      (d) => d.kind === 'role-policy' && d.owner === 's3-bastion-replication',
    );
    expect(replication?.document).toEqual(replicationRolePolicy(exampleConfig));
  });

  it('says how to get cdktf.out when it is missing', () => {
    expect(() => readSynthesizedStacks(join(outdir, 'nope'))).toThrow(/run `npm run synth` first/);
  });
});
