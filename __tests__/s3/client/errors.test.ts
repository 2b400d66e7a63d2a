import { describeS3Error, isFatalForRun } from '../../../s3/client/errors';
import { s3Error } from '../../support/s3-error';

describe('S3 errors', () => {
  it('names the action denied, the region to use and the missing bucket in one line', () => {
    const op = { action: 's3:ListBucket', bucket: 'b' };
    expect(describeS3Error(s3Error('AccessDenied', 403), op)).toMatch(
      /^AccessDenied: .*s3:ListBucket on s3:\/\/b/,
    );
    const redirect = Object.assign(s3Error('PermanentRedirect', 301), {
      $response: { headers: { 'x-amz-bucket-region': 'eu-west-1' } },
    });
    // The flag to correct is the command's: the CLI runtime adds it (__tests__/cli/runtime.test.ts).
    expect(describeS3Error(redirect, op)).toBe(
      "WrongRegion: bucket 'b' is in eu-west-1, not in the region the request was signed for (PermanentRedirect, s3:ListBucket on s3://b)",
    );
    // S3's regional endpoints answer 400 with the region in the body, not in a header.
    const malformed = Object.assign(s3Error('AuthorizationHeaderMalformed', 400), {
      Region: 'eu-central-1',
    });
    expect(describeS3Error(malformed, op)).toMatch(/^WrongRegion: bucket 'b' is in eu-central-1/);
    expect(describeS3Error(s3Error('NoSuchBucket', 404), op)).toMatch(/bucket 'b' does not exist/);
    expect(isFatalForRun(redirect)).toBe(true);
    expect(describeS3Error(s3Error('NoSuchBucket', 404), op).split('\n')).toHaveLength(1);
  });
});
