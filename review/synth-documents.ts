import { App } from 'cdktf';
import { BastionConfig } from '../config';
import { buildApp } from '../stacks/app';
import {
  SynthesizedIamDocument,
  iamDocumentsOf,
  readSynthesizedStacks,
} from '../terraform/synthesized';

/**
 * Synthesizes a config into `outdir` as `cdktf synth` does (scripts/cdktf-app.ts's wiring), then reads every
 * IAM document back out of the written cdk.tf.json files: the review proves what will be deployed.
 */
export function synthesizeDocuments(
  config: BastionConfig,
  outdir: string,
): SynthesizedIamDocument[] {
  const app = new App({ outdir });
  buildApp(app, config);
  app.synth();
  return readSynthesizedStacks(outdir).flatMap(iamDocumentsOf);
}
