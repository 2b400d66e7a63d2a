import { App } from 'cdktf';
import { loadConfig } from '../config';
import { buildApp } from '../stacks/app';
import { ConfigValidationError, validateConfig } from '../config/validate';

// Wiring only: load the config (BASTION_CONFIG or the example), validate it, build the stacks,
// synthesize.

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
