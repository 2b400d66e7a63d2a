import { BastionConfig } from '../config';
import {
  BATCH_REPLICATION_REPORT_OBJECT_ACTIONS,
  BATCH_REPLICATION_SOURCE_BUCKET_ACTIONS,
  BATCH_REPLICATION_SOURCE_OBJECT_ACTIONS,
} from './actions';
import { batchReportLocation, bucketArn, objectsArn, partitionOf } from './arns';
import { onBehalfOf } from './conditions';
import { PolicyDocument, policyDocument } from './document';

/** Only S3 Batch Operations, acting for the primary account, may assume the role. */
export function batchReplicationRoleTrustPolicy(config: BastionConfig): PolicyDocument {
  const partition = partitionOf(config);
  return policyDocument({ name: 'batch-replication-role-trust', kind: 'trust', partition }, [
    {
      Sid: 'AllowS3BatchOperationsOfPrimaryAccount',
      Effect: 'Allow',
      Principal: { Service: 'batchoperations.s3.amazonaws.com' },
      Action: ['sts:AssumeRole'],
      Condition: onBehalfOf(config.primary.accountId, [
        `arn:${partition}:s3:*:${config.primary.accountId}:job/*`,
      ]),
    },
  ]);
}

/** Run a Batch Replication job over the sources, with manifests and reports under one prefix. */
export function batchReplicationRolePolicy(config: BastionConfig): PolicyDocument {
  const sources = config.sourceBuckets;
  const reportObjects = [
    ...new Set(
      sources.map((b) => {
        const location = batchReportLocation(config, b);
        return objectsArn(config, location.bucket, location.prefix);
      }),
    ),
  ];
  return policyDocument(
    { name: 'batch-replication-role-policy', kind: 'identity', partition: partitionOf(config) },
    [
      {
        Sid: 'InitiateReplicationOfSourceObjects',
        Effect: 'Allow',
        Action: [...BATCH_REPLICATION_SOURCE_OBJECT_ACTIONS],
        Resource: sources.map((b) => objectsArn(config, b.name)),
      },
      {
        Sid: 'GenerateManifestFromSourceBuckets',
        Effect: 'Allow',
        Action: [...BATCH_REPLICATION_SOURCE_BUCKET_ACTIONS],
        Resource: sources.map((b) => bucketArn(config, b.name)),
      },
      {
        Sid: 'ReadWriteManifestsAndReports',
        Effect: 'Allow',
        Action: [...BATCH_REPLICATION_REPORT_OBJECT_ACTIONS],
        Resource: reportObjects,
      },
    ],
  );
}
