import { stopLocalServerIfOurs } from './s3-server';

export default function globalTeardown(): void {
  stopLocalServerIfOurs(process.env.S3_BASTION_JEST_RUN);
}
