import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { gunzipBounded } from '../../src/secrets/carriedTexts.ts';
import { printableRuns, runsView } from '../../src/secrets/printableRuns.ts';

describe('printableRuns', () => {
  it.each([
    ['ASCII between control bytes', Buffer.from('\x01\x02hello world\x00ab\x7fshort\x03'), [[2, 'utf-8', 'hello world']]],
    ['valid UTF-8 counts characters; 0xFF ends a run', Buffer.concat([Buffer.from('\xff', 'latin1'), Buffer.from('héllo wörld'), Buffer.from([0xff])]), [[1, 'utf-8', 'héllo wörld']]],
    ['a C1 control and U+2028 end a run (secretlint breaks lines there)', Buffer.from('abcdefgh\u0085ijklmnop\u2028qrstuvwx'), [[0, 'utf-8', 'abcdefgh'], [10, 'utf-8', 'ijklmnop'], [21, 'utf-8', 'qrstuvwx']]],
    ['an overlong form or a surrogate is no UTF-8', Buffer.concat([Buffer.from('abcdefgh'), Buffer.from([0xc0, 0xaf, 0xed, 0xa0, 0x80]), Buffer.from('ijklmnop')]), [[0, 'utf-8', 'abcdefgh'], [13, 'utf-8', 'ijklmnop']]],
    ['little-endian UTF-16 at an odd offset', Buffer.concat([Buffer.from([0xff]), Buffer.from('utf16 text', 'utf16le'), Buffer.from([0xff])]), [[1, 'utf-16le', 'utf16 text']]],
  ])('%s', (_, bytes, expected) => {
    expect(printableRuns(bytes).map(r => [r.offset, r.encoding, r.text])).toEqual(expected);
  });

  it('runsView puts each run on its line and maps a column back to its byte', () => {
    const view = runsView(printableRuns(Buffer.from('\x01héllo wörld\x02second line\x03')));
    expect(view.text).toBe('héllo wörld\nsecond line');
    expect(view.at(1, 9).byte).toBe(1 + Buffer.byteLength('héllo wö'));
    expect(view.at(2, 1).byte).toBe(2 + Buffer.byteLength('héllo wörld'));
  });
});

describe('gunzipBounded', () => {
  it('reads member after member, ignores trailing bytes, and stops at the bound', () => {
    expect(gunzipBounded(Buffer.concat([gzipSync('a\n'), gzipSync('b\n'), Buffer.from('junk')]), 100)).toEqual({ data: Buffer.from('a\nb\n'), over: false });
    const truncated = gzipSync('abcdefghijklmnopqrstuvwxyz'.repeat(10));
    expect(gunzipBounded(truncated.subarray(0, truncated.length - 8), 1000).data.toString()).toBe('abcdefghijklmnopqrstuvwxyz'.repeat(10));
    const bomb = gunzipBounded(gzipSync(Buffer.alloc(1_000_000)), 1000);
    expect(bomb.over).toBe(true);
    expect(bomb.data.length).toBeLessThanOrEqual(1000);
  });
});
