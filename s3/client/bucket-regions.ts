import http from 'node:http';
import https from 'node:https';
import { HeadBucketCommand, S3Client } from '@aws-sdk/client-s3';
import type { AwsCredentialIdentityProvider } from '@smithy/types';
import { assumedRoleCredentials, type ConnectionOptions, createS3Client } from './clients';
import {
  bucketRegionOf,
  describeS3Error,
  errorName,
  FatalS3Error,
  httpStatus,
  remedyOf,
} from './errors';
import { DEFAULT_RETRY_POLICY, withRetries } from './retry';

/**
 * Each bucket addressed in its own region. S3 answers a request signed for another region than the
 * bucket's with 301 PermanentRedirect and the bucket's region in `x-amz-bucket-region` (a HEAD gets
 * the header and no body), or 400 AuthorizationHeaderMalformed with a `<Region>` element; a
 * CopyObject or UploadPartCopy is sent to the DESTINATION bucket's region, whatever the source's.
 * So a backfill whose source and backup live in different regions needs one client per region
 * and the region of every bucket, found here once per bucket with HeadBucket, which returns
 * `x-amz-bucket-region` whether or not the caller may access the bucket (AWS recommends it over
 * GetBucketLocation, whose answer is governed by the bucket policy only in the bucket's home
 * region and which reports us-east-1 as null and eu-west-1 as the legacy `EU`).
 *   https://docs.aws.amazon.com/AmazonS3/latest/API/API_HeadBucket.html
 *   https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketLocation.html
 *   https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html (PermanentRedirect,
 *   AuthorizationHeaderMalformed)
 * The SDK's `followRegionRedirects` would retry each misaddressed SDK call after a 301, but not
 * the hand-signed CopyObject, and it pays the round trip again on every request: it stays off,
 * and a redirect in mid-run is a run-ending error that names the region.
 */

/** The S3 client to address each bucket with. A plain S3Client serves every bucket. */
export interface BucketClients {
  forBucket(bucket: string): S3Client;
}

export type S3Clients = S3Client | BucketClients;

/** The client that addresses `bucket`: the bucket's region's, or the one client given. */
export function clientFor(clients: S3Clients, bucket: string): S3Client {
  return 'forBucket' in clients ? clients.forBucket(bucket) : clients;
}

/** Finds the region of the buckets a run addresses, before its first request to them. */
export async function locateBuckets(clients: S3Clients, buckets: readonly string[]): Promise<void> {
  if (clients instanceof RegionalS3Clients) {
    for (const bucket of buckets) await clients.locate(bucket);
  }
}

/** Where a bucket's region came from: a flag, S3's answer, or the default (server said nothing). */
export type RegionSource = 'flag' | 'S3' | 'default';

export interface BucketRegion {
  readonly bucket: string;
  readonly region: string;
  readonly source: RegionSource;
}

export interface RegionalClientsOptions extends ConnectionOptions {
  /** Regions known beforehand (--source-region, ...), by bucket: never looked up. */
  readonly bucketRegions?: Readonly<Record<string, string | undefined>>;
  /** Credentials to use rather than the chain's or `roleArn`'s (already assumed). */
  readonly credentials?: AwsCredentialIdentityProvider;
}

/**
 * One S3 client per region, sharing credentials (one AssumeRole for the run) and sockets, and
 * the region of each bucket: given, or asked of S3 once with HeadBucket and cached. A server that
 * names no region (an S3-compatible one such as Ceph RGW, which has one) gets the default region,
 * so nothing changes there.
 */
export class RegionalS3Clients implements BucketClients {
  private readonly byRegion = new Map<string, S3Client>();
  private readonly located = new Map<string, BucketRegion>();
  private readonly pending = new Map<string, Promise<BucketRegion>>();
  private readonly credentials: AwsCredentialIdentityProvider | undefined;
  private readonly agents: { http: http.Agent; https: https.Agent };
  private defaultRegionPromise: Promise<string> | undefined;

  constructor(private readonly options: RegionalClientsOptions = {}) {
    const maxSockets = options.maxSockets ?? 64;
    this.agents = {
      http: new http.Agent({ keepAlive: true, maxSockets }),
      https: new https.Agent({ keepAlive: true, maxSockets }),
    };
    this.credentials =
      options.credentials ??
      (options.roleArn === undefined
        ? undefined
        : assumedRoleCredentials(options.roleArn, options.region));
    for (const [bucket, region] of Object.entries(options.bucketRegions ?? {})) {
      if (region !== undefined) this.located.set(bucket, { bucket, region, source: 'flag' });
    }
  }

