import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'cdktf';
import { BastionConfig, exampleConfig } from '../../config';
import { buildApp } from '../../stacks/app';
import { validateConfig } from '../../config/validate';

/** A Terraform JSON resource block keyed by resource type, then by name. */
export type TerraformJson = {
  terraform: Record<string, unknown>;
  provider: { aws: Array<Record<string, unknown>> };
  resource: Record<string, Record<string, Record<string, unknown>>>;
};

export interface Synthesized {
  readonly outdir: string;
  readonly stacks: Readonly<Record<string, TerraformJson>>;
}

/**
 * Synthesizes a config as `cdktf synth` does, into a temporary directory, and reads back every
 * stack's cdk.tf.json: the tests assert on what Terraform would receive, not on constructs.
 */
export function synthesize(config: BastionConfig = exampleConfig): Synthesized {
  const outdir = mkdtempSync(join(tmpdir(), 'bastion-synth-'));
  try {
    const app = new App({ outdir, skipValidation: false });
    buildApp(app, validateConfig(config));
    app.synth();
    const stacksDir = join(outdir, 'stacks');
    const stacks: Record<string, TerraformJson> = {};
    for (const name of readdirSync(stacksDir)) {
      stacks[name] = JSON.parse(
        readFileSync(join(stacksDir, name, 'cdk.tf.json'), 'utf8'),
      ) as TerraformJson;
    }
    return { outdir, stacks };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

/** The resources of one type in a stack, failing clearly when the type is absent. */
export function resourcesOf(
  stack: TerraformJson,
  type: string,
): Record<string, Record<string, unknown>> {
  const resources = stack.resource[type];
  if (!resources) throw new Error(`no ${type} in stack`);
  return resources;
}

/** The one resource of a type whose attribute `key` equals `value`. */
export function findResource(
  stack: TerraformJson,
  type: string,
  match: (r: Record<string, unknown>) => boolean,
): Record<string, unknown> & { __name: string } {
  const found = Object.entries(resourcesOf(stack, type)).filter(([, r]) => match(r));
  if (found.length !== 1) throw new Error(`expected one ${type} matching, found ${found.length}`);
  const [name, resource] = found[0];
  return { ...resource, __name: name };
}

/** A config derived from the example, for tests that vary one thing. */
export function configWith(overrides: Partial<BastionConfig>): BastionConfig {
  return { ...exampleConfig, ...overrides };
}

/** The example plus a bucket in a second pair of regions: one more stack per account. */
export const multiRegionConfig: BastionConfig = configWith({
  sourceBuckets: [
    ...exampleConfig.sourceBuckets,
    {
      name: 'example-prod-eu-media',
      region: 'eu-west-1',
      backupBucketName: 'example-bastion-eu-media',
      backupRegion: 'eu-central-1',
      noncurrentVersionRetentionDays: 45,
    },
  ],
});
