import type { BastionConfig } from '../config';
import type { SessionOptions } from '../deployment-check/session';
import { roleArn } from '../policies/arns';
import { roleArnFlag } from './args';

/** The credential flags of `npm run check-deployment`. */
export interface CheckCredentialFlags {
  readonly profile?: string;
  readonly 'role-arn'?: string;
  readonly 'backup-profile'?: string;
  readonly 'backup-role-arn'?: string;
}

/**
 * The session of a check: the primary account's credentials, the backup account's where a
 * --backup-* flag gives them (the probes that need them are skipped otherwise), the config's
 * backfill and restore roles, and STS in the first source bucket's region.
 */
export function checkSessionOptions(
  values: CheckCredentialFlags,
  config: BastionConfig,
): SessionOptions {
  const withBackup =
    values['backup-profile'] !== undefined || values['backup-role-arn'] !== undefined;
  return {
    primary: { profile: values.profile, roleArn: roleArnFlag(values['role-arn'], 'role-arn') },
    backup: withBackup
      ? {
          profile: values['backup-profile'],
          roleArn: roleArnFlag(values['backup-role-arn'], 'backup-role-arn'),
        }
      : undefined,
    backfillRoleArn: roleArn(config, 'backfill'),
    restoreRoleArn: roleArn(config, 'restore'),
    stsRegion: config.sourceBuckets[0].region,
  };
}