  /**
   * The region requests go to when nothing else says: --region, else the SDK's chain
   * (AWS_REGION, the profile), else us-east-1 (which answers HeadBucket for any bucket).
   */
  defaultRegion(): Promise<string> {
    this.defaultRegionPromise ??= (async () => {
      if (this.options.region !== undefined) return this.options.region;
      const probe = new S3Client({});
      try {
        return await probe.config.region();
      } catch {
        return 'us-east-1';
      } finally {
        probe.destroy();
      }
    })();
    return this.defaultRegionPromise;
  }

  /** The client of one region, created on first use. */
  forRegion(region: string): S3Client {
    let client = this.byRegion.get(region);
    if (client === undefined) {
      client = createS3Client({
        region,
        endpointUrl: this.options.endpointUrl,
        maxSockets: this.options.maxSockets,
        credentials: this.credentials,
        agents: this.agents,
      });
      this.byRegion.set(region, client);
    }
    return client;
  }

  /** The client of a bucket's region; the bucket must have been located first. */
  forBucket(bucket: string): S3Client {
    const located = this.located.get(bucket);
    if (located === undefined) {
      throw new Error(`bug: s3://${bucket} was addressed before its region was looked up`);
    }
    return this.forRegion(located.region);
  }

  /** The buckets located so far, with their regions and where each came from. */
  regions(): BucketRegion[] {
    return [...this.located.values()];
  }

  /** The bucket's region: given, cached, or asked of S3 once (HeadBucket). */
  async locate(bucket: string): Promise<BucketRegion> {
    const known = this.located.get(bucket);
    if (known !== undefined) return known;
    let lookup = this.pending.get(bucket);
    if (lookup === undefined) {
      lookup = this.lookUp(bucket).then((found) => {
        this.located.set(bucket, found);
        return found;
      });
      this.pending.set(bucket, lookup);
    }
    return lookup;
  }

  private async lookUp(bucket: string): Promise<BucketRegion> {
    const fallback = await this.defaultRegion();
    const client = this.forRegion(fallback);
    try {
      const head = await withRetries(
        () => client.send(new HeadBucketCommand({ Bucket: bucket })),
        DEFAULT_RETRY_POLICY,
      );
      return head.BucketRegion === undefined
        ? { bucket, region: fallback, source: 'default' }
        : { bucket, region: head.BucketRegion, source: 'S3' };
    } catch (error) {
      // 301 (another region), 400 (some regional endpoints), 403 (no access): S3 still names
      // the region, and that is all this request is for.
      const region = bucketRegionOf(error);
      if (region !== undefined) return { bucket, region, source: 'S3' };
      const name = errorName(error);
      const status = httpStatus(error);
      if (name === 'NotFound' || name === 'NoSuchBucket' || status === 404) {
        throw new FatalS3Error(
          `NoSuchBucket: bucket '${bucket}' does not exist (s3:ListBucket on s3://${bucket})`,
          error,
        );
      }
      if (status === 403) return { bucket, region: fallback, source: 'default' };
      const operation = { action: 's3:ListBucket', bucket };
      throw new FatalS3Error(describeS3Error(error, operation), error, remedyOf(error, bucket));
    }
  }

  /** Closes every client's sockets. */
  destroy(): void {
    for (const client of this.byRegion.values()) client.destroy();
    this.agents.http.destroy();
    this.agents.https.destroy();
  }
}

const SOURCE_WORDS: Record<RegionSource, string> = {
  flag: 'given',
  S3: 'S3 says',
  default: 'default: the server names no region',
};

/**
 * A line for the user, `tool: s3://a in eu-west-1 (S3 says), ...`: where each bucket is addressed,
 * and why there. Empty when no bucket has a region of its own (a one-region S3-compatible server).
 */
export function describeBucketRegions(tool: string, regions: readonly BucketRegion[]): string {
  if (regions.every((r) => r.source === 'default')) return '';
  const list = regions.map((r) => `s3://${r.bucket} in ${r.region} (${SOURCE_WORDS[r.source]})`);
  return `${tool}: ${list.join(', ')}\n`;
}
