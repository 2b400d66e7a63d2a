import { planStacks } from '../../stacks/topology';
import { type ConfigProblem, problem, type SectionChecker } from './rules';

const WORKSPACE_NAME = /^[A-Za-z0-9_-]{1,90}$/;

/** `terraformCloud`: an organization name, workspaces keyed by this config's stacks. */
export const terraformCloudProblems: SectionChecker = (config) => {
  const cloud = config.terraformCloud;
  if (cloud === undefined) return [];
  const problems: ConfigProblem[] = [];
  if (!/^[A-Za-z0-9_-]{1,}$/.test(cloud.organization)) {
    problems.push(
      problem(
        'terraformCloud.organization',
        cloud.organization,
        'must be a Terraform Cloud organization name (letters, digits, _ and -)',
      ),
    );
  }
  const stackNames = Object.values(planStacks(config))
    .flat()
    .map((p) => p.name);
  for (const [stack, name] of Object.entries(cloud.workspaceNames ?? {})) {
    const at = `terraformCloud.workspaceNames.${stack}`;
    if (!stackNames.includes(stack)) {
      problems.push(
        problem(at, name, `must be keyed by a stack of this config (${stackNames.join(', ')})`),
      );
    }
    if (!WORKSPACE_NAME.test(name)) {
      problems.push(problem(at, name, 'workspace name must be 1 to 90 letters, digits, _ or -'));
    }
  }
  if (cloud.workspacePrefix !== undefined && !/^[A-Za-z0-9_-]*$/.test(cloud.workspacePrefix)) {
    problems.push(
      problem(
        'terraformCloud.workspacePrefix',
        cloud.workspacePrefix,
        'may hold only letters, digits, _ and -',
      ),
    );
  }
  return problems;
};
