import { randomBytes } from 'node:crypto';
import { BastionConfig } from '../config';
import { InputError } from '../cli/errors';
import type { SynthesizedStack } from '../terraform/synthesized';
import { type CleanupReport, removeCanaries } from './cleanup';
import type { Canary, CheckContext } from './context';
import {
  type AlarmExpectation,
  type BucketPair,
  bucketPairs,
  readExpectations,
} from './expectations';
import { checkCallerAccount, checkPairLocations } from './preflight';
import { type ProbeName, type ProbeResult, WRITING_PROBES, skip } from './probe';
import { type TopicCache, probeAlarm } from './probes/alarms';
import { probeBackfillAppendOnly } from './probes/backfill';
import { probeDeleteBecomesMarker } from './probes/delete-marker';
import { probeBackupBucketDrift } from './probes/drift';
import { probePrimaryCannotHarm } from './probes/primary-cannot-harm';
import { probeReplicaInBackup, probeReplicationCompletes } from './probes/replication';
import { probeReplicationHealth } from './probes/replication-health';
import { probeRestoreRole } from './probes/restore-role';
import type { CheckReport } from './report';
import type { CheckSession } from './session';

export interface CheckOptions {
  readonly config: BastionConfig;
  readonly session: CheckSession;
  /** The synthesized stacks: the alarms and backup-bucket settings to expect. */
  readonly stacks: readonly SynthesizedStack[];
  /** Only the pair of this source bucket. @default every pair of the config */
  readonly bucket?: string;
  /** Run only the probes that write nothing anywhere. @default false */
  readonly readOnly?: boolean;
  /** @default 900 */
  readonly waitSeconds?: number;
  /** @default 5000 */
  readonly pollMs?: number;
  /** @default - a timestamp and random suffix */
  readonly runId?: string;
  /** Progress lines; stdout stays for the report. @default - nothing */
  readonly progress?: (line: string) => void;
  /** Aborted by Ctrl-C: the probes not yet run are SKIPPED, the canaries still removed. */
  readonly signal?: AbortSignal;
}

export function newRunId(now = new Date()): string {
  return `${now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z')}-${randomBytes(3).toString('hex')}`;
}

function selectPairs(config: BastionConfig, bucket: string | undefined): BucketPair[] {
  const pairs = bucketPairs(config);
  if (bucket === undefined) return pairs;
  const selected = pairs.filter((p) => p.source.name === bucket || p.backupBucket === bucket);
  if (selected.length === 0) {
    throw new InputError(
      `bucket '${bucket}' is not a source or backup bucket of the config (${pairs.map((p) => p.source.name).join(', ')})`,
      'bucket',
    );
  }
  return selected;
}

function alarmsFor(
  alarms: readonly AlarmExpectation[],
  pairs: readonly BucketPair[],
  all: boolean,
): AlarmExpectation[] {
  if (all) return [...alarms];
  const names = pairs.flatMap((p) => [p.source.name, p.backupBucket]);
  return alarms.filter(
    (a) =>
      names.some((n) => a.alarmName.includes(n)) ||
      Object.values(a.dimensions).some((v) => names.includes(v)),
  );
}

/**
 * Runs every probe against the live accounts. Identity and bucket locations are checked first,
 * so a wrong account or region ends the run before any canary is written. Pairs and probes run
 * one after another: each waits on S3 replication, not on the CPU, and the report stays ordered.
 */
export async function runCheck(options: CheckOptions): Promise<CheckReport> {
  const { config, session } = options;
  const pairs = selectPairs(config, options.bucket);
  const readOnly = options.readOnly ?? false;
  const context: CheckContext = {
    config,
    session,
    expectations: readExpectations(config, options.stacks),
    runId: options.runId ?? newRunId(),
    waitSeconds: options.waitSeconds ?? 900,
    pollMs: options.pollMs ?? 5000,
    progress: options.progress ?? (() => undefined),
    signal: options.signal ?? new AbortController().signal,
  };
  const stsRegion = pairs[0].sourceRegion;
  const primaryCaller = await checkCallerAccount(session, config, 'primary', stsRegion);
  const backupCaller = session.hasBackupCredentials
    ? await checkCallerAccount(session, config, 'backup', pairs[0].backupRegion)
    : undefined;
  for (const pair of pairs) await checkPairLocations(session, pair);

  const results: ProbeResult[] = [];
  const cleanup: CleanupReport[] = [];
  const probing = async (
    probe: ProbeName,
    target: string,
    run: () => Promise<ProbeResult>,
  ): Promise<void> => {
    if (context.signal.aborted) {
      results.push(skip(probe, target, 'interrupted before this probe ran'));
      return;
    }
    if (readOnly && WRITING_PROBES.has(probe)) {
      results.push(
        skip(probe, target, '--read-only: this probe writes a canary or attempts a write'),
      );
      return;
    }
    results.push(await run());
  };

  for (const pair of pairs) {
    context.progress(`checking ${pair.label}`);
    let canary: Canary | undefined;
    try {
      await probing('replication-completes', pair.label, async () => {
        const outcome = await probeReplicationCompletes(context, pair);
        canary = outcome.canary;
        return outcome.result;
      });
      await probing('replica-in-backup', pair.label, () =>
        probeReplicaInBackup(context, pair, canary),
      );
      await probing(
        'backfill-append-only',
        pair.label,
        async () => (await probeBackfillAppendOnly(context, pair, canary, primaryCaller)).result,
      );
      await probing('delete-becomes-marker', pair.label, () =>
        probeDeleteBecomesMarker(context, pair, canary),
      );
      await probing('restore-role', pair.label, () =>
        probeRestoreRole(context, pair, backupCaller),
      );
      await probing('primary-cannot-harm', pair.label, () =>
        probePrimaryCannotHarm(context, pair, canary),
      );
      await probing('replication-health', pair.label, () =>
        probeReplicationHealth(context, pair, canary),
      );
      await probing('backup-bucket-drift', pair.label, () => probeBackupBucketDrift(context, pair));
    } finally {
      if (!readOnly) cleanup.push(await removeCanaries(context, pair));
    }
  }
  const cache: TopicCache = new Map();
  for (const alarm of alarmsFor(context.expectations.alarms, pairs, options.bucket === undefined)) {
    await probing('alarms-reach-a-person', alarm.alarmName, () =>
      probeAlarm(context, alarm, cache),
    );
  }
  return {
    runId: context.runId,
    readOnly,
    interrupted: context.signal.aborted,
    primaryCaller,
    backupCaller,
    results,
    cleanup,
  };
}
