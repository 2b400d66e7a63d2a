import { assumedRoleCredentials } from '../../../s3/client/clients';
import { withEnv } from '../../support/cli-harness';
import { type RecordedAws, startRecordedAws } from '../../support/recorded-aws';

/**
 * The run's assumed-role credentials (the SDK's fromTemporaryCredentials, memoized): one
 * sts:AssumeRole for every client and request of a run until the session nears its expiry, and
 * STS's own error when the role may not be assumed. STS answers from recorded AWS responses
 * (the local RGW serves no STS).
 */

const ROLE = 'arn:aws:iam::111111111111:role/backfill';
const base = () => Promise.resolve({ accessKeyId: 'AKIDBASE', secretAccessKey: 'base-secret' });

let aws: RecordedAws;

beforeAll(async () => {
  aws = await startRecordedAws({
    identities: { AKIDBASE: { account: '111111111111', arn: 'arn:aws:iam::111111111111:user/op' } },
    roles: { [ROLE]: { accessKeyId: 'ASIAROLE', secretAccessKey: 'role-secret' } },
  });
});

afterAll(async () => {
  await aws.close();
});

const inRecordedAws = <T>(body: () => Promise<T>) =>
  withEnv({ AWS_ENDPOINT_URL_STS: aws.url }, body);

describe('assumedRoleCredentials', () => {
  it('assumes the role once for many concurrent and later requests', async () => {
    aws.calls.length = 0;
    const credentials = assumedRoleCredentials(ROLE, 'us-east-1', { baseCredentials: base });
    const identities = await inRecordedAws(async () => {
      const first = await Promise.all([credentials(), credentials(), credentials()]);
      return [...first, await credentials()];
    });
    expect(identities.map((identity) => identity.accessKeyId)).toEqual(Array(4).fill('ASIAROLE'));
    expect(identities[0].expiration?.getTime()).toBeGreaterThan(Date.now() + 3_000_000);
    expect(aws.calls.filter((call) => call === 'sts:AssumeRole')).toHaveLength(1);
  });

  it("rejects with STS's error when the role may not be assumed", async () => {
    const credentials = assumedRoleCredentials(`${ROLE}-other`, 'us-east-1', {
      baseCredentials: base,
    });
    await expect(inRecordedAws(() => credentials())).rejects.toMatchObject({
      name: 'AccessDenied',
    });
  });
});
