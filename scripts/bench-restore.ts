// `npm run bench:restore`: thin entry over bench/restore-bench.ts (not a test).
import { benchRestore } from '../bench/restore-bench';

benchRestore(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(
    `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exitCode = 1;
});
