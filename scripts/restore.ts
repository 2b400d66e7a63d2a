/**
 * Restores a versioned backup bucket as it was at a point in time into a target bucket, server
 * side, never writing to the backup and never deleting anything. Thin entry over
 * s3/restore/restore.ts.
 *
 *   npm run restore -- --backup <bucket> --target <bucket> --as-of <ISO 8601 time> [--prefix P]
 *     [--role-arn ARN] [--backup-region R] [--target-region R] [--endpoint-url URL] [--dry-run]
 */
import { loadConfig } from '../config';
import { describeBucketRegions, locateBuckets } from '../s3/client/bucket-regions';
import {
  bucketFlag,
  CONNECTION_FLAGS,
  parseFlags,
  positiveIntegerFlag,
  requireFlag,
} from '../cli/args';
import {
  EXIT_INCOMPLETE,
  EXIT_INTERRUPTED,
  EXIT_OK,
  type Output,
  reportError,
  runInterruptibleMain,
} from '../cli/runtime';
import { UsageError } from '../s3/client/errors';
import { formatBytes, formatCount } from '../cli/format';
import { defaultStateDir } from '../s3/engine/journal';
import { requestCostUsd } from '../s3/engine/pricing';
import { ProgressReporter } from '../cli/progress';
import {
  checkRestore,
  type RestoreCheckReport,
  restore,
  type RestoreResult,
  restoreTargetProblem,
} from '../s3/restore/restore';
import { RunStats } from '../s3/engine/run-stats';
import { parseCopySettings } from '../s3/engine/copy-settings';

const USAGE = `usage: npm run restore -- --backup <bucket> --target <bucket> --as-of <time> [options]

Restores --backup as it was at --as-of into --target: for each key, the newest version at or
before that time, copied server side by version id. A key whose newest entry then was a delete
marker did not exist and is not restored. Never writes to the backup bucket, never deletes from
the target: keys in the target that did not exist at --as-of are reported, not removed.
Interrupted, run it again with the same arguments: it resumes.

  --as-of TIME                ISO 8601 with a time zone: 2025-03-01T12:00:00Z, 2025-03-01T13:00+01:00
  --prefix P                  only keys under P
  --role-arn ARN              assume this role first (the restore role, s3-bastion-restore)
  --backup-region R           region of --backup; --target-region R: of --target. Without
                              them each bucket's region is looked up (HeadBucket) and every
                              request goes to its bucket's region; copies to the target's
  --region R                  where look-ups go, and the region of a bucket whose server names
                              none (default: AWS_REGION / profile, else us-east-1)
  --endpoint-url URL          an S3-compatible endpoint (default: AWS_ENDPOINT_URL_S3)
  --dry-run                   list what would be written, with counts, bytes and request cost
  --json                      print the summary as JSON on stdout, no progress
  --into-production           allow overwriting target keys whose current content differs from
                              the version at --as-of (restoring into the live bucket); only those
                              keys are written. Without it an existing key is never overwritten
  --verify                    after the restore, list both again and check the target against
                              the backup at --as-of (keys, sizes, checksums)
  --concurrency N             copies in flight (default 128)
  --multipart-threshold SIZE  copy larger objects with UploadPartCopy (default 5GiB)
  --part-size SIZE            part size of multipart copies (default 512MiB)
  --acl none|bucket-owner-full-control   (default none: the restore role has no s3:PutObjectAcl)
  --sdk-copy                  send CopyObject through the AWS SDK instead of the lean signed
                              request (same request, about 4x the CPU)
  --state-dir DIR             where the resume journal lives (default ~/.s3-bastion-backup)
  --restart                   ignore the journal of an interrupted run and start from the first key
  --max-keys N                keys of each kind to print (default 100; counts are always complete)
`;

const FLAGS = {
  ...CONNECTION_FLAGS,
  backup: { type: 'string' },
  target: { type: 'string' },
  'backup-region': { type: 'string' },
  'target-region': { type: 'string' },
  'as-of': { type: 'string' },
  prefix: { type: 'string', default: '' },
  concurrency: { type: 'string' },
  'dry-run': { type: 'boolean', default: false },
  'into-production': { type: 'boolean', default: false },
  verify: { type: 'boolean', default: false },
  'multipart-threshold': { type: 'string' },
  'part-size': { type: 'string' },
  acl: { type: 'string', default: 'none' },
  'state-dir': { type: 'string' },
  restart: { type: 'boolean', default: false },
  'max-keys': { type: 'string' },
  'page-size': { type: 'string' },
  'sdk-copy': { type: 'boolean', default: false },
} as const;

