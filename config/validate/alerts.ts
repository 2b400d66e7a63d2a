import { type ConfigProblem, isPositiveInteger, problem, type SectionChecker } from './rules';

const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

/** `alerts`: positive thresholds, email addresses. */
export const alertProblems: SectionChecker = (config) => {
  const alerts = config.alerts ?? {};
  const problems: ConfigProblem[] = [];
  for (const key of [
    'deleteMarkersPerHour',
    'newVersionsPerHour',
    'failedReplicationsPer15Minutes',
  ] as const) {
    const value = alerts[key];
    if (value !== undefined && !isPositiveInteger(value)) {
      problems.push(problem(`alerts.${key}`, value, 'must be a positive whole number'));
    }
  }
  (alerts.emailAddresses ?? []).forEach((address, i) => {
    if (!EMAIL.test(address)) {
      problems.push(
        problem(`alerts.emailAddresses[${i}]`, address, 'must be an email address (name@domain)'),
      );
    }
  });
  return problems;
};
