import type { BastionConfig } from '..';

/**
 * What the section checkers share: the problem type, the formats AWS accepts, and the checks
 * that more than one section needs (bucket names, principal ARNs, regions), written once.
 */

/** One broken rule: where in the config, the value found, and the rule it breaks. */
export interface ConfigProblem {
  readonly path: string;
  readonly value: unknown;
  readonly rule: string;
}

/** A checker of one config section: every problem of that section, in config order. */
export type SectionChecker = (config: BastionConfig) => ConfigProblem[];

export const problem = (path: string, value: unknown, rule: string): ConfigProblem => ({
  path,
  value,
  rule,
});

export const ACCOUNT_ID = /^\d{12}$/;
// Commercial (us-east-1), GovCloud (us-gov-west-1), China (cn-north-1), ISO (us-iso-east-1).
const REGION = /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d{1,2}$/;
export const PARTITIONS = ['aws', 'aws-cn', 'aws-us-gov'];
// An IAM role or user, with an optional path: arn:aws:iam::111111111111:role/path/name
export const PRINCIPAL_ARN = /^arn:([a-z-]+):iam::(\d{12}):(role|user)\/([\w+=,.@/-]{1,512})$/;

export const KMS_KEY_ARN = /^arn:([a-z-]+):kms:([a-z0-9-]+):(\d{12}):key\/[0-9a-f-]{36}$/;

export function isPositiveInteger(n: unknown): n is number {
  return typeof n === 'number' && Number.isInteger(n) && n > 0;
}

export const partitionOf = (config: BastionConfig) => config.partition ?? 'aws';

/**
 * The S3 general purpose bucket naming rules, each as its own message.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html
 */
export function bucketNameRuleViolations(name: string): string[] {
  const broken: string[] = [];
  if (name.length < 3 || name.length > 63) broken.push('must be 3 to 63 characters long');
  if (!/^[a-z0-9.-]*$/.test(name)) {
    broken.push('may hold only lowercase letters, digits, dots and hyphens');
  }
  if (!/^[a-z0-9]/.test(name) || !/[a-z0-9]$/.test(name)) {
    broken.push('must begin and end with a lowercase letter or a digit');
  }
  if (name.includes('..')) broken.push("must not contain two adjacent dots ('..')");
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(name)) {
    broken.push('must not be formatted as an IP address');
  }
  for (const prefix of ['xn--', 'sthree-', 'amzn-s3-demo-']) {
    if (name.startsWith(prefix)) broken.push(`must not begin with the reserved prefix '${prefix}'`);
  }
  for (const suffix of ['-s3alias', '--ol-s3', '.mrap', '--x-s3', '--table-s3']) {
    if (name.endsWith(suffix)) broken.push(`must not end with the reserved suffix '${suffix}'`);
  }
  return broken;
}

/** Every naming rule a bucket name breaks, as problems at `path`. */
export function bucketNameProblems(path: string, name: string): ConfigProblem[] {
  return bucketNameRuleViolations(name).map((rule) =>
    problem(path, name, `S3 bucket name ${rule}`),
  );
}

export function regionProblems(path: string, region: string): ConfigProblem[] {
  return REGION.test(region)
    ? []
    : [problem(path, region, 'must be an AWS region name such as us-east-1 or eu-central-1')];
}

/** An IAM role or user ARN in the configured partition. */
export function principalArnProblems(
  path: string,
  arn: string,
  partition: string,
): ConfigProblem[] {
  const m = PRINCIPAL_ARN.exec(arn);
  if (!m) {
    return [
      problem(
        path,
        arn,
        'must be an IAM role or user ARN: arn:<partition>:iam::<account>:role/<name>',
      ),
    ];
  }
  return m[1] === partition
    ? []
    : [problem(path, arn, `must be in the configured partition '${partition}'`)];
}
