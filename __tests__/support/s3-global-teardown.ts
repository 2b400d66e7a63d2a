import { rmSync } from 'node:fs';
import { stopLocalServerIfOurs } from './s3-server';

export default function globalTeardown(): void {
  stopLocalServerIfOurs(process.env.S3_BASTION_JEST_RUN);
  const stateDir = process.env.S3_BASTION_STATE_DIR;
  if (stateDir !== undefined) rmSync(stateDir, { recursive: true, force: true });
}
