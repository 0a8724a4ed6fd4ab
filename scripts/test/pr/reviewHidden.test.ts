import { describe, expect, it } from 'vitest';
import { gitattributesLines } from '../../src/pr/gitattributesLines.ts';
import { reviewHidden } from '../../src/pr/reviewHidden.ts';

const where = (head: string, base?: string, file = 'skeletons/x/.gitattributes', top: { base?: string; head?: string } = {}) =>
  reviewHidden([{ file, head, ...(base === undefined ? {} : { base }) }], top).map(d => `${d.range.start.line}:${d.range.start.column}`);

describe('review-hidden: .gitattributes lines that fold diffs away in review', () => {
  it.each([
    ['linguist-generated set', '* linguist-generated\n', ['1:3']],
    ['linguist-generated=true, with -diff', 'tests/** linguist-generated=true -diff\n', ['1:10']],
    ['any value but false counts (Linguist)', '*.yaml linguist-generated=1\n', ['1:8']],
    ['linguist-generated=false', '*.yaml linguist-generated=false\n', []],
    ['unset or unspecified', '* -linguist-generated !linguist-vendored !diff\n', []],
    ['linguist-vendored', 'vendor/** linguist-vendored\n', ['1:11']],
    ['-diff', '*.snapshot.yaml -diff\n', ['1:17']],
    ['binary implies -diff', '\t*.yaml   binary\n', ['1:11']],
    ['a later attribute overrides (git applies the last)', '* -diff diff\n', []],
    ['a macro set after diff wins', '* diff binary\n', ['1:8']],
    ['comments, blank lines and a negative pattern state nothing', '# * -diff\n\n   # x\n!x -diff\n', []],
    ['a quoted pattern with a blank', '"a b/*" -diff\n', ['1:9']],
    ['a CRLF line', '* -diff\r\n', ['1:3']],
    ['a line longer than git reads (2048 bytes) is ignored', `${'a'.repeat(2050)} -diff\n`, []],
    ['eol, text, filter hide nothing', '* text eol=lf\n*.bin filter=lfs diff=lfs\n', []],
  ])('%s', (_, head, expected) => {
    expect(where(head)).toEqual(expected);
  });

  it('a line hidden the same way on the base is no finding, wherever it moved; a new hiding attribute on it is', () => {
    expect(where('# images\n*.sh text\n*.png binary\n', '*.png binary\n')).toEqual([]);
    expect(where('*.png -diff\n', '*.png binary\n')).toEqual([]);
    expect(where('*.png binary linguist-generated\n', '*.png binary\n')).toEqual(['1:14']);
  });

  it('a macro of the top-level file is expanded where it is used, and found where it is defined; elsewhere git ignores it', () => {
    const top = '[attr]folded linguist-generated -diff\ncatalog/** folded\n';
    expect(reviewHidden([{ file: '.gitattributes', head: top }], { head: top }).map(d => `${d.range.start.line}:${d.range.start.column}`)).toEqual(['1:14', '2:12']);
    expect(where('[attr]folded -diff\n* folded\n', undefined, 'skeletons/x/.gitattributes')).toEqual([]);
    // The usage line unchanged, the macro newly hiding: the usage is found too.
    expect(where('* folded\n', '* folded\n', 'skeletons/x/.gitattributes', { base: '[attr]folded text\n', head: '[attr]folded -diff\n' })).toEqual(['1:3']);
  });

  it('a removed file and a bounded, one-line message', () => {
    expect(reviewHidden([{ file: '.gitattributes', base: '* -diff\n' }])).toEqual([]);
    const [finding] = reviewHidden([{ file: 'a/.gitattributes', head: `${'x'.repeat(300)} -diff\n` }]);
    expect(finding.message).not.toContain('x'.repeat(130));
    expect(finding).toMatchObject({ ruleId: 'review-hidden', severity: 'warning', file: 'a/.gitattributes' });
  });

  it('parses a line as gitattributes(5) states it', () => {
    expect(gitattributesLines('  *.md  text=auto -diff !eol linguist-generated\n')).toEqual([{
      line: 1,
      pattern: '*.md',
      attributes: [
        { name: 'text', state: { value: 'auto' }, column: 9 },
        { name: 'diff', state: 'unset', column: 19 },
        { name: 'eol', state: 'unspecified', column: 25 },
        { name: 'linguist-generated', state: 'set', column: 30 },
      ],
      text: '  *.md  text=auto -diff !eol linguist-generated',
    }]);
  });
});
