import type { BackfillSummary } from '../s3/backfill/summary';
import type { VerifyReport } from '../s3/backfill/verify';
import type { DryRunEstimate } from '../s3/engine/copy-job';
import type { RunCounters } from '../s3/engine/run-summary';
import type { RestoreSummary } from '../s3/restore/summary';
import { formatBytes, formatCount } from './format';

/**
 * The text form of the summaries (the JSON form is the library's: s3/backfill/summary.ts,
 * s3/restore/summary.ts). One formatter for the rows every copying run shares.
 */
class SummaryText {
  readonly lines: string[] = [];

  /** `width`: the label column, so that the values of one summary line up. */
  constructor(private readonly width: number) {}

  row(label: string, text: string): this {
    this.lines.push(`  ${label.padEnd(this.width)}${text}`);
    return this;
  }

  push(...lines: string[]): this {
    this.lines.push(...lines);
    return this;
  }

  /** Dry run: what would be written, `between` (tool specific), the requests and their price. */
  dryRun(verb: string, dryRun: DryRunEstimate, between: (text: this) => void = () => {}): this {
    this.row(`would ${verb}`, objectsAndBytes(dryRun.objects, dryRun.bytes));
    between(this);
    return this.row('requests', requestsText(dryRun.requests)).row(
      'request cost',
      `$${dryRun.requestCostUsd.toFixed(4)} at S3 Standard us-east-1 list prices (data transfer not included)`,
    );
  }

  failed(counters: RunCounters): this {
    this.row('failed', `${formatCount(counters.failed.objects)} objects`);
    return this.push(...counters.failed.first.map((f) => `    ${f.key}: ${f.error}`));
  }

  requests(counters: RunCounters): this {
    return this.row(
      'requests',
      `${requestsText(counters.requests)} ($${counters.requestCostUsd.toFixed(4)} at list prices)`,
    ).row(
      'retries',
      `${formatCount(counters.retries)} (${formatCount(counters.throttles)} throttled)`,
    );
  }

  duration(counters: RunCounters, objects: number, verb: string): this {
    const seconds = counters.durationSeconds;
    const rate = seconds > 0 ? (objects / seconds).toFixed(0) : '0';
    return this.row('duration', `${seconds.toFixed(1)} s (${rate} objects/s ${verb})`);
  }

  toString(): string {
    return this.lines.join('\n') + '\n';
  }
}

const objectsAndBytes = (objects: number, bytes: number) =>
  `${formatCount(objects)} objects, ${formatBytes(bytes)}`;

const requestsText = (requests: Readonly<Record<string, number>>) =>
  Object.entries(requests)
    .map(([type, n]) => `${type} ${formatCount(n)}`)
    .join(', ');

function headline(
  title: string,
  summary: { dryRun?: unknown; complete: boolean; resumedAfter: string | null },
): string {
  const state =
    summary.dryRun !== undefined
      ? 'dry run, nothing written'
      : summary.complete
        ? 'complete'
        : 'NOT complete';
  const resumed =
    summary.resumedAfter === null ? '' : ` (resumed after ${JSON.stringify(summary.resumedAfter)})`;
  return `${title}: ${state}${resumed}`;
}

export function backfillSummaryText(s: BackfillSummary): string {
  const text = new SummaryText(17).push(
    headline(`backfill s3://${s.source}/${s.prefix} -> s3://${s.destination}/${s.prefix}`, s),
  );
  const present = objectsAndBytes(s.alreadyPresent.objects, s.alreadyPresent.bytes);
  if (s.dryRun !== undefined) {
    text.dryRun('copy', s.dryRun, (t) => t.row('already present', present));
  } else {
    text.row('copied', objectsAndBytes(s.copied.objects, s.copied.bytes));
    text.row('already present', present).failed(s);
    if (s.sourceGone > 0) text.push(`  deleted from the source while copying: ${s.sourceGone}`);
    text.requests(s);
  }
  if (s.sizeConflicts > 0) {
    text.row(
      'size conflicts',
      `${formatCount(s.sizeConflicts)} keys exist in the destination with another size (left alone; see npm run verify)`,
    );
  }
  return text.duration(s, s.copied.objects, 'copied').toString();
}

