// `npm run bench:inventory-verify`: thin entry over bench/inventory-verify.ts.
import { benchInventoryVerify } from '../bench/inventory-verify';

void benchInventoryVerify(process.argv.slice(2));
