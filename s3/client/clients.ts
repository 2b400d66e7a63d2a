import http from 'node:http';
import https from 'node:https';
import { S3Client } from '@aws-sdk/client-s3';
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

/**
 * Credentials of an assumed role, refreshed five minutes before they expire so that a run of many
 * hours never sends a request with expired credentials.
 */
export function assumedRoleCredentials(
  roleArn: string,
  region: string | undefined,
  sessionName = `s3-bastion-backup-${process.pid}`,
): AwsCredentialIdentityProvider {
  // STS is loaded only when a role is assumed.
  const sts = import('@aws-sdk/client-sts').then(
    ({ STSClient, AssumeRoleCommand }) =>
      [new STSClient(region === undefined ? {} : { region }), AssumeRoleCommand] as const,
  );
  let cached: AwsCredentialIdentity | undefined;
  let pending: Promise<AwsCredentialIdentity> | undefined;
  return async () => {
    const fresh =
      cached?.expiration !== undefined && cached.expiration.getTime() - Date.now() > 300_000;
    if (fresh && cached !== undefined) return cached;
    pending ??= sts
      .then(([client, AssumeRoleCommand]) =>
        client.send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: sessionName })),
      )
      .then((response) => {
        const c = response.Credentials;
        if (!c?.AccessKeyId || !c.SecretAccessKey) {
          throw new Error(`sts:AssumeRole ${roleArn} returned no credentials`);
        }
        cached = {
          accessKeyId: c.AccessKeyId,
          secretAccessKey: c.SecretAccessKey,
          sessionToken: c.SessionToken,
          expiration: c.Expiration,
        };
        return cached;
      })
      .finally(() => {
        pending = undefined;
      });
    return pending;
  };
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
