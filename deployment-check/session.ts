import { S3Client } from '@aws-sdk/client-s3';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { SNSClient } from '@aws-sdk/client-sns';
import { STSClient } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentityProvider } from '@smithy/types';
import { assumedRoleCredentials } from '../s3/client/clients';

/** Whose credentials a request is sent with. */
export type Principal = 'primary' | 'backup' | 'backfill' | 'restore';
export type Account = 'primary' | 'backup';

/** How to get one account's credentials: the standard chain, a named profile, or a role. */
export interface CredentialChoice {
  /** @default - the standard chain (AWS_PROFILE, environment, SSO, instance role) */
  readonly profile?: string;
  /** A role assumed with the profile's (or the chain's) credentials. */
  readonly roleArn?: string;
}

/** The clients of one check run, per principal and region; roles are assumed on first use. */
export interface CheckSession {
  readonly hasBackupCredentials: boolean;
  s3(who: Principal, region: string): S3Client;
  cloudwatch(account: Account, region: string): CloudWatchClient;
  sns(account: Account, region: string): SNSClient;
  sts(account: Account, region: string): STSClient;
}

/** Assuming a role failed: the probes tell "not allowed to assume" from "the role misbehaves". */
export class RoleAssumptionError extends Error {
  constructor(
    readonly roleArn: string,
    cause: unknown,
  ) {
    const name = (cause as { name?: string } | undefined)?.name ?? 'Error';
    const message = (cause as { message?: string } | undefined)?.message ?? String(cause);
    super(`cannot assume ${roleArn}: ${name}: ${message.split('\n')[0]}`, { cause });
    this.name = 'RoleAssumptionError';
  }
}

interface BaseClientConfig {
  readonly region: string;
  readonly profile?: string;
  readonly credentials?: AwsCredentialIdentityProvider;
}

/**
 * sts:AssumeRole with the given base credentials: the run's shared helper (the SDK's
 * fromTemporaryCredentials, cached until five minutes before expiry); its failures become a
 * RoleAssumptionError, so the probes can tell "not allowed to assume" from "the role misbehaves".
 */
function assumeRole(
  roleArn: string,
  base: Omit<BaseClientConfig, 'region'>,
  region: string,
): AwsCredentialIdentityProvider {
  const provider = assumedRoleCredentials(roleArn, region, {
    sessionName: `s3-bastion-check-${process.pid}`,
    baseCredentials: base.credentials,
    profile: base.profile,
    durationSeconds: 3600,
  });
  return async (properties) => {
    try {
      return await provider(properties);
    } catch (error) {
      throw new RoleAssumptionError(roleArn, error);
    }
  };
}

export interface SessionOptions {
  readonly primary: CredentialChoice;
  /** @default - no backup-account credentials: the probes that need them are SKIPPED */
  readonly backup?: CredentialChoice;
  readonly backfillRoleArn: string;
  readonly restoreRoleArn: string;
  /** Region that STS calls go to (any region works for AssumeRole). */
  readonly stsRegion: string;
}

/** The clients of a real run: every service honours the AWS_ENDPOINT_URL_<SERVICE> variables. */
export function createCheckSession(options: SessionOptions): CheckSession {
  const baseOf = (choice: CredentialChoice): Omit<BaseClientConfig, 'region'> =>
    choice.roleArn === undefined
      ? { profile: choice.profile }
      : {
          credentials: assumeRole(choice.roleArn, { profile: choice.profile }, options.stsRegion),
        };
  const accounts: Record<Account, Omit<BaseClientConfig, 'region'> | undefined> = {
    primary: baseOf(options.primary),
    backup: options.backup === undefined ? undefined : baseOf(options.backup),
  };
  const accountBase = (account: Account) => {
    const base = accounts[account];
    if (base === undefined) throw new Error(`no ${account}-account credentials were given`);
    return base;
  };
  const roles: Partial<Record<Principal, Omit<BaseClientConfig, 'region'>>> = {};
  const principalBase = (who: Principal): Omit<BaseClientConfig, 'region'> => {
    if (who === 'primary' || who === 'backup') return accountBase(who);
    roles[who] ??= {
      credentials: assumeRole(
        who === 'backfill' ? options.backfillRoleArn : options.restoreRoleArn,
        accountBase(who === 'backfill' ? 'primary' : 'backup'),
        options.stsRegion,
      ),
    };
    return roles[who];
  };
  const cache = new Map<string, unknown>();
  const cached = <T>(key: string, make: () => T): T => {
    if (!cache.has(key)) cache.set(key, make());
    return cache.get(key) as T;
  };
  const endpoint = process.env.AWS_ENDPOINT_URL_S3 ?? process.env.AWS_ENDPOINT_URL;
  return {
    hasBackupCredentials: options.backup !== undefined,
    s3: (who, region) =>
      cached(`s3:${who}:${region}`, () => {
        return new S3Client({
          ...principalBase(who),
          region,
          // An S3-compatible endpoint (tests, a user's own) rarely resolves bucket subdomains.
          forcePathStyle: endpoint !== undefined && endpoint !== '',
          // A bucket in another region must show as a region mismatch, not be followed silently.
          followRegionRedirects: false,
          requestChecksumCalculation: 'WHEN_REQUIRED',
          responseChecksumValidation: 'WHEN_REQUIRED',
        });
      }),
    cloudwatch: (account, region) =>
      cached(
        `cw:${account}:${region}`,
        () => new CloudWatchClient({ ...accountBase(account), region }),
      ),
    sns: (account, region) =>
      cached(`sns:${account}:${region}`, () => new SNSClient({ ...accountBase(account), region })),
    sts: (account, region) =>
      cached(`sts:${account}:${region}`, () => new STSClient({ ...accountBase(account), region })),
  };
}
