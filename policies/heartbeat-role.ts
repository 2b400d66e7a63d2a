import { BastionConfig, SourceBucketConfig } from '../config';
import { HEARTBEAT_CANARY_ACTIONS } from './actions';
import { bucketArn, heartbeatKeyOf, partitionOf } from './arns';
import { onBehalfOf } from './conditions';
import { PolicyDocument, Statement, policyDocument } from './document';
import { encryptThroughS3 } from './kms-grants';

/**
 * Only EventBridge Scheduler, acting for the primary account, may assume the heartbeat role.
 * https://docs.aws.amazon.com/scheduler/latest/UserGuide/setting-up.html#setting-up-execution-role
 */
export function heartbeatRoleTrustPolicy(config: BastionConfig): PolicyDocument {
  return policyDocument(
    { name: 'heartbeat-role-trust', kind: 'trust', partition: partitionOf(config) },
    [
      {
        Sid: 'AllowSchedulerOfPrimaryAccount',
        Effect: 'Allow',
        Principal: { Service: 'scheduler.amazonaws.com' },
        Action: ['sts:AssumeRole'],
        Condition: onBehalfOf(config.primary.accountId),
      },
    ],
  );
}

/**
 * Writes the canary object of each source bucket, and nothing else: the one key, in the sources
 * that have a heartbeat (and, for an SSE-KMS source, a data key through S3 only).
 */
export function heartbeatRolePolicy(
  config: BastionConfig,
  sources: readonly SourceBucketConfig[],
): PolicyDocument {
  const statements: Statement[] = [
    {
      Sid: 'WriteHeartbeatCanaries',
      Effect: 'Allow',
      Action: [...HEARTBEAT_CANARY_ACTIONS],
      Resource: sources.map((b) => `${bucketArn(config, b.name)}/${heartbeatKeyOf(config)}`),
    },
  ];
  const kmsSources = sources.filter((b) => b.sourceKmsKeyArn !== undefined);
  if (kmsSources.length > 0) {
    statements.push(
      encryptThroughS3(
        'EncryptCanariesOfKmsSourcesThroughS3',
        kmsSources.map((b) => b.sourceKmsKeyArn as string),
        kmsSources.map((b) => b.region),
      ),
    );
  }
  return policyDocument(
    { name: 'heartbeat-role-policy', kind: 'identity', partition: partitionOf(config) },
    statements,
  );
}
