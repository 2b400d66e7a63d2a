import { App } from 'cdktf';
import type { ValidatedConfig } from '../config/validate';
import { Subject } from '../policies/service-rules';
import { buildApp } from '../stacks/app';
import {
  SynthesizedIamDocument,
  iamDocumentsOf,
  readSynthesizedStacks,
} from '../terraform/synthesized';
import { serviceRuleSubjectsOf } from '../terraform/service-rule-subjects';

/**
 * Synthesizes a config into `outdir` as `cdktf synth` does (scripts/cdktf-app.ts's wiring), then
 * reads every IAM document back out of the written cdk.tf.json files: the review proves what will
 * be deployed.
 */
export function synthesizeDocuments(
  config: ValidatedConfig,
  outdir: string,
): SynthesizedIamDocument[] {
  return synthesizeForReview(config, outdir).documents;
}

/** The IAM documents, and everything the service rules check, of a config synthesized. */
export function synthesizeForReview(
  config: ValidatedConfig,
  outdir: string,
): { documents: SynthesizedIamDocument[]; serviceRuleSubjects: Subject[] } {
  const app = new App({ outdir });
  buildApp(app, config);
  app.synth();
  const stacks = readSynthesizedStacks(outdir);
  return {
    documents: stacks.flatMap(iamDocumentsOf),
    serviceRuleSubjects: stacks.flatMap(serviceRuleSubjectsOf),
  };
}
