import {
  describeBucketRegions,
  locateBuckets,
  RegionalS3Clients,
} from '../s3/client/bucket-regions';
import { type CopyObjectSender, signedCopyObjectSender } from '../s3/client/signed-copy';
import { MAX_SINGLE_COPY_BYTES } from '../s3/engine/copy-engine';
import { defaultStateDir } from '../s3/engine/journal';
import {
  bucketFlag,
  byteSizeFlag,
  positiveIntegerFlag,
  regionFlag,
  roleArnFlag,
  urlFlag,
} from './args';
import { UsageError } from './errors';
import type { Output } from './runtime';

/**
 * The flags that backfill and restore share to copy objects, parsed once: concurrency, multipart
 * threshold and part size, ACL, the client (with --role-arn assumed), how single copies are sent
 * and where the resume journal lives.
 */

/** Copies are latency-bound; 128 in flight stays below S3's per-prefix write rate. */
export const DEFAULT_COPY_CONCURRENCY = 128;
const DEFAULT_PART_SIZE_BYTES = 512 * 1024 ** 2;

export interface CopyFlagValues extends ConnectionFlagValues {
  readonly concurrency?: string;
  readonly 'multipart-threshold'?: string;
  readonly 'part-size'?: string;
  readonly acl?: string;
  readonly 'sdk-copy'?: boolean;
  readonly 'state-dir'?: string;
}

export interface CopySettings {
  /** One client per region; each bucket's region given or looked up (bucket-regions.ts). */
  readonly client: RegionalS3Clients;
  readonly concurrency: number;
  readonly multipartThresholdBytes: number;
  readonly partSizeBytes: number;
  readonly acl: 'bucket-owner-full-control' | 'none';
  /** The lean signed CopyObject, unless --sdk-copy asks for the SDK's. */
  readonly copyObject: CopyObjectSender | undefined;
  /** Where the resume journal lives. */
  readonly stateDir: string;
}

/**
 * `bucketRegions`: the region flags by bucket, e.g. `{ [source]: ['source-region', value] }`;
 * a bucket without a value has its region looked up.
 */
export function parseCopySettings(
  values: CopyFlagValues,
  bucketRegions: Readonly<Record<string, readonly [flag: string, value: string | undefined]>> = {},
): CopySettings {
  if (values.acl !== 'bucket-owner-full-control' && values.acl !== 'none') {
    throw new UsageError(
      `--acl must be 'bucket-owner-full-control' or 'none', got '${values.acl}'`,
    );
  }
  const concurrency = positiveIntegerFlag(
    values.concurrency,
    'concurrency',
    DEFAULT_COPY_CONCURRENCY,
  );
  const multipartThresholdBytes = byteSizeFlag(
    values['multipart-threshold'],
    'multipart-threshold',
    MAX_SINGLE_COPY_BYTES,
  );
  if (multipartThresholdBytes > MAX_SINGLE_COPY_BYTES) {
    throw new UsageError('--multipart-threshold cannot exceed 5GiB, the CopyObject limit');
  }
  const { client, endpointUrl } = regionalClients(values, bucketRegions, concurrency + 8);
  return {
    client,
    concurrency,
    multipartThresholdBytes,
    partSizeBytes: byteSizeFlag(values['part-size'], 'part-size', DEFAULT_PART_SIZE_BYTES),
    acl: values.acl,
    copyObject: values['sdk-copy']
      ? undefined
      : signedCopyObjectSender(client, { endpointUrl, maxSockets: concurrency + 8 }),
    stateDir: values['state-dir'] ?? defaultStateDir(),
  };
}

/** The connection flags of every S3 tool. */
export interface ConnectionFlagValues {
  readonly region?: string;
  readonly 'endpoint-url'?: string;
  readonly 'role-arn'?: string;
}

/**
 * The clients of a tool's buckets: --endpoint-url, --region, each bucket's region flag
 * (`bucketRegions`, as for parseCopySettings) and --role-arn, checked in that order.
 */
export function regionalClients(
  values: ConnectionFlagValues,
  bucketRegions: Readonly<Record<string, readonly [flag: string, value: string | undefined]>>,
  maxSockets: number,
): { readonly client: RegionalS3Clients; readonly endpointUrl: string | undefined } {
  const endpointUrl = urlFlag(values['endpoint-url'], 'endpoint-url');
  const client = new RegionalS3Clients({
    region: regionFlag(values.region, 'region'),
    bucketRegions: Object.fromEntries(
      Object.entries(bucketRegions).map(([bucket, [flag, value]]) => [
        bucket,
        regionFlag(value, flag),
      ]),
    ),
    endpointUrl,
    roleArn: roleArnFlag(values['role-arn'], 'role-arn'),
    maxSockets,
  });
  return { client, endpointUrl };
}

/** The two buckets of a tool, as its flags name them (`--source`, `--destination`, ...). */
export interface BucketPair {
  readonly first: string;
  readonly second: string;
  /** Each bucket's region flag (`--<flag>-region`) and value, for parseCopySettings. */
  readonly regions: Readonly<Record<string, readonly [flag: string, value: string | undefined]>>;
}

/**
 * Two bucket flags with their region flags; with `why`, they must name different buckets (a
 * copy), without it they may name one (a comparison).
 */
export function bucketPairFlags(
  values: Readonly<Record<string, unknown>>,
  [firstFlag, secondFlag]: readonly [string, string],
  why?: string,
): BucketPair {
  const flagValue = (flag: string) => values[flag] as string | undefined;
  const first = bucketFlag(flagValue(firstFlag), firstFlag);
  const second = bucketFlag(flagValue(secondFlag), secondFlag);
  if (why !== undefined && first === second) {
    throw new UsageError(
      `--${firstFlag} and --${secondFlag} are the same bucket (${first}); ${why}`,
    );
  }
  const regionOf = (flag: string) => [`${flag}-region`, flagValue(`${flag}-region`)] as const;
  return {
    first,
    second,
    regions: { [first]: regionOf(firstFlag), [second]: regionOf(secondFlag) },
  };
}

/** The copy settings of the flags, with both buckets of the pair located (locateBucketPair). */
export async function pairCopySettings(
  tool: string,
  values: CopyFlagValues & { readonly json: boolean },
  pair: BucketPair,
  output: Output,
): Promise<CopySettings> {
  const copy = parseCopySettings(values, pair.regions);
  await locateBucketPair(tool, copy.client, pair, output, values.json);
  return copy;
}

/** Looks up the buckets' regions (unless given) and says on stderr where each is addressed. */
export async function locateBucketPair(
  tool: string,
  clients: RegionalS3Clients,
  pair: BucketPair,
  output: Output,
  quiet: boolean,
): Promise<void> {
  await locateBuckets(clients, [pair.first, pair.second]);
  if (!quiet) output.stderr.write(describeBucketRegions(tool, clients.regions()));
}
