import { resolve } from 'node:path';
import { loadConfig } from '../config';
import { ConfigValidationError, validateConfig } from '../config/validate';
import { runReview } from '../review/run-review';

// `npm run review`: the security review of what `npm run synth` would deploy.

async function main(): Promise<number> {
  const config = loadConfig();
  try {
    validateConfig(config);
  } catch (error) {
    if (!(error instanceof ConfigValidationError)) throw error;
    console.error(error.message);
    return 2;
  }
  const { ok, reportPath } = await runReview(
    config,
    resolve(process.env.CDKTF_OUTDIR ?? 'cdktf.out'),
  );
  console.log(
    `${ok ? 'Every invariant holds' : 'FINDINGS: an invariant fails'}; report: ${reportPath}`,
  );
  return ok ? 0 : 1;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  },
);
