import { formatBytes, formatCount, formatDuration } from './format';
import { RunStats } from '../s3/engine/run-stats';

export interface ProgressOptions {
  readonly stream?: NodeJS.WriteStream;
  /** Redraw a bar in place (a terminal) or print a line every `lineIntervalMs` (logs, CI). */
  readonly interactive?: boolean;
  readonly lineIntervalMs?: number;
}

/** The progress line of a run: objects, bytes, rate and, once the listing has ended, an ETA. */
export function progressLine(stats: RunStats, barWidth = 0): string {
  const seconds = Math.max(stats.elapsedSeconds, 0.001);
  const done = stats.objectsDone;
  const rate = done / seconds;
  const byteRate = (stats.bytesCopied + stats.bytesAlreadyPresent) / seconds;
  const total = stats.listingDone ? stats.objectsListed : undefined;
  let bar = '';
  // No bar before the total is known: an empty bar that suddenly fills would mislead.
  if (barWidth > 0 && total !== undefined) {
    const fraction = total === 0 ? 1 : Math.min(1, done / total);
    const filled = Math.round(fraction * barWidth);
    bar = `[${'#'.repeat(filled)}${'-'.repeat(barWidth - filled)}] `;
  }
  const of =
    total === undefined
      ? ` (${formatCount(stats.objectsListed)} listed)`
      : `/${formatCount(total)}`;
  const eta =
    total === undefined || rate === 0 ? '' : ` ETA ${formatDuration((total - done) / rate)}`;
  const failed = stats.objectsFailed > 0 ? ` ${formatCount(stats.objectsFailed)} failed` : '';
  return (
    `${bar}${formatCount(done)}${of} objects, ${formatBytes(stats.bytesCopied)} copied, ` +
    `${formatCount(Math.round(rate))} obj/s ${formatBytes(byteRate)}/s${failed}${eta}`
  );
}

/** Draws progress on stderr until stopped; stdout stays clean for results and --json. */
export class ProgressReporter {
  private timer: NodeJS.Timeout | undefined;
  private readonly stream: NodeJS.WriteStream;
  private readonly interactive: boolean;

  constructor(
    private readonly stats: RunStats,
    private readonly options: ProgressOptions = {},
  ) {
    this.stream = options.stream ?? process.stderr;
    this.interactive = options.interactive ?? this.stream.isTTY === true;
  }

  start(): void {
    const interval = this.interactive ? 250 : (this.options.lineIntervalMs ?? 5000);
    this.timer = setInterval(() => this.draw(), interval);
    this.timer.unref();
  }

  private draw(): void {
    if (this.interactive) {
      const width = Math.max(10, Math.min(30, (this.stream.columns ?? 100) - 90));
      this.stream.write(`\r\x1b[K${progressLine(this.stats, width)}`);
    } else {
      this.stream.write(`${new Date().toISOString()} ${progressLine(this.stats)}\n`);
    }
  }

  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    if (this.interactive) this.stream.write('\r\x1b[K');
  }
}

/**
 * Runs a copy with progress on stderr (unless `quiet`: --json or a dry run) and stops drawing
 * before the caller prints its summary on stdout.
 */
export async function withProgress<T>(quiet: boolean, run: (stats: RunStats) => Promise<T>) {
  const stats = new RunStats();
  const progress = new ProgressReporter(stats);
  if (!quiet) progress.start();
  try {
    return await run(stats);
  } finally {
    progress.stop();
  }
}
