import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SHARED_PLANS_ENV } from './shared-plans';

// Cheap on purpose: the S3 server starts only when an S3 test file asks for it (s3-server.ts),
// a shared offline plan is made only when a test file asks for it (shared-plans.ts). The test
// workers inherit these variables.
export default function globalSetup(): void {
  // The SDK warns once per process that Node 20 support ends in 2027: known, noise here.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  process.env.S3_BASTION_JEST_RUN ??= `${process.pid}-${Date.now()}`;
  // Resume journals of tests that name no --state-dir go here, never into the user's home.
  process.env.S3_BASTION_STATE_DIR = mkdtempSync(join(tmpdir(), 's3-bastion-test-state-'));
  process.env[SHARED_PLANS_ENV] = mkdtempSync(join(tmpdir(), 'bastion-shared-plans-'));
}