/** An ISO 8601 date-time with an explicit zone: a bare local time would depend on the machine. */
export function parseAsOf(value: string | undefined): Date {
  const text = requireFlag(value, 'as-of');
  const iso =
    /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/i.exec(text) !== null;
  const date = new Date(text);
  if (!iso || Number.isNaN(date.getTime())) {
    throw new UsageError(
      `--as-of '${text}' is not an ISO 8601 time with a zone, such as 2025-03-01T12:00:00Z`,
    );
  }
  return date;
}

function summaryJson(
  backup: string,
  target: string,
  prefix: string,
  asOf: Date,
  result: RestoreResult,
  check: RestoreCheckReport | undefined,
) {
  const { stats, plan } = result;
  return {
    backup,
    target,
    prefix,
    asOf: asOf.toISOString(),
    complete:
      stats.listingDone &&
      stats.objectsFailed === 0 &&
      result.conflicts === 0 &&
      !result.interrupted &&
      (check?.ok ?? true),
    resumedAfter: result.resumedAfter ?? null,
    plan,
    written: { objects: stats.objectsCopied, bytes: stats.bytesCopied },
    conflicts: result.conflicts,
    sourceGone: stats.objectsSourceGone,
    failed: { objects: stats.objectsFailed, first: stats.failed.slice(0, 20) },
    requests: stats.requests,
    requestCostUsd: Number(requestCostUsd(stats.requests).toFixed(6)),
    retries: stats.retries,
    throttles: stats.throttles,
    durationSeconds: Number(stats.elapsedSeconds.toFixed(3)),
    ...(check === undefined ? {} : { verify: check }),
    ...(result.dryRun === undefined
      ? {}
      : {
          dryRun: {
            objects: result.dryRun.objects,
            bytes: result.dryRun.bytes,
            requests: result.dryRun.requests,
            requestCostUsd: Number(result.dryRun.requestCostUsd.toFixed(6)),
          },
        }),
  };
}

function summaryText(summary: ReturnType<typeof summaryJson>, result: RestoreResult): string {
  const { plan } = summary;
  const keys = (list: string[], count: number, label: string) => [
    ...list.map((key) => `    ${label} ${JSON.stringify(key)}`),
    ...(count > list.length ? [`    ... and ${formatCount(count - list.length)} more`] : []),
  ];
  const lines = [
    `restore s3://${summary.backup}/${summary.prefix} as of ${summary.asOf} -> s3://${summary.target}/${summary.prefix}: ${
      result.dryRun ? 'dry run, nothing written' : summary.complete ? 'complete' : 'NOT complete'
    }${summary.resumedAfter === null ? '' : ` (resumed after ${JSON.stringify(summary.resumedAfter)})`}`,
    `  existed at as-of  ${formatCount(plan.existedAtAsOf.objects)} objects, ${formatBytes(plan.existedAtAsOf.bytes)}`,
    `  deleted at as-of  ${formatCount(plan.deletedAtAsOf.count)} keys (a delete marker was newest then: not restored)`,
    `  created later     ${formatCount(plan.createdAfterAsOf.count)} keys (no version at or before as-of: not restored)`,
    `  already in target ${formatCount(plan.unchanged.objects)} objects with the same content (skipped)`,
  ];
  if (result.dryRun) {
    const requests = Object.entries(result.dryRun.requests)
      .map(([type, n]) => `${type} ${formatCount(n)}`)
      .join(', ');
    lines.push(
      `  would write       ${formatCount(result.dryRun.objects)} objects, ${formatBytes(result.dryRun.bytes)}`,
      `  requests          ${requests}`,
      `  request cost      $${result.dryRun.requestCostUsd.toFixed(4)} at S3 Standard us-east-1 list prices (data transfer not included)`,
    );
  } else {
    const requests = Object.entries(summary.requests)
      .map(([type, n]) => `${type} ${formatCount(n)}`)
      .join(', ');
    lines.push(
      `  written           ${formatCount(summary.written.objects)} objects, ${formatBytes(summary.written.bytes)}`,
      `  failed            ${formatCount(summary.failed.objects)} objects`,
      ...summary.failed.first.map((f) => `    ${f.key}: ${f.error}`),
    );
    if (summary.sourceGone > 0) {
      lines.push(
        `  version gone      ${formatCount(summary.sourceGone)} (expired from the backup between listing and copy)`,
      );
    }
    lines.push(
      `  requests          ${requests} ($${summary.requestCostUsd.toFixed(4)} at list prices)`,
      `  retries           ${formatCount(summary.retries)} (${formatCount(summary.throttles)} throttled)`,
    );
  }
  if (plan.differing.count > 0) {
    lines.push(
      summary.conflicts > 0
        ? `  CONFLICTS         ${formatCount(summary.conflicts)} keys exist in the target with other content: left alone (--into-production overwrites them)`
        : `  differing         ${formatCount(plan.differing.count)} keys had other content in the target: ${result.dryRun ? 'would be ' : ''}overwritten`,
      ...keys(plan.differing.keys, plan.differing.count, 'differs'),
    );
  }
  lines.push(
    `  only in target    ${formatCount(plan.onlyInTarget.count)} keys that did not exist at as-of: left in place, never deleted`,
    ...keys(plan.onlyInTarget.keys, plan.onlyInTarget.count, 'extra'),
  );
  if (summary.verify !== undefined) {
    const v = summary.verify;
    lines.push(
      `  verify            ${v.ok ? 'OK' : 'FAILED'}: ${formatCount(v.matching)} match in size and checksum, ${formatCount(v.sizeOnly)} in size only (multipart), ${formatCount(v.missing.count)} missing, ${formatCount(v.differing.count)} differ`,
      ...keys(v.missing.keys, v.missing.count, 'missing'),
      ...keys(v.differing.keys, v.differing.count, 'differs'),
    );
  }
  const rate =
    summary.durationSeconds > 0
      ? (summary.written.objects / summary.durationSeconds).toFixed(0)
      : '0';
  lines.push(
    `  duration          ${summary.durationSeconds.toFixed(1)} s (${rate} objects/s written)`,
  );
  return lines.join('\n') + '\n';
}

