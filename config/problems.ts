import type { ConfigProblem } from './validate/rules';

/**
 * The error that carries every problem of a config. Its own module, so that the loader can throw
 * it without importing the validators.
 */

/** Thrown once with every problem of a config, before any stack is built. */
export class ConfigValidationError extends Error {
  constructor(public readonly problems: readonly ConfigProblem[]) {
    super(
      `The config has ${problems.length} problem${problems.length === 1 ? '' : 's'}:\n` +
        problems.map((p) => `  - ${p.path} = ${JSON.stringify(p.value)}: ${p.rule}`).join('\n'),
    );
    this.name = 'ConfigValidationError';
  }
}
