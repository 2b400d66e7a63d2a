import { exampleConfig } from '../../config';
import { BATCH_RESTORE_PREFIX, roleArn, roleName } from '../../policies/arns';
import { type Actor } from '../../review/actors';
import { evaluate } from '../../review/evaluate';
import { s3ActionCatalog } from '../../review/s3-actions';
import { synthesizedDocuments } from './synthesized-example';

/**
 * The batch-restore role (restore --engine batch), read back from the synthesized backup stack and
 * evaluated on every S3 action that takes a bucket or an object: it reads versions of the backup
 * buckets, writes only to the restore targets (and its manifests and reports there), never to a
 * backup bucket. https://docs.aws.amazon.com/AmazonS3/latest/userguide/batch-ops-iam-role-policies.html
 */
const backupAccount = exampleConfig.backup.accountId;
const backupBucket = exampleConfig.sourceBuckets[0].backupBucketName;
const target = (exampleConfig.restoreTargetBucketNames ?? [])[0];

let actor: Actor;
let backupBucketPolicy: import('../../policies/document').PolicyDocument;
beforeAll(() => {
  const documents = synthesizedDocuments();
  const policy = documents.find(
    (d) => d.kind === 'role-policy' && d.owner === roleName(exampleConfig, 'batchRestore'),
  );
  const bucketPolicy = documents.find(
    (d) => d.kind === 'bucket-policy' && d.owner === backupBucket,
  );
  if (policy === undefined || bucketPolicy === undefined) throw new Error('not synthesized');
  backupBucketPolicy = bucketPolicy.document;
  actor = {
    id: 'restore-role',
    label: 'batch-restore role',
    side: 'backup',
    principal: `arn:aws:sts::${backupAccount}:assumed-role/${roleName(exampleConfig, 'batchRestore')}/s3-batch-operations`,
    principalArn: roleArn(exampleConfig, 'batchRestore'),
    principalAccount: backupAccount,
    identityPolicies: [{ name: 'batch-restore', policy: policy.document }],
  };
});

async function allowedOn(
  bucket: string,
  key: string,
  withBucketPolicy: boolean,
): Promise<string[]> {
  const catalog = await s3ActionCatalog();
  const allowed: string[] = [];
  for (const a of catalog.evaluated) {
    const resource =
      a.target === 'bucket' ? `arn:aws:s3:::${bucket}` : `arn:aws:s3:::${bucket}/${key}`;
    const decision = await evaluate({
      actor,
      action: a.action,
      resource,
      resourceAccount: backupAccount,
      resourcePolicy: withBucketPolicy ? backupBucketPolicy : undefined,
      secureTransport: true,
      context: {},
    });
    if (decision.result === 'Allowed') allowed.push(`${a.target} ${a.action}`);
  }
  return allowed.sort();
}

describe('the batch-restore role', () => {
  it('only reads object versions of a backup bucket', async () => {
    expect(await allowedOn(backupBucket, 'some/key', true)).toEqual([
      'object s3:GetObject',
      'object s3:GetObjectTagging',
      'object s3:GetObjectVersion',
      'object s3:GetObjectVersionTagging',
    ]);
  });

  it('writes objects and tags to a restore target, and reads only its own manifests there', async () => {
    expect(await allowedOn(target, 'restored/key', false)).toEqual([
      'bucket s3:GetBucketLocation',
      'object s3:PutObject',
      'object s3:PutObjectTagging',
    ]);
    expect(await allowedOn(target, `${BATCH_RESTORE_PREFIX}run/manifest.csv`, false)).toEqual([
      'bucket s3:GetBucketLocation',
      'object s3:GetObject',
      'object s3:GetObjectVersion',
      'object s3:PutObject',
      'object s3:PutObjectTagging',
    ]);
  });

  it('may do nothing on a bucket that is neither', async () => {
    expect(await allowedOn('some-other-bucket', 'k', false)).toEqual([]);
  });
});
