import { ConditionBlock } from './document';

/** Conditions shared by several documents, named by what they require. */

/** The request is made by exactly this principal (role ARN), whatever session name it uses. */
export function principalIs(...arns: string[]): ConditionBlock {
  return { ArnEquals: { 'aws:PrincipalArn': arns } };
}

/**
 * Confused-deputy protection for a service principal: the service acts for this account, and for
 * these resources only when given.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html
 */
export function onBehalfOf(accountId: string, sourceArns?: readonly string[]): ConditionBlock {
  return {
    StringEquals: { 'aws:SourceAccount': accountId },
    ...(sourceArns ? { ArnLike: { 'aws:SourceArn': sourceArns } } : {}),
  };
}
