import { exampleConfig } from '../../config';
import { backupBucketPolicy } from '../../policies/backup-bucket-policy';
import { restoreRolePolicy, restoreRoleTrustPolicy } from '../../policies/restore-role';
import { TerraformJson, configWith, findResource, resourcesOf, synthesize } from '../support/synth';

const { stacks } = synthesize();
const backup = stacks['backup-us-west-2'];

/** The resource of `type` attached to the backup bucket named `bucketName`. */
function attachedTo(stack: TerraformJson, type: string, bucketName: string) {
  const bucket = findResource(stack, 'aws_s3_bucket', (r) => r.bucket === bucketName);
  return findResource(stack, type, (r) => r.bucket === `\${aws_s3_bucket.${bucket.__name}.id}`);
}

describe('backup stack', () => {
  it('is pinned to the backup account through an aliased provider in the backup region', () => {
    expect(backup.provider.aws).toEqual([
      expect.objectContaining({
        alias: 'backup_us_west_2',
        allowed_account_ids: ['222222222222'],
        region: 'us-west-2',
        default_tags: [
          {
            tags: expect.objectContaining({
              Project: 's3-bastion-backup',
              Stack: 'backup-us-west-2',
            }),
          },
        ],
      }),
    ]);
  });

  it('puts every resource on the aliased provider', () => {
    for (const resources of Object.values(backup.resource)) {
      for (const resource of Object.values(resources))
        expect(resource.provider).toBe('aws.backup_us_west_2');
    }
  });

  it('keeps state in a relative local path by default', () => {
    expect(backup.terraform.backend).toEqual({
      local: { path: 'terraform.backup-us-west-2.tfstate' },
    });
  });

  describe.each(exampleConfig.sourceBuckets.map((b) => [b.backupBucketName, b] as const))(
    'bucket %s',
    (name, source) => {
      it('is protected from destroy and from force-destroy', () => {
        const bucket = findResource(backup, 'aws_s3_bucket', (r) => r.bucket === name);
        expect(bucket.force_destroy).toBe(false);
        expect(bucket.lifecycle).toEqual({ prevent_destroy: true });
        expect(bucket.object_lock_enabled).toBeUndefined();
      });

      it('has versioning Enabled', () => {
        expect(
          attachedTo(backup, 'aws_s3_bucket_versioning', name).versioning_configuration,
        ).toEqual({ status: 'Enabled' });
      });

      it('blocks all public access', () => {
        expect(attachedTo(backup, 'aws_s3_bucket_public_access_block', name)).toMatchObject({
          block_public_acls: true,
          block_public_policy: true,
          ignore_public_acls: true,
          restrict_public_buckets: true,
        });
      });

      it('disables ACLs (BucketOwnerEnforced)', () => {
        expect(attachedTo(backup, 'aws_s3_bucket_ownership_controls', name).rule).toEqual({
          object_ownership: 'BucketOwnerEnforced',
        });
      });

      it('encrypts by default with SSE-S3 and a bucket key', () => {
        expect(
          attachedTo(backup, 'aws_s3_bucket_server_side_encryption_configuration', name).rule,
        ).toEqual([
          {
            apply_server_side_encryption_by_default: { sse_algorithm: 'AES256' },
            bucket_key_enabled: true,
          },
        ]);
      });

      it('expires noncurrent versions after the recovery window, cleans delete markers and uploads', () => {
        const lifecycle = attachedTo(backup, 'aws_s3_bucket_lifecycle_configuration', name);
        expect(lifecycle.rule).toEqual([
          expect.objectContaining({
            status: 'Enabled',
            filter: [{ prefix: '' }],
            noncurrent_version_expiration: [
              { noncurrent_days: source.noncurrentVersionRetentionDays },
            ],
            expiration: [{ expired_object_delete_marker: true }],
            abort_incomplete_multipart_upload: [{ days_after_initiation: 7 }],
          }),
        ]);
        const versioning = attachedTo(backup, 'aws_s3_bucket_versioning', name);
        expect(lifecycle.depends_on).toEqual([`aws_s3_bucket_versioning.${versioning.__name}`]);
      });

      it('embeds exactly the backup bucket policy document, applied after the public access block', () => {
        const policy = attachedTo(backup, 'aws_s3_bucket_policy', name);
        expect(JSON.parse(policy.policy as string)).toEqual(
          backupBucketPolicy(exampleConfig, source),
        );
        const pab = attachedTo(backup, 'aws_s3_bucket_public_access_block', name);
        expect(policy.depends_on).toEqual([`aws_s3_bucket_public_access_block.${pab.__name}`]);
        const ownership = attachedTo(backup, 'aws_s3_bucket_ownership_controls', name);
        expect(pab.depends_on).toEqual([`aws_s3_bucket_ownership_controls.${ownership.__name}`]);
      });
    },
  );

  it('holds the restore role with its documents', () => {
    const role = findResource(backup, 'aws_iam_role', (r) => r.name === 's3-bastion-restore');
    expect(JSON.parse(role.assume_role_policy as string)).toEqual(
      restoreRoleTrustPolicy(exampleConfig),
    );
    const policy = findResource(
      backup,
      'aws_iam_role_policy',
      (r) => r.role === `\${aws_iam_role.${role.__name}.name}`,
    );
    expect(JSON.parse(policy.policy as string)).toEqual(restoreRolePolicy(exampleConfig));
  });

  it('creates a rotating replica key with an alias when a source uses SSE-KMS', () => {
    const [key] = Object.values(resourcesOf(backup, 'aws_kms_key'));
    expect(key).toMatchObject({ enable_key_rotation: true, deletion_window_in_days: 30 });
    // A renamed construct or a removed source must not schedule the key's deletion: every
    // SSE-KMS replica would become unreadable. Terraform refuses such a plan while this holds.
    expect(key.lifecycle).toEqual({ prevent_destroy: true });
    expect(Object.values(resourcesOf(backup, 'aws_kms_alias'))).toEqual([
      expect.objectContaining({ name: 'alias/s3-bastion-replica' }),
    ]);
    // The key's ARN goes into the config (replicaKmsKeyArns) so that the others name the key.
    const outputs = (backup as unknown as { output: Record<string, { value: string }> }).output;
    expect(Object.values(outputs).map((o) => o.value)).toContain(
      `\${aws_kms_key.${Object.keys(resourcesOf(backup, 'aws_kms_key'))[0]}.arn}`,
    );
  });

  it('creates no replica key when no source uses SSE-KMS', () => {
    const config = configWith({
      sourceBuckets: exampleConfig.sourceBuckets.map((b) => ({ ...b, sourceKmsKeyArn: undefined })),
    });
    expect(synthesize(config).stacks['backup-us-west-2'].resource.aws_kms_key).toBeUndefined();
  });

  it('enables Object Lock with the configured default retention when asked', () => {
    const config = configWith({ objectLock: { mode: 'COMPLIANCE', days: 14 } });
    const stack = synthesize(config).stacks['backup-us-west-2'];
    for (const source of config.sourceBuckets) {
      expect(
        findResource(stack, 'aws_s3_bucket', (r) => r.bucket === source.backupBucketName)
          .object_lock_enabled,
      ).toBe(true);
      const lock = attachedTo(
        stack,
        'aws_s3_bucket_object_lock_configuration',
        source.backupBucketName,
      );
      expect(lock.rule).toEqual({ default_retention: { mode: 'COMPLIANCE', days: 14 } });
    }
  });

  it('matches the snapshot (a change detector; the assertions above are the spec)', () => {
    expect(backup).toMatchSnapshot();
  });
});
