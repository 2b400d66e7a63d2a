import { runSimulation } from '@cloud-copilot/iam-simulate';
import { exampleConfig } from '../../config';
import { roleArn } from '../../policies/arns';
import { PolicyDocument } from '../../policies/document';
import { ADMIN_POLICY } from '../../review/actors';
import { synthesizedDocuments } from './synthesized-example';

/** Who may assume each role, and where the restore role may write: evaluated on cdktf.out. */
const documents = synthesizedDocuments();
const doc = (kind: string, owner: string): PolicyDocument =>
  documents.find((d) => d.kind === kind && d.owner === owner)!.document;

async function decide(input: {
  principal: string;
  action: string;
  resource: string;
  resourceAccount: string;
  identity?: PolicyDocument;
  resourcePolicy?: PolicyDocument;
  context: Record<string, string>;
}): Promise<string> {
  const response = await runSimulation(
    {
      request: {
        principal: input.principal,
        action: input.action,
        resource: { resource: input.resource, accountId: input.resourceAccount },
        contextVariables: { 'aws:SecureTransport': 'true', ...input.context },
      },
      identityPolicies: input.identity ? [{ name: 'identity', policy: input.identity }] : [],
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      resourcePolicy: input.resourcePolicy,
    },
    {},
  );
  if (response.resultType === 'error') throw new Error(JSON.stringify(response.errors));
  return response.overallResult;
}

const primary = exampleConfig.primary.accountId;
const backup = exampleConfig.backup.accountId;

describe('trust policies', () => {
  const assumeByS3 = (sourceAccount: string, sourceArn: string) =>
    decide({
      principal: 's3.amazonaws.com',
      action: 'sts:AssumeRole',
      resource: roleArn(exampleConfig, 'replication'),
      resourceAccount: primary,
      resourcePolicy: doc('trust-policy', 's3-bastion-replication'),
      context: { 'aws:SourceAccount': sourceAccount, 'aws:SourceArn': sourceArn },
    });

  it('let S3 assume the replication role only for the source buckets of the primary account', async () => {
    expect(await assumeByS3(primary, 'arn:aws:s3:::example-prod-assets')).toBe('Allowed');
    expect(await assumeByS3(primary, 'arn:aws:s3:::someone-elses-bucket')).not.toBe('Allowed');
    expect(await assumeByS3('999999999999', 'arn:aws:s3:::example-prod-assets')).not.toBe(
      'Allowed',
    );
  });

  it('let only the configured principals assume the backfill role, not a primary admin', async () => {
    const assume = (principal: string, identity?: PolicyDocument) =>
      decide({
        principal,
        action: 'sts:AssumeRole',
        resource: roleArn(exampleConfig, 'backfill'),
        resourceAccount: primary,
        identity,
        resourcePolicy: doc('trust-policy', 's3-bastion-backfill'),
        context: { 'aws:PrincipalArn': principal, 'aws:PrincipalAccount': primary },
      });
    const operator = exampleConfig.backfillPrincipalArns[0];
    const allowAssume: PolicyDocument = {
      Version: '2012-10-17',
      Statement: [{ Sid: 'Assume', Effect: 'Allow', Action: ['sts:AssumeRole'], Resource: ['*'] }],
    };
    expect(await assume(operator, allowAssume)).toBe('Allowed');
    // The admin's Allow * does not help: the trust policy does not name it.
    expect(await assume(`arn:aws:iam::${primary}:role/primary-account-admin`, ADMIN_POLICY)).toBe(
      'ImplicitlyDenied',
    );
  });

  it('let S3 Batch Operations assume the batch role only for jobs of the primary account', async () => {
    const assume = (sourceAccount: string) =>
      decide({
        principal: 'batchoperations.s3.amazonaws.com',
        action: 'sts:AssumeRole',
        resource: roleArn(exampleConfig, 'batchReplication'),
        resourceAccount: primary,
        resourcePolicy: doc('trust-policy', 's3-bastion-batch-replication'),
        context: {
          'aws:SourceAccount': sourceAccount,
          'aws:SourceArn': `arn:aws:s3:us-east-1:${sourceAccount}:job/abc`,
        },
      });
    expect(await assume(primary)).toBe('Allowed');
    expect(await assume('999999999999')).not.toBe('Allowed');
  });
});

describe('the restore role on its restore target', () => {
  const onTarget = (action: string) =>
    decide({
      principal: `arn:aws:sts::${backup}:assumed-role/s3-bastion-restore/s`,
      action,
      resource: 'arn:aws:s3:::example-restore-staging/restored/key',
      resourceAccount: backup,
      identity: doc('role-policy', 's3-bastion-restore'),
      context: {
        'aws:PrincipalArn': roleArn(exampleConfig, 'restore'),
        'aws:PrincipalAccount': backup,
      },
    });

  it('writes restored objects, and deletes nothing', async () => {
    expect(await onTarget('s3:PutObject')).toBe('Allowed');
    expect(await onTarget('s3:DeleteObject')).toBe('ImplicitlyDenied');
  });
});
