// A deployment config as you keep it in your own repository (a fork of s3-bastion-backup, or a
// repository that holds it as a git submodule: then import from that path instead).
// Synthesize it with: BASTION_CONFIG=examples/bastion.config.ts npm run synth
import type { BastionConfig } from '../config';

export const config: BastionConfig = {
  primary: {
    accountId: '111111111111',
    deployRoleArn: 'arn:aws:iam::111111111111:role/s3-bastion-deploy',
  },
  backup: {
    accountId: '222222222222',
    deployRoleArn: 'arn:aws:iam::222222222222:role/s3-bastion-deploy',
  },
  sourceBuckets: [
    {
      name: 'acme-prod-invoices',
      region: 'eu-west-1',
      backupBucketName: 'acme-bastion-prod-invoices',
      backupRegion: 'eu-central-1',
      noncurrentVersionRetentionDays: 35,
      sourceKmsKeyArn:
        'arn:aws:kms:eu-west-1:111111111111:key/0b7e4a4e-1c2d-4e5f-8a9b-0c1d2e3f4a5b',
      replicationTimeControl: true,
    },
    {
      name: 'acme-prod-uploads',
      region: 'eu-west-1',
      backupBucketName: 'acme-bastion-prod-uploads',
      backupRegion: 'eu-central-1',
      noncurrentVersionRetentionDays: 35,
    },
  ],
  backfillPrincipalArns: ['arn:aws:iam::111111111111:role/platform-backfill-operator'],
  restorePrincipalArns: ['arn:aws:iam::222222222222:role/break-glass-restore-operator'],
  restoreTargetBucketNames: ['acme-bastion-restore-staging'],
  // backupEncryption: 'SSE-KMS', // the backup account's own key as the backups' default encryption
  alerts: { emailAddresses: ['storage-oncall@acme.example'] },
  terraformCloud: { organization: 'acme' },
};