export async function main(
  argv: string[],
  output: Output = process,
  signal?: AbortSignal,
): Promise<number> {
  try {
    const values = parseFlags(argv, FLAGS);
    if (values.help) {
      output.stdout.write(USAGE);
      return EXIT_OK;
    }
    const backup = bucketFlag(values.backup, 'backup');
    const target = bucketFlag(values.target, 'target');
    if (backup === target) {
      throw new UsageError(
        `--target is the backup bucket (${backup}); a restore never writes to the backup: restore into another bucket`,
      );
    }
    const targetProblem = restoreTargetProblem(loadConfig(), target, values['into-production']);
    if (targetProblem !== undefined) throw new UsageError(targetProblem);
    const asOf = parseAsOf(values['as-of']);
    const copy = parseCopySettings(values, {
      [backup]: ['backup-region', values['backup-region']],
      [target]: ['target-region', values['target-region']],
    });
    const maxKeys = positiveIntegerFlag(values['max-keys'], 'max-keys', 100);
    const pageSize = positiveIntegerFlag(values['page-size'], 'page-size', 1000);
    const stateDir = values['state-dir'] ?? defaultStateDir();
    await locateBuckets(copy.client, [backup, target]);
    if (!values.json) output.stderr.write(describeBucketRegions('restore', copy.client.regions()));
    const intoProduction = values['into-production'];

    const stats = new RunStats();
    const progress = new ProgressReporter(stats);
    if (!values.json && !values['dry-run']) progress.start();
    try {
      const result = await restore({
        client: copy.client,
        backupBucket: backup,
        targetBucket: target,
        asOf,
        prefix: values.prefix,
        concurrency: copy.concurrency,
        overwriteDiffering: intoProduction,
        dryRun: values['dry-run'],
        multipartThresholdBytes: copy.multipartThresholdBytes,
        partSizeBytes: copy.partSizeBytes,
        acl: copy.acl,
        stateDir,
        restart: values.restart,
        pageSize,
        maxKeysReported: maxKeys,
        signal,
        stats,
        copyObject: copy.copyObject,
        onPlanned:
          values.json || !values['dry-run']
            ? undefined
            : (key, action, size) =>
                output.stdout.write(
                  `would ${action === 'create' ? 'create' : 'overwrite'} ${JSON.stringify(key)} (${size} bytes)\n`,
                ),
      });
      progress.stop();
      const check =
        values.verify && !values['dry-run'] && !result.interrupted && !signal?.aborted
          ? await checkRestore({
              client: copy.client,
              backupBucket: backup,
              targetBucket: target,
              asOf,
              prefix: values.prefix,
              pageSize,
              maxKeysReported: maxKeys,
              onRequest: (type) => stats.countRequest(type),
            })
          : undefined;
      const summary = summaryJson(backup, target, values.prefix, asOf, result, check);
      output.stdout.write(
        values.json ? `${JSON.stringify(summary)}\n` : summaryText(summary, result),
      );
      if (result.interrupted || signal?.aborted) return EXIT_INTERRUPTED;
      if (result.dryRun) return EXIT_OK;
      return summary.complete ? EXIT_OK : EXIT_INCOMPLETE;
    } finally {
      progress.stop();
    }
  } catch (error) {
    return reportError('restore', error, output);
  }
}

if (require.main === module) {
  runInterruptibleMain('restore', (signal) => main(process.argv.slice(2), process, signal));
}
