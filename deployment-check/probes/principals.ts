/**
 * Whether the caller of sts:GetCallerIdentity is one of the principal ARNs of a trust policy. An
 * assumed-role caller (`arn:aws:sts::<account>:assumed-role/<name>/<session>`) is its role
 * (`arn:aws:iam::<account>:role/<path/><name>`):
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html#identifiers-arns
 */
export function callerIsOneOf(callerArn: string, principalArns: readonly string[]): boolean {
  const assumed = /^arn:([^:]+):sts::(\d{12}):assumed-role\/([^/]+)\//.exec(callerArn);
  return principalArns.some((principal) => {
    if (principal === callerArn) return true;
    if (assumed === null) return false;
    const role = /^arn:([^:]+):iam::(\d{12}):role\/(?:.*\/)?([^/]+)$/.exec(principal);
    return (
      role !== null && role[1] === assumed[1] && role[2] === assumed[2] && role[3] === assumed[3]
    );
  });
}
