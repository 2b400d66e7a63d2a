import { BastionConfig } from '../config';
import { ConfigValidationError, validateConfig } from '../config/validate';
import { EXIT_INCOMPLETE, EXIT_OK, EXIT_USAGE, type Output } from '../cli/runtime';
import { BUILT_IN_FLOOR, FloorFileError, readFloorFile } from './floor';
import { formatRefusal, guardPlan } from './guard';
import { NotAPlanError, readPlanFile } from './plan-file';

export interface GuardOptions {
  readonly planPath: string;
  readonly floorPath?: string;
  readonly config: BastionConfig;
}

/**
 * `npm run guard`: one line per reason and exit 1 when the plan weakens a backup bucket, one
 * summary line and exit 0 when it is safe, exit 2 when the inputs are not what was asked.
 */
export async function runGuard(options: GuardOptions, output: Output): Promise<number> {
  let inputs;
  try {
    validateConfig(options.config);
    inputs = {
      plan: readPlanFile(options.planPath),
      floor: options.floorPath !== undefined ? readFloorFile(options.floorPath) : BUILT_IN_FLOOR,
    };
  } catch (error) {
    if (
      error instanceof NotAPlanError ||
      error instanceof FloorFileError ||
      error instanceof ConfigValidationError
    ) {
      output.stderr.write(`guard: ${error.message}\n`);
      return EXIT_USAGE;
    }
    throw error;
  }
  const result = await guardPlan(inputs.plan, options.config, inputs.floor);
  for (const refusal of result.refusals) output.stdout.write(`${formatRefusal(refusal)}\n`);
  output.stdout.write(`guard: ${result.summary}\n`);
  return result.refusals.length === 0 ? EXIT_OK : EXIT_INCOMPLETE;
}
