import { dirname, join } from 'node:path';

/**
 * Speed, not semantics. A matrix evaluates the same few policies thousands of times, and two pure
 * functions inside the evaluator dominate its time:
 * - iam-simulate's getResourceTypesForAction(service, action, arn): which resource type an ARN is
 *   for an action (a third of the time), a function of its arguments and the packaged data;
 * - iam-policy's caseInsensitiveEndsWith(value, suffix), which builds a locale collator per call
 *   to parse condition operator names (another third).
 * Both are memoized in their own modules (pinned versions), through the module exports that the
 * evaluator's other modules call. If a module changes shape, nothing is patched and evaluation is
 * only slower. Imported for its effect by evaluate.ts.
 */

type Fn = (...args: string[]) => unknown;

function memoizeExport(file: string, name: string): void {
  let module: Record<string, unknown>;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    module = require(file) as Record<string, unknown>;
  } catch {
    return;
  }
  const original = module[name];
  if (typeof original !== 'function') return;
  const fn = original as Fn;
  const cache = new Map<string, unknown>();
  module[name] = (...args: string[]) => {
    const key = args.join('\u0000');
    if (!cache.has(key)) cache.set(key, fn(...args));
    return cache.get(key);
  };
}

const simulateDir = dirname(require.resolve('@cloud-copilot/iam-simulate'));
const policyDir = dirname(require.resolve('@cloud-copilot/iam-policy', { paths: [simulateDir] }));

memoizeExport(
  join(simulateDir, 'simulation_engine', 'resourceTypes.js'),
  'getResourceTypesForAction',
);
memoizeExport(join(policyDir, 'utils.js'), 'caseInsensitiveEndsWith');
