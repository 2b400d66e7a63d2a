import { clientFor, locateBuckets, type S3Clients } from '../client/bucket-regions';
import type { BastionConfig } from '../../config';
import { type CopyTask } from '../engine/copy-engine';
import {
  type CopyJobOptions,
  type DryRunEstimate,
  engineOptionsOf,
  estimateCopies,
  openJournal,
  runJournaledCopies,
} from '../engine/copy-job';
import { UsageError } from '../client/errors';
import { type ListedObject, listObjects } from '../listing/listing';
import { mergeDiff } from '../listing/merge-diff';
import { RunStats } from '../engine/run-stats';
import { type KeyAtTime, keysAtTime, listObjectVersions } from '../listing/version-listing';

export interface RestoreOptions extends CopyJobOptions {
  /** The versioned backup bucket: only read, never written. */
  readonly backupBucket: string;
  /** Where the restored objects go; never the backup bucket. */
  readonly targetBucket: string;
  /** For each key, the newest version at or before this instant is restored. */
  readonly asOf: Date;
  /**
   * Allow overwriting keys that the target holds with other content (a restore into the live
   * production bucket). Without it an existing key is never overwritten: a differing one is a
   * conflict, reported. Keys with the same content are skipped either way.
   * @default false
   */
  readonly overwriteDiffering?: boolean;
  /** The restore role has no s3:PutObjectAcl, so no ACL by default. @default 'none' */
  readonly acl?: 'bucket-owner-full-control' | 'none';
  /** Entries per listing page (tests use small pages to cross page boundaries). */
  readonly pageSize?: number;
  /** Keys of each reported kind kept for the summary; counts are always complete. @default 100 */
  readonly maxKeysReported?: number;
  /** Called for each key that is (or in a dry run would be) written, with why. */
  readonly onPlanned?: (key: string, action: 'create' | 'overwrite', size: number) => void;
}

/** Counts and the first few keys of one kind. */
export interface KeyCount {
  count: number;
  keys: string[];
}

export interface RestorePlanCounts {
  /** Keys under the prefix with any version in the backup (from the listed part). */
  keysSeen: number;
  /** Keys that held an object at --as-of: what the target should hold. */
  existedAtAsOf: { objects: number; bytes: number };
  /** A delete marker was the newest entry at --as-of: the key did not exist then. Not restored. */
  deletedAtAsOf: KeyCount;
  /** Every version is younger than --as-of: the key was created later. Not restored. */
  createdAfterAsOf: KeyCount;
  /** The target holds the key with the same size and checksum: nothing to write. */
  unchanged: { objects: number; bytes: number };
  /** Written without an object there before. */
  toCreate: { objects: number; bytes: number };
  /** The target holds other content; overwritten only with overwriteDiffering. */
  differing: KeyCount;
  /** The target holds a key that did not exist at --as-of: left in place, never deleted. */
  onlyInTarget: KeyCount;
}

export interface RestoreResult {
  readonly stats: RunStats;
  readonly plan: RestorePlanCounts;
  /** Differing keys left alone because overwriting was not allowed. */
  readonly conflicts: number;
  readonly resumedAfter?: string;
  readonly interrupted: boolean;
  readonly dryRun?: DryRunEstimate;
  readonly journalPath?: string;
}

/** How the content of two listed objects compares, without reading either. */
export type ContentComparison = 'same' | 'differs' | 'unknown';

