import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { exampleConfig } from './example';
import type { BastionConfig } from './types';
import { ConfigValidationError } from './problems';

/** The environment variable that names the deployment's config module. */
export const CONFIG_ENV = 'BASTION_CONFIG';

function problem(value: unknown, rule: string): ConfigValidationError {
  return new ConfigValidationError([{ path: CONFIG_ENV, value, rule }]);
}

/**
 * A load error (a syntax error, a failed import) in a line or two, without the stack: the
 * transpiler's "Transform failed with 1 error:" says nothing without the line after it.
 */
function firstLines(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  const lines = text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('at '));
  return (lines[0]?.endsWith(':') ? lines.slice(0, 2) : lines.slice(0, 1)).join(' ') || text;
}

/**
 * The deployment's config: the module named by BASTION_CONFIG (which exports `config`), else the
 * example (config/example.ts). Synth, the review and the tools all read the same one. A missing
 * file, a module that does not load, or one without a `config` export is a config problem
 * (ConfigValidationError, path `BASTION_CONFIG`), never a stack trace. The value is returned as
 * the module exports it: validateConfig checks its shape and rules.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): BastionConfig {
  const path = env[CONFIG_ENV];
  if (!path) return exampleConfig;
  const file = resolve(path);
  if (!existsSync(file)) {
    throw problem(path, `names no file (looked for ${file}); give the path of your config module`);
  }
  let loaded: Record<string, unknown>;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    loaded = require(file) as Record<string, unknown>;
  } catch (error) {
    throw problem(path, `the module does not load: ${firstLines(error)}`);
  }
  if (!('config' in loaded) || loaded.config === undefined) {
    const names = Object.keys(loaded).filter((k) => k !== '__esModule');
    const hint = names.includes('default')
      ? 'it has a default export: write `export const config: BastionConfig = { ... }` instead'
      : names.length > 0
        ? `it exports ${names.join(', ')}`
        : 'it exports nothing';
    throw problem(path, `must export \`config\` (a BastionConfig); ${hint}`);
  }
  return loaded.config as BastionConfig;
}
