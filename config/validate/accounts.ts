import {
  ACCOUNT_ID,
  type ConfigProblem,
  PARTITIONS,
  partitionOf,
  principalArnProblems,
  problem,
  type SectionChecker,
} from './rules';

/** `partition`: one of the AWS partitions. */
export const partitionProblems: SectionChecker = (config) => {
  const partition = partitionOf(config);
  return PARTITIONS.includes(partition)
    ? []
    : [problem('partition', partition, `must be one of ${PARTITIONS.join(', ')}`)];
};

/** `primary` and `backup`: two distinct 12-digit accounts, optional deploy roles. */
export const accountProblems: SectionChecker = (config) => {
  const problems: ConfigProblem[] = [];
  for (const side of ['primary', 'backup'] as const) {
    const account = config[side];
    if (!ACCOUNT_ID.test(account.accountId)) {
      problems.push(problem(`${side}.accountId`, account.accountId, 'must be exactly 12 digits'));
    }
    if (account.deployRoleArn !== undefined) {
      problems.push(
        ...principalArnProblems(
          `${side}.deployRoleArn`,
          account.deployRoleArn,
          partitionOf(config),
        ),
      );
    }
  }
  if (config.primary.accountId === config.backup.accountId) {
    problems.push(
      problem(
        'backup.accountId',
        config.backup.accountId,
        'must differ from primary.accountId: the backup must live in a second account that primary admins do not control',
      ),
    );
  }
  return problems;
};
