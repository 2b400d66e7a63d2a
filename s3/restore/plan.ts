import type { CopyTask } from '../engine/copy-engine';
import type { RunStats } from '../engine/run-stats';
import type { ListedObject } from '../listing/listing';
import { mergeDiff } from '../listing/merge-diff';
import type { KeyAtTime } from '../listing/version-listing';

/**
 * The stages of a restore, each a generator over the one before it, in key order:
 *
 *   objectsAtTime   the version listing of the backup, as the objects that existed at `asOf`
 *   planEntries     merged with the target's listing: what to create, what differs
 *   restoreCopies   the copies to make (differing keys only when overwriting is allowed)
 *
 * What they see is counted in one RestoreTally, handed to each stage.
 */

/** Counts and the first few keys of one kind. */
export interface KeyCount {
  count: number;
  keys: string[];
}

export function push(kind: KeyCount, key: string, max: number): void {
  kind.count++;
  if (kind.keys.length < max) kind.keys.push(key);
}

export interface RestorePlanCounts {
  /** Keys under the prefix with any version in the backup (from the listed part). */
  keysSeen: number;
  /** Keys that held an object at the restore point: what the target should hold. */
  existedAtAsOf: { objects: number; bytes: number };
  /** A delete marker was the newest entry at the restore point: the key did not exist then. */
  deletedAtAsOf: KeyCount;
  /** Every version is younger than the restore point: the key was created later. */
  createdAfterAsOf: KeyCount;
  /** The target holds the key with the same size and checksum: nothing to write. */
  unchanged: { objects: number; bytes: number };
  /** Written without an object there before. */
  toCreate: { objects: number; bytes: number };
  /** The target holds other content; overwritten only with overwriteDiffering. */
  differing: KeyCount;
  /** The target holds a key that did not exist at the restore point: left, never deleted. */
  onlyInTarget: KeyCount;
}

/** A key the target must be given: missing there, or there with other content. */
export type PlanEntry =
  | { readonly kind: 'create'; readonly object: ListedObject }
  | { readonly kind: 'differing'; readonly object: ListedObject; readonly target: ListedObject };

/** What the stages of one restore have seen: the plan's counts, conflicts, and the run's stats. */
export class RestoreTally {
  readonly plan: RestorePlanCounts = {
    keysSeen: 0,
    existedAtAsOf: { objects: 0, bytes: 0 },
    deletedAtAsOf: { count: 0, keys: [] },
    createdAfterAsOf: { count: 0, keys: [] },
    unchanged: { objects: 0, bytes: 0 },
    toCreate: { objects: 0, bytes: 0 },
    differing: { count: 0, keys: [] },
    onlyInTarget: { count: 0, keys: [] },
  };
  /** Differing keys left alone because overwriting was not allowed. */
  conflicts = 0;

  /** `maxKeys`: keys of each kind kept for the summary. */
  constructor(
    readonly stats: RunStats,
    private readonly maxKeys: number,
  ) {}

  /** A key of the backup's listing, as it was at the restore point. */
  sawKey(entry: KeyAtTime): void {
    this.plan.keysSeen++;
    if (entry.state === 'deleted') push(this.plan.deletedAtAsOf, entry.key, this.maxKeys);
    else if (entry.state === 'absent') push(this.plan.createdAfterAsOf, entry.key, this.maxKeys);
    else if (entry.version !== undefined) {
      this.plan.existedAtAsOf.objects++;
      this.plan.existedAtAsOf.bytes += entry.version.size;
      this.stats.objectsListed++;
      this.stats.bytesListed += entry.version.size;
    }
  }

  toCreate(object: ListedObject): void {
    this.plan.toCreate.objects++;
    this.plan.toCreate.bytes += object.size;
  }

  onlyInTarget(object: ListedObject): void {
    push(this.plan.onlyInTarget, object.key, this.maxKeys);
  }

  unchanged(object: ListedObject): void {
    this.plan.unchanged.objects++;
    this.plan.unchanged.bytes += object.size;
    this.stats.objectsAlreadyPresent++;
    this.stats.bytesAlreadyPresent += object.size;
  }

  differing(object: ListedObject): void {
    push(this.plan.differing, object.key, this.maxKeys);
  }

  /** A differing key left alone: done, as far as this run goes. */
  conflict(): void {
    this.conflicts++;
    this.stats.objectsAlreadyPresent++;
  }
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

/**
 * Stage 1: the objects that existed at the restore point, in key order, as a listing (with the
 * version id to copy). `onKey` sees every key, deleted and not-yet-created ones too; `onEnd` is
 * called when the listing has ended.
 */
export async function* objectsAtTime(
  keys: AsyncIterable<KeyAtTime>,
  onKey: (entry: KeyAtTime) => void,
  onEnd: () => void = () => {},
): AsyncGenerator<ListedObject> {
  for await (const entry of keys) {
    onKey(entry);
    if (entry.state !== 'object' || entry.version === undefined) continue;
    const { version } = entry;
    yield {
      key: version.key,
      size: version.size,
      etag: version.etag,
      lastModified: version.lastModified,
      versionId: version.versionId,
    };
  }
  onEnd();
}

/** Stage 2: merged with the target's listing, the keys the target must be given. */
export async function* planEntries(
  atTime: AsyncIterable<ListedObject>,
  target: AsyncIterable<ListedObject>,
  tally: RestoreTally,
): AsyncGenerator<PlanEntry> {
  for await (const entry of mergeDiff(atTime, target)) {
    if (entry.kind === 'missing') {
      tally.toCreate(entry.source);
      yield { kind: 'create', object: entry.source };
    } else if (entry.kind === 'extra') {
      tally.onlyInTarget(entry.destination);
    } else if (compareContent(entry.source, entry.destination) === 'same') {
      tally.unchanged(entry.source);
    } else {
      // Equal sizes with multipart ETags that differ cannot be told apart without reading both
      // objects: treated as differing, so that a production restore rewrites rather than keeps
      // possibly damaged data (a rewrite of equal bytes costs one copy, nothing more).
      tally.differing(entry.source);
      yield { kind: 'differing', object: entry.source, target: entry.destination };
    }
  }
}

/** Stage 3: the copies to make, by version id, from the backup into the target. */
export async function* restoreCopies(
  entries: AsyncIterable<PlanEntry>,
  options: {
    readonly backupBucket: string;
    readonly targetBucket: string;
    readonly overwriteDiffering?: boolean;
    readonly onPlanned?: (key: string, action: 'create' | 'overwrite', size: number) => void;
  },
  tally: RestoreTally,
): AsyncGenerator<CopyTask> {
  for await (const entry of entries) {
    if (entry.kind === 'differing' && !options.overwriteDiffering) {
      tally.conflict();
      continue;
    }
    const overwrite = entry.kind === 'differing';
    options.onPlanned?.(entry.object.key, overwrite ? 'overwrite' : 'create', entry.object.size);
    yield {
      sourceBucket: options.backupBucket,
      sourceKey: entry.object.key,
      sourceVersionId: entry.object.versionId,
      size: entry.object.size,
      destinationBucket: options.targetBucket,
      destinationKey: entry.object.key,
      overwrite,
    };
  }
}
