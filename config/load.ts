import { resolve } from 'node:path';
import { exampleConfig } from './example';
import type { BastionConfig } from './types';

/**
 * The deployment's config: the module named by BASTION_CONFIG (which exports `config`), else the
 * example (config/example.ts). Synth, the review and the tools all read the same one.
 */
export function loadConfig(): BastionConfig {
  const path = process.env.BASTION_CONFIG;
  if (!path) return exampleConfig;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require(resolve(path)) as { config: BastionConfig }).config;
}
