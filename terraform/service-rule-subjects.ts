import { AlarmMetric, Subject } from '../policies/service-rules';
import { SynthesizedStack, resolveName } from './synthesized';

/**
 * What each service receives when a synthesized stack is applied: bucket policies (S3), trust
 * and inline policies per role (IAM), key policies (KMS), and the metrics every alarm reads
 * (CloudWatch). The service rules run on these, not on the source that meant them.
 */
export function serviceRuleSubjectsOf(stack: SynthesizedStack): Subject[] {
  const resources = stack.json.resource ?? {};
  const where = (type: string, name: string) => `${stack.name} ${type}.${name}`;
  const subjects: Subject[] = [];
  for (const [name, r] of Object.entries(resources.aws_s3_bucket_policy ?? {})) {
    subjects.push({
      kind: 'bucket-policy',
      where: where('aws_s3_bucket_policy', name),
      bucket: resolveName(stack, r.bucket, 'aws_s3_bucket', 'id'),
      json: String(r.policy),
    });
  }
  for (const [name, r] of Object.entries(resources.aws_iam_role ?? {})) {
    subjects.push({
      kind: 'trust-policy',
      where: where('aws_iam_role', name),
      role: String(r.name),
      json: String(r.assume_role_policy),
    });
  }
  const inline = new Map<string, { where: string[]; policies: string[] }>();
  for (const [name, r] of Object.entries(resources.aws_iam_role_policy ?? {})) {
    const role = resolveName(stack, r.role, 'aws_iam_role', 'name');
    const entry = inline.get(role) ?? { where: [], policies: [] };
    entry.where.push(`aws_iam_role_policy.${name}`);
    entry.policies.push(String(r.policy));
    inline.set(role, entry);
  }
  for (const [role, entry] of inline) {
    subjects.push({
      kind: 'role-inline-policies',
      where: `${stack.name} ${entry.where.join(' + ')}`,
      role,
      policies: entry.policies,
    });
  }
  for (const [name, r] of Object.entries(resources.aws_kms_key ?? {})) {
    if (typeof r.policy === 'string') {
      subjects.push({ kind: 'key-policy', where: where('aws_kms_key', name), json: r.policy });
    }
  }
  for (const [name, r] of Object.entries(resources.aws_cloudwatch_log_resource_policy ?? {})) {
    if (typeof r.policy_document === 'string') {
      subjects.push({
        kind: 'log-resource-policy',
        where: where('aws_cloudwatch_log_resource_policy', name),
        json: r.policy_document,
      });
    }
  }
  for (const [name, r] of Object.entries(resources.aws_cloudwatch_metric_alarm ?? {})) {
    subjects.push({
      kind: 'alarm',
      where: where('aws_cloudwatch_metric_alarm', name),
      metrics: alarmMetrics(r),
    });
  }
  return subjects;
}

type Raw = Record<string, unknown>;

function metricOf(m: Raw): AlarmMetric {
  return {
    namespace: String(m.namespace),
    metricName: String(m.metric_name),
    dimensions: Object.keys((m.dimensions as Raw | undefined) ?? {}).sort(),
  };
}

/** The metric of a plain alarm, or every metric of a metric-math alarm. */
function alarmMetrics(alarm: Raw): AlarmMetric[] {
  if (alarm.metric_name !== undefined) return [metricOf(alarm)];
  return ((alarm.metric_query as Raw[] | undefined) ?? [])
    .map((q) => q.metric as Raw | undefined)
    .filter((m): m is Raw => m !== undefined)
    .map(metricOf);
}
