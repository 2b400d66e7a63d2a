import { resolve } from 'node:path';
import { App } from 'cdktf';
import { BastionConfig, exampleConfig } from './config';
import { buildApp } from './stacks/app';
import { ConfigValidationError, validateConfig } from './validate-config';

// Wiring only: load the config, validate it, build the stacks, synthesize.
// BASTION_CONFIG may name a module that exports `config`; by default the example in config.ts.
function loadConfig(): BastionConfig {
  const path = process.env.BASTION_CONFIG;
  if (!path) return exampleConfig;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require(resolve(path)) as { config: BastionConfig }).config;
}

const config = loadConfig();
try {
  // Before the App exists: a bad config writes no stack output at all.
  validateConfig(config);
} catch (error) {
  if (!(error instanceof ConfigValidationError)) throw error;
  console.error(error.message);
  process.exit(1);
}
const app = new App();
buildApp(app, config);
app.synth();
