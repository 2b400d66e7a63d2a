import { PlanJson, PlanSummary, TerraformWorkspace, ValidateResult } from './workspace';
import { synthesizedStackFiles } from './synth';
import { CommandFailedError } from '../cli/errors';

/** One stack's offline run: validate, plan and the plan as JSON. */
export interface OfflineStackResult {
  readonly stack: string;
  readonly validate: ValidateResult;
  readonly summary: PlanSummary;
  readonly plan: PlanJson;
}

/**
 * For each stack synthesized in `outdir`: copy it into the workspace with the offline override,
 * then terraform init, validate (errors fail), plan and show -json. Stacks run one after the other:
 * each provider process takes most of a core while it loads its schema.
 */
export async function planOffline(
  outdir: string,
  workspace: TerraformWorkspace,
  options: {
    onStack?: (result: OfflineStackResult) => void;
    /** Appended to each stack's directory name, to plan two syntheses in one workspace. */
    dirSuffix?: string;
  } = {},
): Promise<OfflineStackResult[]> {
  const results: OfflineStackResult[] = [];
  for (const { name, file } of synthesizedStackFiles(outdir)) {
    const stack = workspace.addStack(`${name}${options.dirSuffix ?? ''}`, [file], {
      offline: true,
    });
    await stack.init();
    const validate = await stack.validate();
    if (!validate.valid) {
      throw new CommandFailedError(
        `terraform validate rejects stack ${name}:\n${validate.diagnostics
          .map((d) => `  ${d.severity}: ${d.summary}${d.detail ? ` (${d.detail})` : ''}`)
          .join('\n')}`,
      );
    }
    const summary = await stack.plan();
    const plan = await stack.show();
    const result = { stack: name, validate, summary, plan };
    options.onStack?.(result);
    results.push(result);
  }
  return results;
}
