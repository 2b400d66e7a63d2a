import { type ConfigProblem, problem, type SectionChecker } from './rules';

// https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html (RoleName)
const ROLE_NAME = /^[\w+=,.@-]{1,64}$/;

/** `roleNames`: valid IAM role names, all different. */
export const roleNameProblems: SectionChecker = (config) => {
  const problems: ConfigProblem[] = [];
  const seen = new Set<string>();
  for (const [key, name] of Object.entries(config.roleNames ?? {}) as [
    string,
    string | undefined,
  ][]) {
    if (name === undefined) continue;
    if (!ROLE_NAME.test(name)) {
      problems.push(
        problem(
          `roleNames.${key}`,
          name,
          'IAM role name must be 1 to 64 characters of letters, digits and +=,.@_-',
        ),
      );
    }
    if (seen.has(name)) {
      problems.push(problem(`roleNames.${key}`, name, 'must differ from the other role names'));
    }
    seen.add(name);
  }
  return problems;
};
