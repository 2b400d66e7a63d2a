import type { AlertsConfig } from '..';
import { type ConfigProblem, isPositiveInteger, problem, type SectionChecker } from './rules';

const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

/** Every numeric threshold of `alerts`: each must be a positive whole number where it is set. */
export const ALERT_THRESHOLD_KEYS = [
  'deleteMarkersPerHour',
  'newVersionsPerHour',
  'failedReplicationsPer15Minutes',
  'deleteMarkersPerDay',
  'deleteMarkersPerWeek',
  'newVersionsPerDay',
  'newVersionsPerWeek',
  'lifecycleDeletionsPerDay',
  'replicationLatencyMinutes',
] as const satisfies readonly (keyof AlertsConfig)[];

/** `alerts`: positive thresholds, the heartbeat's timing and key, email addresses. */
export const alertProblems: SectionChecker = (config) => {
  const alerts = config.alerts ?? {};
  const problems: ConfigProblem[] = [];
  for (const key of ALERT_THRESHOLD_KEYS) {
    const value = alerts[key];
    if (value !== undefined && !isPositiveInteger(value)) {
      problems.push(problem(`alerts.${key}`, value, 'must be a positive whole number'));
    }
  }
  problems.push(...heartbeatProblems(alerts.heartbeat ?? {}));
  (alerts.emailAddresses ?? []).forEach((address, i) => {
    if (!EMAIL.test(address)) {
      problems.push(
        problem(`alerts.emailAddresses[${i}]`, address, 'must be an email address (name@domain)'),
      );
    }
  });
  return problems;
};

/** `alerts.heartbeat`: a beat interval within a day, an alarm delay CloudWatch can evaluate. */
function heartbeatProblems(heartbeat: NonNullable<AlertsConfig['heartbeat']>): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const interval = heartbeat.intervalMinutes ?? 60;
  if (!isPositiveInteger(interval) || interval > 1440) {
    problems.push(
      problem(
        'alerts.heartbeat.intervalMinutes',
        heartbeat.intervalMinutes,
        'must be a whole number of minutes from 1 to 1440',
      ),
    );
  }
  const alarmAfter = heartbeat.alarmAfterMinutes;
  if (
    alarmAfter !== undefined &&
    (!isPositiveInteger(alarmAfter) || alarmAfter < 2 * interval || alarmAfter > 7 * 24 * 60)
  ) {
    problems.push(
      problem(
        'alerts.heartbeat.alarmAfterMinutes',
        alarmAfter,
        `must be a whole number of minutes from twice the interval (${2 * interval}) to 10080 (7 days, CloudWatch's longest alarm period): a beat takes minutes to replicate`,
      ),
    );
  }
  const key = heartbeat.key;
  if (key !== undefined && (key.length === 0 || key.startsWith('/') || key.length > 1024)) {
    problems.push(
      problem(
        'alerts.heartbeat.key',
        key,
        'must be an S3 object key of 1 to 1024 characters that does not start with /',
      ),
    );
  }
  return problems;
}
