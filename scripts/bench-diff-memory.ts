// `npm run bench:diff-memory`: thin entry over bench/diff-memory.ts (also run by bench:backfill).
import { benchDiffMemory } from '../bench/diff-memory';

void benchDiffMemory(process.argv.slice(2));
