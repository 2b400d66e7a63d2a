import { PassThrough } from 'node:stream';
import { progressLine, ProgressReporter } from '../../cli/progress';
import { RunStats } from '../../s3/engine/run-stats';

function statsAfter(seconds: number): RunStats {
  const stats = new RunStats();
  Object.defineProperty(stats, 'elapsedSeconds', { get: () => seconds });
  return stats;
}

describe('progress', () => {
  it('shows objects, bytes and rate while listing, and a bar with an ETA once the total is known', () => {
    const stats = statsAfter(10);
    stats.objectsListed = 3000;
    stats.objectsCopied = 900;
    stats.bytesCopied = 9 * 1024 ** 2;
    stats.objectsAlreadyPresent = 100;
    expect(progressLine(stats)).toBe(
      '1,000 (3,000 listed) objects, 9.0 MiB copied, 100 obj/s 921.6 KiB/s',
    );
    stats.listingDone = true;
    stats.objectsFailed = 2;
    expect(progressLine(stats, 10)).toBe(
      '[###-------] 1,002/3,000 objects, 9.0 MiB copied, 100 obj/s 921.6 KiB/s 2 failed ETA 0:20',
    );
  });

  it('prints a timestamped line per interval when not on a terminal', async () => {
    const stream = new PassThrough();
    let written = '';
    stream.on('data', (chunk: Buffer) => (written += chunk.toString()));
    const reporter = new ProgressReporter(statsAfter(1), {
      stream: stream as unknown as NodeJS.WriteStream,
      interactive: false,
      lineIntervalMs: 20,
    });
    reporter.start();
    await new Promise((resolve) => setTimeout(resolve, 110));
    reporter.stop();
    const lines = written.trim().split('\n');
    expect(lines.length).toBeGreaterThanOrEqual(2);
    expect(lines[0]).toMatch(/^\d{4}-\d\d-\d\dT.* 0 \(0 listed\) objects, 0 B copied/);
  });
});
