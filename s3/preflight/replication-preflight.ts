import {
  GetBucketReplicationCommand,
  type ReplicationConfiguration,
  type ReplicationRule,
} from '@aws-sdk/client-s3';
import { BastionConfig, SourceBucketConfig } from '../../config';
import { replicationRuleId, roleArn } from '../../policies/arns';
import { type S3Clients, clientFor } from '../client/bucket-regions';
import { errorName } from '../client/errors';

/**
 * A bucket has exactly one replication configuration: applying the primary stack replaces the
 * rules a production bucket already has, silently. This reads each source bucket's configuration
 * (GetBucketReplication) before the primary stack is applied and names every rule that the stack
 * would remove. https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketReplication.html
 */

/** What the preflight found on one source bucket. */
export interface BucketPreflight {
  readonly bucket: string;
  /** The configuration's role, when one exists. */
  readonly role?: string;
  /** Rules the primary stack does not create: applying it would delete them. */
  readonly foreignRules: readonly { id: string; destination?: string; status?: string }[];
}

/** The rules of a configuration that this project's primary stack would not write. */
export function foreignRulesOf(
  config: BastionConfig,
  source: SourceBucketConfig,
  configuration: ReplicationConfiguration | undefined,
): BucketPreflight {
  const ours = replicationRuleId(source);
  const rules: ReplicationRule[] = configuration?.Rules ?? [];
  const foreign = rules.filter(
    (r) => r.ID !== ours || configuration?.Role !== roleArn(config, 'replication'),
  );
  return {
    bucket: source.name,
    // An S3-compatible server (Ceph RGW) answers an empty configuration instead of
    // ReplicationConfigurationNotFoundError.
    role: configuration?.Role || undefined,
    foreignRules: foreign.map((r) => ({
      id: r.ID ?? '(no id)',
      destination: r.Destination?.Bucket,
      status: r.Status,
    })),
  };
}

/**
 * GetBucketReplication of every source bucket; a bucket without a configuration answers
 * ReplicationConfigurationNotFoundError. Sequential: a config holds few buckets.
 */
export async function replicationPreflight(
  config: BastionConfig,
  clients: S3Clients,
): Promise<BucketPreflight[]> {
  const results: BucketPreflight[] = [];
  for (const source of config.sourceBuckets) {
    let configuration: ReplicationConfiguration | undefined;
    try {
      const response = await clientFor(clients, source.name).send(
        new GetBucketReplicationCommand({ Bucket: source.name }),
      );
      configuration = response.ReplicationConfiguration;
    } catch (error) {
      if (errorName(error) !== 'ReplicationConfigurationNotFoundError') throw error;
    }
    results.push(foreignRulesOf(config, source, configuration));
  }
  return results;
}

/** One line per bucket: ok, or REFUSED with the rules the stack would replace. */
export function describePreflight(results: readonly BucketPreflight[]): string {
  return results
    .map((r) =>
      r.foreignRules.length === 0
        ? `ok       ${r.bucket}: no replication rule the primary stack would replace`
        : `REFUSED  ${r.bucket}: applying the primary stack would replace ${r.foreignRules
            .map((f) => `rule '${f.id}' (to ${f.destination ?? '?'}, ${f.status ?? '?'})`)
            .join(
              ', ',
            )} (role ${r.role ?? '?'}); move or delete them first (docs/deployability.md)`,
    )
    .map((line) => `${line}\n`)
    .join('');
}
