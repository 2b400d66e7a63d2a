import { HeadBucketCommand } from '@aws-sdk/client-s3';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { BastionConfig } from '../config';
import { FatalS3Error, bucketRegionOf, errorName, httpStatus } from '../s3/client/errors';
import type { BucketPair } from './expectations';
import type { Account, CheckSession } from './session';

/**
 * Checks run before anything is written: the credentials work and belong to the accounts of the
 * config, and every bucket exists in the region the config names. Each problem ends the run with
 * one line (exit 3), so a canary never lands in the wrong account or bucket.
 */

const BAD_CREDENTIALS = new Set([
  'InvalidClientTokenId',
  'ExpiredToken',
  'ExpiredTokenException',
  'SignatureDoesNotMatch',
  'UnrecognizedClientException',
  'InvalidAccessKeyId',
  'CredentialsProviderError',
]);

/** Who the credentials are: the caller ARN, checked against the account the config names. */
export async function checkCallerAccount(
  session: CheckSession,
  config: BastionConfig,
  account: Account,
  region: string,
): Promise<string> {
  const flag =
    account === 'primary' ? '--profile / --role-arn' : '--backup-profile / --backup-role-arn';
  let identity;
  try {
    // https://docs.aws.amazon.com/STS/latest/APIReference/API_GetCallerIdentity.html
    identity = await session.sts(account, region).send(new GetCallerIdentityCommand({}));
  } catch (error) {
    const name = errorName(error);
    if (name === 'RoleAssumptionError') {
      throw new FatalS3Error(`${account} credentials: ${(error as Error).message}`, error);
    }
    if (name === 'CredentialsProviderError') {
      throw new FatalS3Error(
        `NoCredentials: no ${account}-account credentials found (${(error as Error).message.split('\n')[0]}); pass ${flag}`,
        error,
      );
    }
    if (BAD_CREDENTIALS.has(name)) {
      throw new FatalS3Error(
        `${name}: the ${account}-account credentials were rejected by STS; refresh them or pass ${flag}`,
        error,
      );
    }
    throw new FatalS3Error(
      `${name}: sts:GetCallerIdentity with the ${account}-account credentials failed: ${(error as Error).message?.split('\n')[0]}`,
      error,
    );
  }
  const expected = config[account].accountId;
  if (identity.Account !== expected) {
    throw new FatalS3Error(
      `WrongAccount: the ${account} credentials (${identity.Arn}) belong to account ${identity.Account}, ` +
        `the config's ${account} account is ${expected}; nothing was written (pass ${flag})`,
      undefined,
    );
  }
  return identity.Arn ?? '';
}

/**
 * HeadBucket in the configured region: 404 is an unknown bucket, 301 a region mismatch. A 403 is
 * fine here (the primary account may not read the backup bucket at all: that is the point).
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_HeadBucket.html
 */
export async function checkBucketLocation(
  session: CheckSession,
  who: 'primary' | 'backup',
  bucket: string,
  region: string,
  role: string,
): Promise<void> {
  try {
    await session.s3(who, region).send(new HeadBucketCommand({ Bucket: bucket }));
  } catch (error) {
    const status = httpStatus(error);
    const name = errorName(error);
    if (status === 404 || name === 'NoSuchBucket' || name === 'NotFound') {
      throw new FatalS3Error(
        `NoSuchBucket: the ${role} bucket '${bucket}' does not exist (check the config, or deploy the stacks first)`,
        error,
      );
    }
    if (status === 301 || name === 'PermanentRedirect') {
      const actual = bucketRegionOf(error);
      throw new FatalS3Error(
        `WrongRegion: the ${role} bucket '${bucket}' is in ${actual ?? 'another region'}, the config says ${region}`,
        error,
      );
    }
    if (BAD_CREDENTIALS.has(name)) {
      throw new FatalS3Error(`${name}: the ${who}-account credentials were rejected by S3`, error);
    }
    if (status === 403) return;
    throw error;
  }
}

export async function checkPairLocations(session: CheckSession, pair: BucketPair): Promise<void> {
  await checkBucketLocation(session, 'primary', pair.source.name, pair.sourceRegion, 'source');
  const who = session.hasBackupCredentials ? 'backup' : 'primary';
  await checkBucketLocation(session, who, pair.backupBucket, pair.backupRegion, 'backup');
}
