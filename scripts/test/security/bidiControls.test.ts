import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dataRepoCopy } from '../helpers/gitRepo.ts';
import { runBin } from './runBin.ts';

// Unicode's Bidi_Control characters (PropList.txt): ALM, LRM, RLM, the embeddings and overrides, the isolates.
// Each reorders the text shown after it; none may reach a terminal, a CI log or the Markdown report raw.
const BIDI_CONTROLS = ['\u061c', '\u200e', '\u200f', '\u202a', '\u202b', '\u202c', '\u202d', '\u202e', '\u2066', '\u2067', '\u2068', '\u2069'];

// Red team, round 16: U+061C ARABIC LETTER MARK (a strong right-to-left mark like RLM, added to Unicode's
// Bidi_Control set in 6.3) was missing from safeText's set: a file name holding it reached every format raw.
describe('bidirectional controls in a pull request\'s file name', () => {
  it('reach no format raw (stylish, markdown, github)', async () => {
    const root = await dataRepoCopy();
    for (const [i, mark] of BIDI_CONTROLS.entries()) copyFileSync(join(root, 'catalog/org/groups.yaml'), join(root, `catalog/x${i}${mark}y.yaml`));
    for (const format of ['stylish', 'markdown', 'github']) {
      const run = await runBin(['check', '--format', format, '--today', '2026-12-01'], root);
      expect(run.status, format).toBe(1);
      // The unreachable files are named in each format: the names are there, their marks are not.
      expect(run.stdout, format).toMatch(/catalog\/x11/);
      const raw = BIDI_CONTROLS.filter(mark => run.stdout.includes(mark) || run.stderr.includes(mark));
      expect(raw.map(mark => `U+${mark.charCodeAt(0).toString(16).padStart(4, '0')}`), format).toEqual([]);
    }
  }, 120_000);
});
