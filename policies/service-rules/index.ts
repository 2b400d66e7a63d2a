import { alarmMetricDocumented } from './alarm-metric-documented';
import { iamInlinePoliciesSize } from './iam-inline-policies-size';
import { iamTrustPolicySize } from './iam-trust-policy-size';
import { kmsKeyPolicySize } from './kms-key-policy-size';
import { logsResourcePolicySize } from './logs-resource-policy-size';
import { principalExistsAtApply } from './principal-exists-at-apply';
import { ServiceRule, ServiceRuleFinding, Subject } from './rule';
import { s3ActionAppliesToResource } from './s3-action-applies-to-resource';
import { s3BucketPolicySize } from './s3-bucket-policy-size';
import { s3ConditionKeyAppliesToAction } from './s3-condition-key-applies-to-action';
import { s3ResourceInBucket } from './s3-resource-in-bucket';

export * from './rule';
export { DOCUMENTED_METRICS } from './documented-metrics';

/** Every service rule, in the order the review lists them. */
export const SERVICE_RULES: readonly ServiceRule[] = [
  s3ActionAppliesToResource,
  s3ConditionKeyAppliesToAction,
  s3ResourceInBucket,
  s3BucketPolicySize,
  principalExistsAtApply,
  iamTrustPolicySize,
  iamInlinePoliciesSize,
  kmsKeyPolicySize,
  logsResourcePolicySize,
  alarmMetricDocumented,
];

/** Every rule on every subject it applies to; empty when AWS would accept all of them. */
export function checkServiceRules(
  subjects: readonly Subject[],
  rules: readonly ServiceRule[] = SERVICE_RULES,
): ServiceRuleFinding[] {
  return subjects.flatMap((subject) =>
    rules
      .filter((rule) => rule.appliesTo.includes(subject.kind))
      .flatMap((rule) =>
        rule.check(subject).map((problem) => ({ rule: rule.id, where: subject.where, problem })),
      ),
  );
}
