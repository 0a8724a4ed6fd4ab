import { describe, expect, it } from 'vitest';
import { contentHash } from '../../src/cache/resultCache.ts';
import { sourceText, textHash } from '../../src/load/readSource.ts';

describe('textHash', () => {
  // The reader thread hashes bytes; the cache keys files by their decoded text: both must agree.
  it.each([
    ['plain', Buffer.from('apiVersion: backstage.io/v1alpha1\nkind: Component\n')],
    ['a UTF-8 byte-order mark', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('kind: Group\n')])],
    ['two byte-order marks (only the first is dropped)', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf, 0xef, 0xbb, 0xbf]), Buffer.from('kind: Group\n')])],
    ['multi-byte characters and CRLF', Buffer.from('name: café-ü-日本-😀\r\ndescription: "ß"\r\n')],
    ['empty', Buffer.alloc(0)],
  ])('equals the cache\'s hash of the decoded text: %s', (_name, bytes) => {
    const read = sourceText({ bytes }, 'x.yaml', 1 << 20);
    expect('text' in read && contentHash(read.text)).toBe(textHash(bytes));
  });
});
