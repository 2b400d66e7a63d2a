import { byteSizeFlag, bucketFlag, positiveIntegerFlag } from '../../cli/args';

describe('arguments', () => {
  it('parses sizes, counts and bucket names strictly', () => {
    expect(byteSizeFlag('5GiB', 'x', 0)).toBe(5 * 1024 ** 3);
    expect(byteSizeFlag('8MB', 'x', 0)).toBe(8_000_000);
    expect(() => byteSizeFlag('lots', 'x', 0)).toThrow('--x must be a size');
    expect(() => positiveIntegerFlag('0', 'concurrency', 1)).toThrow(
      '--concurrency must be a positive',
    );
    expect(bucketFlag('s3://my-bucket/', 'source')).toBe('my-bucket');
    expect(() => bucketFlag('My_Bucket', 'source')).toThrow(
      "--source 'My_Bucket' is not an S3 bucket name",
    );
  });
});
