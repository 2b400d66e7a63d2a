import { DEFAULT_COPY_CONCURRENCY, parseCopySettings } from '../../cli/copy-settings';

/** The copy flags that backfill and restore share; no request is sent by parsing them. */
describe('parseCopySettings', () => {
  const base = { region: 'us-east-1', 'endpoint-url': 'http://127.0.0.1:1', acl: 'none' };

  it('defaults to 128 copies in flight, the 5 GiB single-copy limit and 512 MiB parts', () => {
    const settings = parseCopySettings(base);
    expect(settings.concurrency).toBe(DEFAULT_COPY_CONCURRENCY);
    expect(settings.multipartThresholdBytes).toBe(5 * 1024 ** 3);
    expect(settings.partSizeBytes).toBe(512 * 1024 ** 2);
    expect(settings.acl).toBe('none');
    expect(settings.copyObject).toBeDefined();
  });

  it('uses the SDK for single copies with --sdk-copy', () => {
    expect(parseCopySettings({ ...base, 'sdk-copy': true }).copyObject).toBeUndefined();
  });

  it.each([
    [
      { acl: 'public-read' },
      /--acl must be 'bucket-owner-full-control' or 'none', got 'public-read'/,
    ],
    [{ concurrency: '0' }, /--concurrency must be a positive whole number, got '0'/],
    [{ 'multipart-threshold': '6GiB' }, /--multipart-threshold cannot exceed 5GiB/],
  ])('rejects %p naming the flag and the rule', (flags, message) => {
    expect(() => parseCopySettings({ ...base, ...flags })).toThrow(message);
  });
});
