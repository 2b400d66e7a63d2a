import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'cdktf';
import { BastionConfig, exampleConfig } from '../../config';
import { validateConfig } from '../../config/validate';
import { buildApp } from '../../stacks/app';
import { SynthesizedStack, readSynthesizedStacks } from '../../terraform/synthesized';

/**
 * The config shapes whose synthesized output the deployability checks cover: the example (one
 * SSE-S3 and one SSE-KMS source, backups in another region), Object Lock, backups in two regions
 * (a replica key each), replica keys named by ARN, no SSE-KMS at all, and SSE-KMS backups (the
 * backup key as every backup bucket's default), and S3 Inventory. Whether a source uses S3
 * Bucket Keys changes no document (the grants name both encryption contexts): the data-path tests
 * evaluate both.
 */
export const CONFIG_SHAPES: Readonly<Record<string, BastionConfig>> = {
  example: exampleConfig,
  'object-lock': {
    ...exampleConfig,
    objectLock: { mode: 'GOVERNANCE', days: 30 },
    sourceBuckets: exampleConfig.sourceBuckets.map((b) => ({
      ...b,
      noncurrentVersionRetentionDays: Math.max(b.noncurrentVersionRetentionDays, 30),
    })),
  },
  'two-backup-regions': {
    ...exampleConfig,
    sourceBuckets: exampleConfig.sourceBuckets.map((b, i) => ({
      ...b,
      backupRegion: i === 0 ? 'us-west-2' : 'eu-west-1',
    })),
  },
  'replica-key-arns': {
    ...exampleConfig,
    replicaKmsKeyArns: {
      'us-west-2': 'arn:aws:kms:us-west-2:222222222222:key/1234abcd-12ab-34cd-56ef-1234567890ab',
    },
  },
  'no-sse-kms': {
    ...exampleConfig,
    sourceBuckets: exampleConfig.sourceBuckets.map((b) => ({ ...b, sourceKmsKeyArn: undefined })),
  },
  // Every backup bucket's default key is the backup account's key (one SSE-S3 and one SSE-KMS
  // source, as the example).
  'sse-kms': { ...exampleConfig, backupEncryption: 'SSE-KMS' },
  // S3 Inventory: an inventory bucket per account and region, the restore role reading the
  // backup account's reports.
  inventory: { ...exampleConfig, inventory: { enabled: true } },
  // SSE-KMS backups of SSE-S3 sources only: their replicas keep SSE-S3, so replication has no
  // use of the backup key; the backfill's copies and restores still go through it.
  'sse-kms-sse-s3-sources': {
    ...exampleConfig,
    backupEncryption: 'SSE-KMS',
    sourceBuckets: exampleConfig.sourceBuckets.map((b) => ({ ...b, sourceKmsKeyArn: undefined })),
  },
};

const synthesized = new Map<string, SynthesizedStack[]>();

/** Every stack of a config shape as `cdktf synth` writes it; synthesized once per test file. */
export function synthesizedShape(name: string): SynthesizedStack[] {
  let stacks = synthesized.get(name);
  if (stacks === undefined) {
    const outdir = mkdtempSync(join(tmpdir(), `bastion-shape-${name}-`));
    try {
      const app = new App({ outdir });
      buildApp(app, validateConfig(CONFIG_SHAPES[name]));
      app.synth();
      stacks = readSynthesizedStacks(outdir);
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
    synthesized.set(name, stacks);
  }
  return stacks;
}
