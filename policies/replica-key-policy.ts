import { BastionConfig } from '../config';
import { KMS_ENCRYPT_ACTIONS } from './actions';
import { accountRootArn, partitionOf, roleArn } from './arns';
import { principalIs } from './conditions';
import { PolicyDocument, policyDocument } from './document';

/**
 * Key policy of the backup account's replica key: the backup account administers it; the primary
 * account's replication role may only encrypt with it, through S3, never decrypt.
 */
export function replicaKeyPolicy(config: BastionConfig, region: string): PolicyDocument {
  return policyDocument(
    { name: `replica-key-policy:${region}`, kind: 'resource', partition: partitionOf(config) },
    [
      {
        // Without this statement the key becomes unmanageable (KMS requires it at creation).
        Sid: 'AllowBackupAccountToAdministerKey',
        Effect: 'Allow',
        Principal: { AWS: accountRootArn(config, config.backup.accountId) },
        Action: ['kms:*'],
        Resource: ['*'],
        Condition: {
          ArnLike: {
            'aws:PrincipalArn': `arn:${partitionOf(config)}:iam::${config.backup.accountId}:*`,
          },
        },
      },
      {
        Sid: 'AllowReplicationRoleToEncryptReplicas',
        Effect: 'Allow',
        Principal: { AWS: accountRootArn(config, config.primary.accountId) },
        Action: [...KMS_ENCRYPT_ACTIONS],
        Resource: ['*'],
        Condition: {
          ...principalIs(roleArn(config, 'replication')),
          StringEquals: { 'kms:ViaService': `s3.${region}.amazonaws.com` },
        },
      },
    ],
  );
}
