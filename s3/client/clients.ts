import http from 'node:http';
import https from 'node:https';
import { S3Client } from '@aws-sdk/client-s3';
import {
  doesIdentityRequireRefresh,
  isIdentityExpired,
  memoizeIdentityProvider,
} from '@smithy/core';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';

export interface ConnectionOptions {
  /**
   * Region the requests are signed for and sent to; the SDK's chain (AWS_REGION, profile) when
   * absent. RegionalS3Clients (bucket-regions.ts) gives each bucket a client of its own region.
   */
  readonly region?: string;
  /** An S3-compatible endpoint; AWS_ENDPOINT_URL_S3 is honoured by the SDK when absent. */
  readonly endpointUrl?: string;
  /** A role to assume first (the backfill role), with the standard chain's credentials. */
  readonly roleArn?: string;
  /** Sockets kept open per host: at least the number of requests in flight. */
  readonly maxSockets?: number;
}

/** Whose credentials assume the role, and how. */
export interface AssumeRoleOptions {
  /** @default `s3-bastion-backup-<pid>` */
  readonly sessionName?: string;
  /** Credentials that call sts:AssumeRole. @default - the standard chain (of `profile` if set) */
  readonly baseCredentials?: AwsCredentialIdentityProvider;
  /** A named profile whose chain calls sts:AssumeRole when `baseCredentials` is absent. */
  readonly profile?: string;
  /** @default - the role's default (one hour) */
  readonly durationSeconds?: number;
}

/**
 * Credentials of an assumed role for every client of a run: the SDK's fromTemporaryCredentials
 * (sts:AssumeRole), memoized as the SDK memoizes a client's own credentials (the provider alone
 * calls STS on every request), so that all clients share one session that is refreshed five
 * minutes before it expires: a run of many hours never sends a request with expired credentials.
 * https://docs.aws.amazon.com/AWSJavaScriptSDK/v3/latest/Package/-aws-sdk-credential-providers/#fromtemporarycredentials
 */
export function assumedRoleCredentials(
  roleArn: string,
  region: string | undefined,
  options: AssumeRoleOptions = {},
): AwsCredentialIdentityProvider {
  // Loaded only when a role is assumed: the package pulls in every credential provider.
  const provider = import('@aws-sdk/credential-providers').then(
    ({ fromNodeProviderChain, fromTemporaryCredentials }) =>
      fromTemporaryCredentials({
        params: {
          RoleArn: roleArn,
          RoleSessionName: options.sessionName ?? `s3-bastion-backup-${process.pid}`,
          ...(options.durationSeconds === undefined
            ? {}
            : { DurationSeconds: options.durationSeconds }),
        },
        // Without masterCredentials the STS client would use the default chain, not the profile.
        masterCredentials:
          options.baseCredentials ??
          (options.profile === undefined
            ? undefined
            : fromNodeProviderChain({ profile: options.profile })),
        clientConfig: {
          ...(region === undefined ? {} : { region }),
          ...(options.profile === undefined ? {} : { profile: options.profile }),
        },
      }),
  );
  const memoized = memoizeIdentityProvider<AwsCredentialIdentity>(
    async (properties) => (await provider)(properties),
    isIdentityExpired,
    doesIdentityRequireRefresh,
  );
  if (memoized === undefined) throw new Error('memoizeIdentityProvider returned no provider');
  return memoized;
}

/**
 * An S3 client for many parallel requests: keep-alive sockets (a new TLS handshake per copy would
 * cost more CPU than the copy), no SDK retries (the tool retries at its own level, so that its
 * rate limiter sees every throttle and no object is dropped when the SDK's retry quota runs out),
 * and checksums only where S3 requires them (copies carry no body).
 */
export function createS3Client(
  options: ConnectionOptions & {
    /** Credentials shared with other clients of the run (one AssumeRole for all regions). */
    readonly credentials?: AwsCredentialIdentityProvider;
    /** Sockets shared with other clients of the run, so maxSockets bounds the whole run. */
    readonly agents?: { readonly http: http.Agent; readonly https: https.Agent };
  } = {},
): S3Client {
  const maxSockets = options.maxSockets ?? 64;
  const endpoint = options.endpointUrl ?? process.env.AWS_ENDPOINT_URL_S3;
  return new S3Client({
    region: options.region,
    endpoint: options.endpointUrl,
    // Custom endpoints (RGW, MinIO, 127.0.0.1) rarely resolve bucket subdomains.
    forcePathStyle: endpoint !== undefined && endpoint !== '',
    maxAttempts: 1,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    credentials:
      options.credentials ??
      (options.roleArn === undefined
        ? undefined
        : assumedRoleCredentials(options.roleArn, options.region)),
    requestHandler: {
      httpAgent: options.agents?.http ?? new http.Agent({ keepAlive: true, maxSockets }),
      httpsAgent: options.agents?.https ?? new https.Agent({ keepAlive: true, maxSockets }),
      connectionTimeout: 10_000,
      // Idle time on the socket: S3 keeps a long CopyObject alive by sending whitespace.
      requestTimeout: 300_000,
    },
  });
}
