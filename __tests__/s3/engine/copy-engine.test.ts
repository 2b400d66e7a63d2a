import { copySourceHeader } from '../../../s3/engine/copy-engine';

describe('copy source header', () => {
  it('encodes copy sources but keeps the slashes, and adds the version', () => {
    expect(copySourceHeader('b', 'a b/c+%?#é')).toBe('b/a%20b/c%2B%25%3F%23%C3%A9');
    expect(copySourceHeader('b', 'k', 'v 1')).toBe('b/k?versionId=v%201');
  });
});
