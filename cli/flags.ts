import type { FlagSpecs } from './help';

/** The flags of the S3 tools, with their help text, grouped as the tools share them. */

/** Every S3 tool: how to reach the buckets, and JSON output. */
export const CONNECTION_FLAGS = {
  prefix: { type: 'string', default: '', value: 'P', description: 'only keys under P' },
  'role-arn': {
    type: 'string',
    value: 'ARN',
    description: 'assume this role first',
  },
  region: {
    type: 'string',
    value: 'R',
    description:
      'where look-ups and STS go, and the region of a bucket whose server names none (default: AWS_REGION / profile, else us-east-1)',
  },
  'endpoint-url': {
    type: 'string',
    value: 'URL',
    description: 'an S3-compatible endpoint (default: AWS_ENDPOINT_URL_S3)',
  },
  json: {
    type: 'boolean',
    default: false,
    description: 'print the summary as JSON on stdout, no progress',
  },
} as const satisfies FlagSpecs;

/** The copying tools (backfill and restore): how copies are sent, and the resume journal. */
export function copyFlags(defaultAcl: 'bucket-owner-full-control' | 'none', aclWhy: string) {
  return {
    'dry-run': {
      type: 'boolean',
      default: false,
      description: 'list what would be written, with counts, bytes and request cost',
    },
    concurrency: { type: 'string', value: 'N', description: 'copies in flight (default 128)' },
    'multipart-threshold': {
      type: 'string',
      value: 'SIZE',
      description: 'copy larger objects with UploadPartCopy (default 5GiB)',
    },
    'part-size': {
      type: 'string',
      value: 'SIZE',
      description: 'part size of multipart copies (default 512MiB)',
    },
    acl: {
      type: 'string',
      default: defaultAcl,
      value: 'bucket-owner-full-control|none',
      description: `ACL of the copies (default ${defaultAcl}${aclWhy})`,
    },
    'sdk-copy': {
      type: 'boolean',
      default: false,
      description:
        'send CopyObject through the AWS SDK instead of the lean signed request (same request, about 4x the CPU)',
    },
    'state-dir': {
      type: 'string',
      value: 'DIR',
      description: 'where the resume journal lives (default ~/.s3-bastion-backup)',
    },
    restart: {
      type: 'boolean',
      default: false,
      description: 'ignore the journal of an interrupted run and start from the first key',
    },
  } as const satisfies FlagSpecs;
}

/**
 * A bucket's region flag: without it the bucket's region is looked up (HeadBucket) and every
 * request goes to its bucket's region (s3/client/bucket-regions.ts).
 */
function bucketRegionFlag(bucketFlag: string) {
  return {
    type: 'string',
    value: 'R',
    description: `region of --${bucketFlag} (default: looked up with HeadBucket; every request goes to its bucket's region, copies to the destination's)`,
  } as const;
}

/** The two buckets of the backfill and verify, with their regions. */
export const SOURCE_DESTINATION_FLAGS = {
  source: { type: 'string', value: 'BUCKET', description: 'the production bucket (required)' },
  destination: { type: 'string', value: 'BUCKET', description: 'the backup bucket (required)' },
  'source-region': bucketRegionFlag('source'),
  'destination-region': bucketRegionFlag('destination'),
} as const satisfies FlagSpecs;

/** The backfill's own flags. */
export const BACKFILL_FLAGS = {
  ...SOURCE_DESTINATION_FLAGS,
  'if-none-match-only': {
    type: 'boolean',
    default: false,
    description:
      'do not list the destination (for a role without s3:ListBucket on it): send every object and let If-None-Match: * refuse existing ones',
  },
} as const satisfies FlagSpecs;

/** The restore's own flags. */
export const RESTORE_FLAGS = {
  backup: {
    type: 'string',
    value: 'BUCKET',
    description: 'the versioned backup bucket (required)',
  },
  target: {
    type: 'string',
    value: 'BUCKET',
    description: 'the bucket to restore into; never the backup bucket (required)',
  },
  'backup-region': bucketRegionFlag('backup'),
  'target-region': bucketRegionFlag('target'),
  'as-of': {
    type: 'string',
    value: 'TIME',
    description:
      'the point in time, ISO 8601 with a time zone: 2025-03-01T12:00:00Z, 2025-03-01T13:00+01:00 (required)',
  },
  'into-production': {
    type: 'boolean',
    default: false,
    description:
      'allow overwriting target keys whose current content differs from the version at --as-of (restoring into the live bucket); only those keys are written. Without it an existing key is never overwritten',
  },
  verify: {
    type: 'boolean',
    default: false,
    description:
      'after the restore, list both again and check the target against the backup at --as-of (keys, sizes, checksums)',
  },
  'page-size': {
    type: 'string',
    value: 'N',
    description: 'keys per listing request (default 1000)',
  },
} as const satisfies FlagSpecs;

/** `--engine batch` of the backfill: an S3 Batch Replication job instead of local copies. */
export const BATCH_FLAGS = {
  engine: {
    type: 'string',
    default: 'local',
    value: 'local|batch',
    description:
      'batch: start an S3 Batch Replication job instead (above ~5 million objects or 1 TB); needs replication configured on the source',
  },
  'account-id': {
    type: 'string',
    value: 'ID',
    description: 'batch: the source account (default: from sts:GetCallerIdentity)',
  },
  'batch-role-arn': {
    type: 'string',
    value: 'ARN',
    description: 'batch: role of the job (default <account>:role/s3-bastion-batch-replication)',
  },
  'report-bucket': {
    type: 'string',
    value: 'B',
    description: 'batch: bucket for the report of failed tasks',
  },
  wait: {
    type: 'boolean',
    default: false,
    description: "batch: report the job's progress until it ends",
  },
} as const satisfies FlagSpecs;

/** How many keys of each kind a report prints. */
export function maxKeysFlag(defaultCount: number) {
  return {
    'max-keys': {
      type: 'string',
      value: 'N',
      description: `keys of each kind to print (default ${defaultCount}; counts are always complete)`,
    },
  } as const satisfies FlagSpecs;
}

/** `npm run check-deployment`: the accounts to probe and what to probe. */
export const CHECK_DEPLOYMENT_FLAGS = {
  profile: {
    type: 'string',
    value: 'P',
    description: 'primary-account profile (default: the standard credential chain)',
  },
  'role-arn': {
    type: 'string',
    value: 'ARN',
    description: 'assume this primary-account role first',
  },
  'backup-profile': {
    type: 'string',
    value: 'P',
    description:
      'backup-account profile: enables the replica, delete-marker, restore and drift probes',
  },
  'backup-role-arn': {
    type: 'string',
    value: 'ARN',
    description: 'assume this backup-account role first',
  },
  bucket: {
    type: 'string',
    value: 'B',
    description: 'only the pair of this source (or backup) bucket of the config',
  },
  'read-only': {
    type: 'boolean',
    default: false,
    description: 'only probes that write nothing: alarms, replication health, restore role, drift',
  },
  'wait-seconds': {
    type: 'string',
    value: 'N',
    description: 'longest wait for a replica or delete marker (default 900)',
  },
  'synth-dir': {
    type: 'string',
    value: 'DIR',
    description: 'compare with this cdktf synth output (default: synthesize the config now)',
  },
  json: { type: 'boolean', default: false, description: 'print the report as JSON' },
} as const satisfies FlagSpecs;
