import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BastionConfig, exampleConfig } from '../../config';
import { SynthesizedIamDocument } from '../../terraform/synthesized';
import { synthesizeDocuments } from '../../review/synth-documents';
import { validateConfig } from '../../config/validate';

/** Every IAM document of a config, synthesized into a temporary cdktf.out and read back. */
export function synthesizedDocuments(
  config: BastionConfig = exampleConfig,
): SynthesizedIamDocument[] {
  const outdir = mkdtempSync(join(tmpdir(), 'bastion-policies-'));
  try {
    return synthesizeDocuments(validateConfig(config), outdir);
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}
