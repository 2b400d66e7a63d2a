import { BastionConfig, exampleConfig } from '../../config';
import { findAllConfigProblems, findConfigProblems } from '../../config/validate';
import { replicaKeyPolicy } from '../../policies/replica-key-policy';
import { replicationRolePolicy } from '../../policies/replication-role';
import { TerraformJson, findResource, resourcesOf, synthesize } from '../support/synth';
import { CONFIG_SHAPES } from '../support/config-shapes';

/**
 * backupEncryption: 'SSE-KMS' (docs/backup-integrity.md, "SSE-KMS backups"): every backup bucket
 * defaults to the backup account's key of its region, which no plan may destroy; SSE-S3 stays
 * the default.
 */
const region = 'us-west-2';
const backupOf = (config: BastionConfig): TerraformJson =>
  synthesize(config).stacks[`backup-${region}`];
const noKmsSources: BastionConfig = {
  ...CONFIG_SHAPES['no-sse-kms'],
  backupEncryption: 'SSE-KMS',
};

describe('SSE-KMS backup buckets', () => {
  const backup = backupOf(CONFIG_SHAPES['sse-kms']);

  it('default every backup bucket to the backup key, with S3 Bucket Keys on', () => {
    const key = findResource(backup, 'aws_kms_key', () => true);
    const rules = Object.values(
      resourcesOf(backup, 'aws_s3_bucket_server_side_encryption_configuration'),
    );
    expect(rules).toHaveLength(2);
    for (const rule of rules) {
      expect(rule.rule).toEqual([
        {
          apply_server_side_encryption_by_default: {
            sse_algorithm: 'aws:kms',
            kms_master_key_id: `\${aws_kms_key.${key.__name}.arn}`,
          },
          bucket_key_enabled: true,
        },
      ]);
    }
  });

  it('create the key even without SSE-KMS sources: rotation on, 30-day deletion window, prevent_destroy, its ARN output', () => {
    const stack = backupOf(noKmsSources);
    expect(Object.keys(resourcesOf(stack, 'aws_kms_key'))).toHaveLength(1);
    expect(findResource(stack, 'aws_kms_key', () => true)).toEqual(
      expect.objectContaining({
        enable_key_rotation: true,
        deletion_window_in_days: 30,
        lifecycle: { prevent_destroy: true },
      }),
    );
    expect(Object.keys((stack as unknown as { output: object }).output)).toEqual(
      expect.arrayContaining(['replica-key-arn', 'replica_key_alias_arn']),
    );
  });

  it('give the replication role the key only where an SSE-KMS source replicates (replicas of SSE-S3 sources keep SSE-S3)', () => {
    // https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-config-for-kms-objects.html
    const sids = (doc: { Statement: readonly { Sid?: string }[] }) =>
      doc.Statement.map((s) => s.Sid);
    expect(sids(replicaKeyPolicy(noKmsSources, region))).not.toContain(
      'AllowReplicationRoleToEncryptReplicas',
    );
    expect(sids(replicationRolePolicy(noKmsSources))).not.toContain(
      'EncryptReplicasWithBackupAccountKey',
    );
    expect(sids(replicaKeyPolicy(noKmsSources, region))).toContain(
      'AllowBackfillRoleToEncryptBackupObjects',
    );
    const withKmsSource = CONFIG_SHAPES['sse-kms'];
    expect(sids(replicaKeyPolicy(withKmsSource, region))).toContain(
      'AllowReplicationRoleToEncryptReplicas',
    );
    expect(sids(replicationRolePolicy(withKmsSource))).toContain(
      'EncryptReplicasWithBackupAccountKey',
    );
  });

  it('stay SSE-S3 (AES256) by default, and make no key without an SSE-KMS source', () => {
    for (const config of [exampleConfig, CONFIG_SHAPES['no-sse-kms']]) {
      for (const rule of Object.values(
        resourcesOf(backupOf(config), 'aws_s3_bucket_server_side_encryption_configuration'),
      )) {
        expect(rule.rule).toEqual([
          expect.objectContaining({
            apply_server_side_encryption_by_default: { sse_algorithm: 'AES256' },
          }),
        ]);
      }
    }
    expect(backupOf(CONFIG_SHAPES['no-sse-kms']).resource.aws_kms_key).toBeUndefined();
  });
});

describe('backupEncryption in the config', () => {
  it('refuses anything but SSE-S3 or SSE-KMS, naming path, value and rule', () => {
    const config = { ...exampleConfig, backupEncryption: 'SSE-C' as never };
    expect(findConfigProblems(config)).toEqual([
      { path: 'backupEncryption', value: 'SSE-C', rule: 'must be SSE-S3 or SSE-KMS' },
    ]);
  });

  it('is a known key of the shape, typed as a string', () => {
    expect(findAllConfigProblems(CONFIG_SHAPES['sse-kms'])).toEqual([]);
    expect(findAllConfigProblems({ ...exampleConfig, backupEncryption: 1 })).toEqual([
      expect.objectContaining({ path: 'backupEncryption', value: 1 }),
    ]);
  });

  it('accepts replicaKmsKeyArns for a backup region that holds only SSE-S3 sources when backups are SSE-KMS', () => {
    const arn = `arn:aws:kms:${region}:222222222222:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
    const withArn = { ...noKmsSources, replicaKmsKeyArns: { [region]: arn } };
    expect(findConfigProblems(withArn)).toEqual([]);
    expect(
      findConfigProblems({ ...withArn, backupEncryption: 'SSE-S3' }).map((p) => p.path),
    ).toEqual([`replicaKmsKeyArns['${region}']`]);
  });
});
