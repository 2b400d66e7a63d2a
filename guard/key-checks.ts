import { BastionConfig } from '../config';
import { partitionOf } from '../policies/arns';
import { Actor } from '../review/actors';
import { evaluate } from '../review/evaluate';
import { Refusal } from './bucket-checks';
import { PlanIndex, isDelete, isReplace, remaining } from './plan-index';
import { parsePolicy } from './policy-checks';

/**
 * What would make every SSE-KMS replica unreadable or hand the key over: only the backup
 * account's own principals may do these (key policy), and the key has prevent_destroy. A grant
 * hands the key's use to whoever it names; Decrypt outside S3 (no kms:ViaService) reads any data
 * key of the backups directly.
 * https://docs.aws.amazon.com/kms/latest/developerguide/grants.html
 * https://docs.aws.amazon.com/kms/latest/developerguide/deleting-keys.html
 * https://docs.aws.amazon.com/kms/latest/developerguide/enabling-keys.html
 * https://docs.aws.amazon.com/service-authorization/latest/reference/list_awskeymanagementservice.html
 */
export const KEY_DESTRUCTIVE_ACTIONS = [
  'kms:ScheduleKeyDeletion',
  'kms:DisableKey',
  'kms:PutKeyPolicy',
  'kms:DeleteImportedKeyMaterial',
  'kms:CreateGrant',
  'kms:Decrypt',
] as const;

/** Every aws_kms_key and aws_kms_alias of the plan: the backup stack's only key is the replica key. */
export async function keyRefusals(
  index: PlanIndex,
  config: BastionConfig,
  actors: readonly Actor[],
): Promise<Refusal[]> {
  const refusals: Refusal[] = [];
  const outsiders = actors.filter((a) => a.side !== 'backup');
  for (const key of index.ofType('aws_kms_key')) {
    if (isDelete(key)) {
      refusals.push({
        address: key.address,
        reason: `the replica KMS key is ${isReplace(key) ? 'replaced' : 'destroyed'}: its deletion leaves every SSE-KMS replica unreadable`,
      });
      continue;
    }
    const after = remaining(key);
    if (after?.is_enabled === false) {
      refusals.push({
        address: key.address,
        reason: 'the replica KMS key is disabled: SSE-KMS replicas become unreadable',
      });
    }
    const policy = parsePolicy(after?.policy);
    if (!policy) {
      refusals.push({
        address: key.address,
        reason:
          'the replica key policy is not known before apply (or not JSON): it cannot be checked',
      });
      continue;
    }
    const keyArn = `arn:${partitionOf(config)}:kms:us-east-1:${config.backup.accountId}:key/00000000-0000-0000-0000-000000000000`;
    for (const actor of outsiders) {
      for (const action of KEY_DESTRUCTIVE_ACTIONS) {
        const decision = await evaluate({
          actor,
          action,
          resource: keyArn,
          resourceAccount: config.backup.accountId,
          resourcePolicy: policy,
          secureTransport: true,
          context: {},
        });
        if (decision.result === 'Allowed') {
          refusals.push({
            address: key.address,
            reason: `the replica key policy lets ${actor.label} call ${action}`,
          });
        }
      }
    }
  }
  for (const alias of index.ofType('aws_kms_alias')) {
    if (isDelete(alias)) {
      refusals.push({
        address: alias.address,
        reason:
          'the replica key alias is destroyed: replication of SSE-KMS objects names it and fails without it',
      });
    }
  }
  return refusals;
}
