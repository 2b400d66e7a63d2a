import type { BastionConfig } from './types';

/** The placeholder deployment that `cdktf synth` builds out of the box. */
export const exampleConfig: BastionConfig = {
  partition: 'aws',
  primary: { accountId: '111111111111' },
  backup: { accountId: '222222222222' },
  sourceBuckets: [
    {
      name: 'example-prod-assets',
      region: 'us-east-1',
      backupBucketName: 'example-bastion-prod-assets',
      backupRegion: 'us-west-2',
      noncurrentVersionRetentionDays: 30,
    },
    {
      name: 'example-prod-ledger',
      region: 'us-east-1',
      backupBucketName: 'example-bastion-prod-ledger',
      backupRegion: 'us-west-2',
      noncurrentVersionRetentionDays: 90,
      replicaStorageClass: 'STANDARD_IA',
      sourceKmsKeyArn:
        'arn:aws:kms:us-east-1:111111111111:key/0b7e4a4e-1c2d-4e5f-8a9b-0c1d2e3f4a5b',
    },
  ],
  backfillPrincipalArns: ['arn:aws:iam::111111111111:role/platform-backfill-operator'],
  restorePrincipalArns: ['arn:aws:iam::222222222222:role/break-glass-restore-operator'],
  restoreTargetBucketNames: ['example-restore-staging'],
  alerts: {
    emailAddresses: ['storage-oncall@example.com'],
    deleteMarkersPerHour: 100,
    newVersionsPerHour: 1000,
    failedReplicationsPer15Minutes: 1,
  },
};
