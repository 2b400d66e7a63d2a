import {
  partitionOf,
  PRINCIPAL_ARN,
  principalArnProblems,
  problem,
  type SectionChecker,
} from './rules';

/** `backfillPrincipalArns`: at least one role or user ARN. */
export const backfillPrincipalProblems: SectionChecker = (config) => [
  ...(config.backfillPrincipalArns.length === 0
    ? [
        problem(
          'backfillPrincipalArns',
          [],
          'must name at least one principal that may run the backfill',
        ),
      ]
    : []),
  ...config.backfillPrincipalArns.flatMap((arn, i) =>
    principalArnProblems(`backfillPrincipalArns[${i}]`, arn, partitionOf(config)),
  ),
];

/** `restorePrincipalArns`: role or user ARNs, none of the primary account. */
export const restorePrincipalProblems: SectionChecker = (config) =>
  (config.restorePrincipalArns ?? []).flatMap((arn, i) => [
    ...principalArnProblems(`restorePrincipalArns[${i}]`, arn, partitionOf(config)),
    ...(PRINCIPAL_ARN.exec(arn)?.[2] === config.primary.accountId
      ? [
          problem(
            `restorePrincipalArns[${i}]`,
            arn,
            'must not be a primary-account principal: the restore role reads the whole backup',
          ),
        ]
      : []),
  ]);
