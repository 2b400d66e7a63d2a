import { readFileSync } from 'node:fs';
import { InputError } from '../cli/errors';
import { MIN_NONCURRENT_VERSION_RETENTION_DAYS } from '../config/limits';

/**
 * The least a backup plan may keep. The backup team keeps this file out of the pull request's
 * reach (in their own repository or machine), so that a merged change cannot lower it.
 */
export interface Floor {
  /** No lifecycle rule of a backup bucket may expire noncurrent versions sooner than this. */
  readonly noncurrentVersionRetentionDays: number;
  /**
   * Every backup bucket must hold Object Lock with a default retention of at least this.
   * @default - Object Lock is not required; when a bucket has it, it may not be removed or shortened
   */
  readonly objectLockDays?: number;
}

/** Without `--floor`: the same minimum that config validation enforces without a reason. */
export const BUILT_IN_FLOOR: Floor = {
  noncurrentVersionRetentionDays: MIN_NONCURRENT_VERSION_RETENTION_DAYS,
};

export interface FloorProblem {
  readonly path: string;
  readonly value: unknown;
  readonly rule: string;
}

/** Every problem of a floor file at once (usage error, exit 2). */
export class FloorFileError extends InputError {
  constructor(
    readonly source: string,
    readonly problems: readonly FloorProblem[],
  ) {
    super(
      `${source} is not a valid floor file:\n` +
        problems.map((p) => `  - ${p.path} = ${JSON.stringify(p.value)}: ${p.rule}`).join('\n'),
    );
    this.name = 'FloorFileError';
  }
}

const KNOWN_KEYS = ['noncurrentVersionRetentionDays', 'objectLockDays'];

function isWholeDays(n: unknown): n is number {
  return typeof n === 'number' && Number.isInteger(n) && n >= 1;
}

export function parseFloor(text: string, source: string): Floor {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new FloorFileError(source, [
      { path: '(file)', value: text.slice(0, 40), rule: `must be JSON (${message})` },
    ]);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new FloorFileError(source, [
      { path: '(file)', value: parsed, rule: 'must be a JSON object' },
    ]);
  }
  const floor = parsed as Record<string, unknown>;
  const problems: FloorProblem[] = [];
  if (!isWholeDays(floor.noncurrentVersionRetentionDays)) {
    problems.push({
      path: 'noncurrentVersionRetentionDays',
      value: floor.noncurrentVersionRetentionDays,
      rule: 'is required: a whole number of days, at least 1',
    });
  }
  if (floor.objectLockDays !== undefined && !isWholeDays(floor.objectLockDays)) {
    problems.push({
      path: 'objectLockDays',
      value: floor.objectLockDays,
      rule: 'must be a whole number of days, at least 1, or left out',
    });
  }
  for (const key of Object.keys(floor)) {
    if (!KNOWN_KEYS.includes(key)) {
      problems.push({
        path: key,
        value: floor[key],
        rule: `unknown key (known: ${KNOWN_KEYS.join(', ')})`,
      });
    }
  }
  if (problems.length > 0) throw new FloorFileError(source, problems);
  return floor as unknown as Floor;
}

export function readFloorFile(path: string): Floor {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new FloorFileError(path, [
      { path: '(file)', value: path, rule: `cannot be read: ${message}` },
    ]);
  }
  return parseFloor(text, path);
}
