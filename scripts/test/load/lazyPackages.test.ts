import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { LineCounter } from 'yaml';
import { lineCounterClass } from '../../src/load/lazyPackages.ts';

describe('lineCounterClass', () => {
  it("is yaml's own LineCounter: the same module file the package's index re-exports, with the same positions", () => {
    const Counter = lineCounterClass();
    // Loaded by file name it is the very class the package exports (one module cache, one file).
    expect(Counter).toBe(LineCounter);
    const text = readFileSync(new URL('../../../catalog/all.yaml', import.meta.url), 'utf8');
    const ours = new Counter();
    const theirs = new LineCounter();
    for (let i = 0; i <= text.length; i++) {
      if (i === 0 || text[i - 1] === '\n') {
        ours.addNewLine(i);
        theirs.addNewLine(i);
      }
    }
    for (const offset of [0, 1, 5, text.length >> 1, text.length - 1, text.length, text.length + 3]) expect(ours.linePos(offset)).toEqual(theirs.linePos(offset));
  });

  it('names a file that exists in the installed yaml package', () => {
    const require = createRequire(import.meta.url);
    const file = require.resolve('yaml').replace(/index\.js$/, 'parse/line-counter.js');
    expect(readFileSync(file, 'utf8')).toContain('class LineCounter');
  });
});
