import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SECURITY_REVIEW_FILE } from '../cli/synth-config';
import type { ValidatedConfig } from '../config/validate';
import { renderReport, reportPasses } from './report';
import { reviewDocuments } from './review-documents';
import { synthesizeForReview } from './synth-documents';

/**
 * `npm run review`: synthesize into `outdir`, read every IAM document back, run the matrix and
 * write `outdir`/SECURITY-REVIEW.md. Returns whether every invariant holds.
 */
export async function runReview(
  config: ValidatedConfig,
  outdir: string,
): Promise<{ ok: boolean; reportPath: string }> {
  mkdirSync(outdir, { recursive: true });
  // Stacks of an earlier config would be read back as if this one had them.
  rmSync(join(outdir, 'stacks'), { recursive: true, force: true });
  const { documents, serviceRuleSubjects } = synthesizeForReview(config, outdir);
  const review = await reviewDocuments(config, documents, { serviceRuleSubjects });
  const reportPath = join(outdir, SECURITY_REVIEW_FILE);
  writeFileSync(reportPath, renderReport(review));
  return { ok: reportPasses(review), reportPath };
}
