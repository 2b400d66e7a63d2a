import { Watermark } from '../../../s3/engine/journal';

describe('Watermark', () => {
  it('advances only past keys whose every predecessor is done', () => {
    const watermark = new Watermark('start');
    const a = watermark.start('a');
    const b = watermark.start('b');
    const c = watermark.start('c');
    watermark.finish(b, true);
    expect(watermark.value).toBe('start');
    watermark.finish(a, true);
    expect(watermark.value).toBe('b');
    watermark.finish(c, true);
    expect(watermark.value).toBe('c');
  });

  it('stops before a failed key, so that a rerun retries it', () => {
    const watermark = new Watermark();
    const a = watermark.start('a');
    const b = watermark.start('b');
    const c = watermark.start('c');
    watermark.finish(a, true);
    watermark.finish(b, false);
    watermark.finish(c, true);
    expect(watermark.value).toBe('a');
  });
});