/** Reported keys, then how many more there are. */
function keyLines(list: readonly string[], count: number, label: string): string[] {
  return [
    ...list.map((key) => `    ${label} ${JSON.stringify(key)}`),
    ...(count > list.length ? [`    ... and ${formatCount(count - list.length)} more`] : []),
  ];
}

/** The CONFLICTS row names --into-production, the flag that overwrites differing keys. */
export function restoreSummaryText(s: RestoreSummary): string {
  const { plan } = s;
  const text = new SummaryText(18)
    .push(
      headline(
        `restore s3://${s.backup}/${s.prefix} as of ${s.asOf} -> s3://${s.target}/${s.prefix}`,
        s,
      ),
    )
    .row('existed at as-of', objectsAndBytes(plan.existedAtAsOf.objects, plan.existedAtAsOf.bytes))
    .row(
      'deleted at as-of',
      `${formatCount(plan.deletedAtAsOf.count)} keys (a delete marker was newest then: not restored)`,
    )
    .row(
      'created later',
      `${formatCount(plan.createdAfterAsOf.count)} keys (no version at or before as-of: not restored)`,
    )
    .row(
      'already in target',
      `${formatCount(plan.unchanged.objects)} objects with the same content (skipped)`,
    );
  if (s.dryRun !== undefined) {
    text.dryRun('write', s.dryRun);
    if (s.batchEngine !== undefined) {
      text.row(
        'batch engine',
        `$${s.batchEngine.usd.toFixed(4)} with --engine batch: ${formatCount(s.batchEngine.objects)} copies (every version at as-of, the target not compared; job and per-object fees included; S3 runs it)`,
      );
    }
  } else {
    text.row('written', objectsAndBytes(s.written.objects, s.written.bytes)).failed(s);
    if (s.sourceGone > 0) {
      text.row(
        'version gone',
        `${formatCount(s.sourceGone)} (expired from the backup between listing and copy)`,
      );
    }
    text.requests(s);
  }
  if (plan.differing.count > 0) {
    if (s.conflicts > 0) {
      text.row(
        'CONFLICTS',
        `${formatCount(s.conflicts)} keys exist in the target with other content: left alone (--into-production overwrites them)`,
      );
    } else {
      text.row(
        'differing',
        `${formatCount(plan.differing.count)} keys had other content in the target: ${s.dryRun !== undefined ? 'would be ' : ''}overwritten`,
      );
    }
    text.push(...keyLines(plan.differing.keys, plan.differing.count, 'differs'));
  }
  text
    .row(
      'only in target',
      `${formatCount(plan.onlyInTarget.count)} keys that did not exist at as-of: left in place, never deleted`,
    )
    .push(...keyLines(plan.onlyInTarget.keys, plan.onlyInTarget.count, 'extra'));
  if (s.verify !== undefined) {
    const v = s.verify;
    text
      .row(
        'verify',
        `${v.ok ? 'OK' : 'FAILED'}: ${formatCount(v.matching)} match in size and checksum, ${formatCount(v.sizeOnly)} in size only (multipart), ${formatCount(v.missing.count)} missing, ${formatCount(v.differing.count)} differ`,
      )
      .push(...keyLines(v.missing.keys, v.missing.count, 'missing'))
      .push(...keyLines(v.differing.keys, v.differing.count, 'differs'));
  }
  return text.duration(s, s.written.objects, 'written').toString();
}

export function verifyReportText(
  source: string,
  destination: string,
  prefix: string,
  report: VerifyReport,
): string {
  const lines = [
    `source       s3://${source}/${prefix}: ${objectsAndBytes(report.source.objects, report.source.bytes)}`,
    `destination  s3://${destination}/${prefix}: ${objectsAndBytes(report.destination.objects, report.destination.bytes)}`,
    `missing in destination: ${formatCount(report.missing.count)}`,
    ...report.missing.keys.map((key) => `  missing ${JSON.stringify(key)}`),
    `different size: ${formatCount(report.sizeDiffers.count)}`,
    ...report.sizeDiffers.keys.map(
      (d) =>
        `  size ${JSON.stringify(d.key)}: source ${d.sourceSize}, destination ${d.destinationSize}`,
    ),
    `only in destination (not an error): ${formatCount(report.extra.count)}`,
    report.ok
      ? 'OK: the destination holds every source object'
      : 'FAILED: the destination does not hold every source object',
  ];
  return lines.join('\n') + '\n';
}
