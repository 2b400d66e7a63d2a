import { PROBES, type ProbeResult } from './probe';
import type { CleanupReport } from './cleanup';

export interface CheckReport {
  readonly runId: string;
  readonly readOnly: boolean;
  /** Ctrl-C ended the run early: probes after it are SKIPPED. */
  readonly interrupted: boolean;
  readonly primaryCaller: string;
  readonly backupCaller?: string;
  readonly results: readonly ProbeResult[];
  readonly cleanup: readonly CleanupReport[];
}

export function summaryOf(report: CheckReport): {
  passed: number;
  failed: number;
  skipped: number;
} {
  const count = (status: ProbeResult['status']) =>
    report.results.filter((r) => r.status === status).length;
  return { passed: count('PASS'), failed: count('FAIL'), skipped: count('SKIPPED') };
}

export function reportJson(report: CheckReport): string {
  return `${JSON.stringify({ ...report, summary: summaryOf(report) }, null, 2)}\n`;
}

/** The human report: one block per result, the fix under each FAIL, then cleanup and a summary. */
export function reportText(report: CheckReport): string {
  const lines = [
    `check-deployment run ${report.runId}${report.readOnly ? ' (read-only)' : ''}`,
    `primary credentials: ${report.primaryCaller}`,
    `backup credentials:  ${report.backupCaller ?? 'none (probes that need them are SKIPPED)'}`,
    '',
  ];
  for (const result of report.results) {
    lines.push(`${result.status.padEnd(7)} ${result.probe}  ${result.target}`);
    lines.push(`        ${result.reason}`);
    if (result.fix !== undefined && result.status !== 'PASS')
      lines.push(`        fix: ${result.fix}`);
  }
  if (report.cleanup.length > 0) {
    lines.push('', 'cleanup:');
    for (const c of report.cleanup) {
      lines.push(
        `  ${c.pair}: removed ${c.sourceVersionsRemoved} canary version(s) from the source; ${c.note}`,
      );
    }
  }
  const { passed, failed, skipped } = summaryOf(report);
  lines.push(
    '',
    `${report.interrupted ? 'INTERRUPTED' : failed === 0 ? 'OK' : 'FAILED'}: ${passed} passed, ${failed} failed, ${skipped} skipped ` +
      `(${Object.keys(PROBES).length} kinds of probe; SKIPPED is not a pass: read the reason)`,
  );
  return `${lines.join('\n')}\n`;
}
