import { exampleConfig } from '../../config';
import { backfillRolePolicy, backfillRoleTrustPolicy } from '../../policies/backfill-role';
import {
  batchReplicationRolePolicy,
  batchReplicationRoleTrustPolicy,
} from '../../policies/batch-replication-role';
import { PolicyDocument } from '../../policies/document';
import { replicationRolePolicy, replicationRoleTrustPolicy } from '../../policies/replication-role';
import { configWith, findResource, synthesize } from '../support/synth';

const { stacks } = synthesize();
const primary = stacks['primary-us-east-1'];

describe('primary stack', () => {
  it('is pinned to the primary account through an aliased provider', () => {
    expect(primary.provider.aws).toEqual([
      expect.objectContaining({
        alias: 'primary_us_east_1',
        allowed_account_ids: ['111111111111'],
        region: 'us-east-1',
      }),
    ]);
    for (const resources of Object.values(primary.resource)) {
      for (const resource of Object.values(resources))
        expect(resource.provider).toBe('aws.primary_us_east_1');
    }
  });

  it.each([
    ['s3-bastion-replication', replicationRoleTrustPolicy, replicationRolePolicy],
    ['s3-bastion-backfill', backfillRoleTrustPolicy, backfillRolePolicy],
    ['s3-bastion-batch-replication', batchReplicationRoleTrustPolicy, batchReplicationRolePolicy],
  ] as const)(
    'creates the role %s with exactly its policies/ documents',
    (name, trust, permissions) => {
      const role = findResource(primary, 'aws_iam_role', (r) => r.name === name);
      expect(JSON.parse(role.assume_role_policy as string)).toEqual(trust(exampleConfig));
      const policy = findResource(
        primary,
        'aws_iam_role_policy',
        (r) => r.role === `\${aws_iam_role.${role.__name}.name}`,
      );
      expect(JSON.parse(policy.policy as string) as PolicyDocument).toEqual(
        permissions(exampleConfig),
      );
    },
  );

  it('gives the backfill role sessions long enough for a large backfill', () => {
    expect(
      findResource(primary, 'aws_iam_role', (r) => r.name === 's3-bastion-backfill')
        .max_session_duration,
    ).toBe(43200);
  });

  describe.each(exampleConfig.sourceBuckets.map((b) => [b.name, b] as const))(
    'source bucket %s',
    (name, source) => {
      const replication = findResource(
        primary,
        'aws_s3_bucket_replication_configuration',
        (r) => r.bucket === name,
      );
      const rule = (replication.rule as Array<Record<string, unknown>>)[0];

      it('enables versioning (replication requires it)', () => {
        const versioning = findResource(
          primary,
          'aws_s3_bucket_versioning',
          (r) => r.bucket === name,
        );
        expect(versioning.versioning_configuration).toEqual({ status: 'Enabled' });
        expect(replication.depends_on).toContain(`aws_s3_bucket_versioning.${versioning.__name}`);
        expect(replication.depends_on).toContain('aws_iam_role_policy.replication-role-policy');
      });

      it('refuses to destroy the replication configuration or the versioning of production', () => {
        // A destroy would stop the backup, or suspend versioning, on the production bucket.
        const versioning = findResource(
          primary,
          'aws_s3_bucket_versioning',
          (r) => r.bucket === name,
        );
        expect(versioning.lifecycle).toEqual({ prevent_destroy: true });
        expect(replication.lifecycle).toEqual({ prevent_destroy: true });
      });

      it('replicates with the replication role, as the literal ARN', () => {
        expect(replication.role).toBe('arn:aws:iam::111111111111:role/s3-bastion-replication');
        expect(replication.rule).toHaveLength(1);
      });

      it('has one V2 rule for all objects, with delete markers replicated', () => {
        expect(rule).toMatchObject({
          status: 'Enabled',
          filter: {},
          delete_marker_replication: { status: 'Enabled' },
        });
      });

      it('sends replicas to the backup account, which owns them', () => {
        expect(rule.destination).toMatchObject({
          bucket: `arn:aws:s3:::${source.backupBucketName}`,
          account: '222222222222',
          access_control_translation: { owner: 'Destination' },
        });
        expect((rule.destination as Record<string, unknown>).storage_class).toBe(
          source.replicaStorageClass,
        );
      });

      it('replicates SSE-KMS objects exactly when the source has a key', () => {
        const kms = source.sourceKmsKeyArn !== undefined;
        expect(rule.source_selection_criteria).toEqual(
          kms ? { sse_kms_encrypted_objects: { status: 'Enabled' } } : undefined,
        );
        expect((rule.destination as Record<string, unknown>).encryption_configuration).toEqual(
          kms
            ? { replica_kms_key_id: 'arn:aws:kms:us-west-2:222222222222:alias/s3-bastion-replica' }
            : undefined,
        );
      });
    },
  );

  it('names the replica key by its ARN once the config knows it from the backup stack output', () => {
    const keyArn = 'arn:aws:kms:us-west-2:222222222222:key/1234abcd-12ab-34cd-56ef-1234567890ab';
    const stack = synthesize(configWith({ replicaKmsKeyArns: { 'us-west-2': keyArn } })).stacks[
      'primary-us-east-1'
    ];
    const ledger = Object.values(stack.resource.aws_s3_bucket_replication_configuration).find(
      (r) => r.bucket === 'example-prod-ledger',
    )!;
    const [rule] = ledger.rule as Array<{ destination: Record<string, unknown> }>;
    expect(rule.destination.encryption_configuration).toEqual({ replica_kms_key_id: keyArn });
  });

  it('leaves source versioning alone when the config says another stack manages it', () => {
    const config = configWith({
      sourceBuckets: exampleConfig.sourceBuckets.map((b) => ({
        ...b,
        manageSourceVersioning: false,
      })),
    });
    const stack = synthesize(config).stacks['primary-us-east-1'];
    expect(stack.resource.aws_s3_bucket_versioning).toBeUndefined();
    const replication = Object.values(stack.resource.aws_s3_bucket_replication_configuration)[0];
    expect(replication.depends_on).toEqual(['aws_iam_role_policy.replication-role-policy']);
  });

  it('matches the snapshot (a change detector; the assertions above are the spec)', () => {
    expect(primary).toMatchSnapshot();
  });
});