function normalizedEtag(etag: string | undefined): string | undefined {
  return etag?.replace(/"/g, '').toLowerCase();
}

/**
 * Size first; then the ETag, which for an object written in one part is the MD5 of its bytes.
 * A multipart ETag (`-N`) depends on the part sizes, so two equal objects copied with other part
 * sizes have different ETags: `unknown`, and the caller decides.
 */
export function compareContent(a: ListedObject, b: ListedObject): ContentComparison {
  if (a.size !== b.size) return 'differs';
  const x = normalizedEtag(a.etag);
  const y = normalizedEtag(b.etag);
  if (x === undefined || y === undefined) return 'unknown';
  if (x === y) return 'same';
  return x.includes('-') || y.includes('-') ? 'unknown' : 'differs';
}

function push(kind: KeyCount, key: string, max: number): void {
  kind.count++;
  if (kind.keys.length < max) kind.keys.push(key);
}

/** A key the target must be given: missing there, or there with other content. */
type PlanEntry =
  | { readonly kind: 'create'; readonly object: ListedObject }
  | { readonly kind: 'differing'; readonly object: ListedObject; readonly target: ListedObject };

/**
 * Restores a prefix of a versioned backup bucket as it was at `asOf` into a target bucket, server
 * side (CopyObject by version id; UploadPartCopy above the threshold). For each key the newest
 * version at or before `asOf` is copied; a key whose newest entry then was a delete marker, or
 * that was created later, is not. Nothing is ever written to the backup bucket and nothing is
 * ever deleted from the target: target keys that did not exist at `asOf` are reported.
 * Interrupted, it leaves a journal; run again with the same arguments it resumes.
 */
export async function restore(options: RestoreOptions): Promise<RestoreResult> {
  const { client, backupBucket, targetBucket, asOf } = options;
  const prefix = options.prefix ?? '';
  if (backupBucket === targetBucket) {
    throw new UsageError(
      `the target is the backup bucket (${backupBucket}); a restore never writes to the backup`,
    );
  }
  if (Number.isNaN(asOf.getTime())) throw new UsageError('the --as-of time is not a valid date');
  await locateBuckets(client, [backupBucket, targetBucket]);
  const max = options.maxKeysReported ?? 100;
  const stats = options.stats ?? new RunStats();
  const { journal, resumedAfter } = openJournal(options, {
    tool: 'restore',
    source: backupBucket,
    destination: targetBucket,
    prefix,
    scope: `as-of ${asOf.toISOString()}${options.overwriteDiffering ? ' overwrite' : ''}`,
  });
  const countRequest = (type: string) => stats.countRequest(type);
  const plan: RestorePlanCounts = {
    keysSeen: 0,
    existedAtAsOf: { objects: 0, bytes: 0 },
    deletedAtAsOf: { count: 0, keys: [] },
    createdAfterAsOf: { count: 0, keys: [] },
    unchanged: { objects: 0, bytes: 0 },
    toCreate: { objects: 0, bytes: 0 },
    differing: { count: 0, keys: [] },
    onlyInTarget: { count: 0, keys: [] },
  };

  /** The objects of the backup at `asOf`, in key order, as a listing. */
  async function* objectsAtAsOf(): AsyncGenerator<ListedObject> {
    const versions = listObjectVersions(clientFor(client, backupBucket), {
      bucket: backupBucket,
      prefix,
      keyMarker: resumedAfter,
      pageSize: options.pageSize,
      onRequest: countRequest,
    });
    for await (const entry of keysAtTime(versions, asOf)) {
      plan.keysSeen++;
      const atTime: KeyAtTime = entry;
      if (atTime.state === 'deleted') push(plan.deletedAtAsOf, atTime.key, max);
      else if (atTime.state === 'absent') push(plan.createdAfterAsOf, atTime.key, max);
      else if (atTime.version !== undefined) {
        const version = atTime.version;
        plan.existedAtAsOf.objects++;
        plan.existedAtAsOf.bytes += version.size;
        stats.objectsListed++;
        stats.bytesListed += version.size;
        yield {
          key: version.key,
          size: version.size,
          etag: version.etag,
          lastModified: version.lastModified,
          versionId: version.versionId,
        };
      }
    }
    stats.listingDone = true;
  }

  /** Merged with a listing of the target: what to create, what differs, what is already there. */
  async function* planEntries(): AsyncGenerator<PlanEntry> {
    const target = listObjects(clientFor(client, targetBucket), {
      bucket: targetBucket,
      prefix,
      startAfter: resumedAfter,
      pageSize: options.pageSize,
      onRequest: countRequest,
    });
    for await (const entry of mergeDiff(objectsAtAsOf(), target)) {
      if (entry.kind === 'missing') {
        plan.toCreate.objects++;
        plan.toCreate.bytes += entry.source.size;
        yield { kind: 'create', object: entry.source };
      } else if (entry.kind === 'extra') {
        push(plan.onlyInTarget, entry.destination.key, max);
      } else {
        // Equal sizes with multipart ETags that differ cannot be told apart without reading both
        // objects: treated as differing, so that a production restore rewrites rather than keeps
        // possibly damaged data (a rewrite of equal bytes costs one copy, nothing more).
        const same = compareContent(entry.source, entry.destination) === 'same';
        if (same) {
          plan.unchanged.objects++;
          plan.unchanged.bytes += entry.source.size;
          stats.objectsAlreadyPresent++;
          stats.bytesAlreadyPresent += entry.source.size;
        } else {
          push(plan.differing, entry.source.key, max);
          yield { kind: 'differing', object: entry.source, target: entry.destination };
        }
      }
    }
  }

  let conflicts = 0;
  /** The copies to make, in key order. */
  async function* writes(): AsyncGenerator<CopyTask> {
    for await (const entry of planEntries()) {
      if (entry.kind === 'differing' && !options.overwriteDiffering) {
        conflicts++;
        stats.objectsAlreadyPresent++;
        continue;
      }
      const overwrite = entry.kind === 'differing';
      options.onPlanned?.(entry.object.key, overwrite ? 'overwrite' : 'create', entry.object.size);
      yield {
        sourceBucket: backupBucket,
        sourceKey: entry.object.key,
        sourceVersionId: entry.object.versionId,
        size: entry.object.size,
        destinationBucket: targetBucket,
        destinationKey: entry.object.key,
        overwrite,
      };
    }
  }

  if (options.dryRun) {
    const dryRun = await estimateCopies(writes(), {
      multipartThresholdBytes: options.multipartThresholdBytes,
      partSizeBytes: options.partSizeBytes,
      signal: options.signal,
      requestsSoFar: stats.requests,
    });
    return {
      stats,
      plan,
      conflicts,
      resumedAfter,
      interrupted: options.signal?.aborted === true,
      dryRun,
    };
  }

  await runJournaledCopies(
    writes(),
    engineOptionsOf(options, stats, 'none'),
    journal,
    resumedAfter,
    () => stats.listingDone && stats.objectsFailed === 0 && !options.signal?.aborted,
  );
  return {
    stats,
    plan,
    conflicts,
    resumedAfter,
    interrupted: options.signal?.aborted === true && !stats.listingDone,
    journalPath: journal?.path,
  };
}

export interface RestoreCheckOptions {
  /** The client of each bucket (RegionalS3Clients), or one client for all. */
  readonly client: S3Clients;
  readonly backupBucket: string;
  readonly targetBucket: string;
  readonly asOf: Date;
  readonly prefix?: string;
  readonly pageSize?: number;
  /** @default 100 */
  readonly maxKeysReported?: number;
  readonly onRequest?: (requestType: string) => void;
}

export interface RestoreCheckReport {
  /** What the backup held at --as-of. */
  readonly expected: { objects: number; bytes: number };
  /** Target objects with the same size and single-part checksum (ETag = MD5) as at --as-of. */
  readonly matching: number;
  /** Same size, multipart ETags that cannot be compared without reading the objects. */
  readonly sizeOnly: number;
  readonly missing: KeyCount;
  readonly differing: KeyCount;
  /** Target keys that did not exist at --as-of (never deleted by the restore). */
  readonly onlyInTarget: KeyCount;
  /** Nothing missing, nothing differing. */
  readonly ok: boolean;
}

/**
 * Checks a target against the backup as it was at `asOf` (not against the backup's current
 * versions, as `npm run verify` does): one streaming pass over the version listing and the
 * target listing.
 */
export async function checkRestore(options: RestoreCheckOptions): Promise<RestoreCheckReport> {
  await locateBuckets(options.client, [options.backupBucket, options.targetBucket]);
  const max = options.maxKeysReported ?? 100;
  const prefix = options.prefix ?? '';
  const expected = { objects: 0, bytes: 0 };
  async function* atAsOf(): AsyncGenerator<ListedObject> {
    const versions = listObjectVersions(clientFor(options.client, options.backupBucket), {
      bucket: options.backupBucket,
      prefix,
      pageSize: options.pageSize,
      onRequest: options.onRequest,
    });
    for await (const entry of keysAtTime(versions, options.asOf)) {
      if (entry.state !== 'object' || entry.version === undefined) continue;
      expected.objects++;
      expected.bytes += entry.version.size;
      yield { key: entry.key, size: entry.version.size, etag: entry.version.etag };
    }
  }
  const report = {
    expected,
    matching: 0,
    sizeOnly: 0,
    missing: { count: 0, keys: [] as string[] },
    differing: { count: 0, keys: [] as string[] },
    onlyInTarget: { count: 0, keys: [] as string[] },
  };
  const target = listObjects(clientFor(options.client, options.targetBucket), {
    bucket: options.targetBucket,
    prefix,
    pageSize: options.pageSize,
    onRequest: options.onRequest,
  });
  for await (const entry of mergeDiff(atAsOf(), target)) {
    if (entry.kind === 'missing') push(report.missing, entry.source.key, max);
    else if (entry.kind === 'extra') push(report.onlyInTarget, entry.destination.key, max);
    else {
      const comparison = compareContent(entry.source, entry.destination);
      if (comparison === 'same') report.matching++;
      else if (comparison === 'unknown') report.sizeOnly++;
      else push(report.differing, entry.source.key, max);
    }
  }
  return { ...report, ok: report.missing.count === 0 && report.differing.count === 0 };
}

/**
 * What the deployment's config says of a restore target: a backup bucket is never a target, and
 * a production (source) bucket is one only with --into-production. Undefined when it may go on.
 */
export function restoreTargetProblem(
  config: BastionConfig,
  target: string,
  intoProduction: boolean,
): string | undefined {
  const backupIndex = config.sourceBuckets.findIndex((b) => b.backupBucketName === target);
  if (backupIndex >= 0) {
    return `--target ${target} is a backup bucket (sourceBuckets[${backupIndex}].backupBucketName in the config): a restore never writes to a backup`;
  }
  const sourceIndex = config.sourceBuckets.findIndex((b) => b.name === target);
  if (sourceIndex >= 0 && !intoProduction) {
    return `--target ${target} is a production bucket (sourceBuckets[${sourceIndex}].name in the config): restoring into it needs --into-production, and then only keys whose content differs are written`;
  }
  return undefined;
}
