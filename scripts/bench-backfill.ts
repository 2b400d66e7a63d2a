// `npm run bench:backfill`: thin entry over bench/backfill-bench.ts (not a test).
import { benchBackfill } from '../bench/backfill-bench';

void benchBackfill(process.argv.slice(2));
