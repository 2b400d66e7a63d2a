import { rmSync } from 'node:fs';
import { stopLocalServerIfOurs } from './s3-server';
import { SHARED_PLANS_ENV } from './shared-plans';

export default function globalTeardown(): void {
  stopLocalServerIfOurs(process.env.S3_BASTION_JEST_RUN);
  for (const dir of [process.env.S3_BASTION_STATE_DIR, process.env[SHARED_PLANS_ENV]]) {
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  }
}
