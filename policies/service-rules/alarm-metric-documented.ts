import { DOCUMENTED_METRICS } from './documented-metrics';
import { ServiceRule, Subject } from './rule';

const sameSet = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && [...a].sort().join('\u0000') === [...b].sort().join('\u0000');

/**
 * Every metric an alarm reads must be one that AWS documents as published, with exactly one of
 * its documented dimension sets (see documented-metrics.ts, one page per row). CloudWatch accepts
 * an alarm on any name; one on a metric that is never published never fires.
 */
export const alarmMetricDocumented: ServiceRule = {
  id: 'AlarmMetricDocumented',
  summary:
    'An alarm must read a metric AWS documents as published, with one of its documented dimension sets',
  page: 'https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/AlarmThatSendsEmail.html',
  appliesTo: ['alarm'],
  check(subject: Subject): string[] {
    if (subject.kind !== 'alarm') return [];
    return subject.metrics.flatMap((m) => {
      const rows = DOCUMENTED_METRICS.filter(
        (d) => d.namespace === m.namespace && d.metricName === m.metricName,
      );
      const what = `${m.namespace} ${m.metricName} [${m.dimensions.join(', ')}]`;
      if (rows.length === 0) return [`${what}: not in the table of documented metrics`];
      if (!rows.some((d) => d.dimensionSets.some((set) => sameSet(set, m.dimensions)))) {
        return [
          `${what}: AWS publishes it with ${rows
            .flatMap((d) => d.dimensionSets.map((set) => `[${set.join(', ')}]`))
            .join(' or ')} only (${rows[0].page})`,
        ];
      }
      return [];
    });
  },
  examples: {
    compliant: {
      kind: 'alarm',
      where: 'example',
      metrics: [
        { namespace: 'AWS/Events', metricName: 'TriggeredRules', dimensions: ['RuleName'] },
      ],
    },
    nonCompliant: {
      kind: 'alarm',
      where: 'example',
      metrics: [{ namespace: 'AWS/Events', metricName: 'MatchedEvents', dimensions: ['RuleName'] }],
    },
  },
};
