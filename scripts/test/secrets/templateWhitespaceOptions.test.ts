import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { templateView } from '../../src/secrets/templateView.ts';

// The renderer fetch:template creates (Nunjitsu, through the scaffolder backend), to hold templateView to its reading.
const nunjitsu = createRequire(createRequire(import.meta.url).resolve('@backstage/plugin-scaffolder-backend'))('nunjitsu') as {
  createTemplateRenderer(options: object): { render(source: string, context: object): string };
};

// Review, session 48: fetch:template hands Nunjitsu its step's trimBlocks and lstripBlocks; the view read both off.
describe('templateView with a step’s trimBlocks and lstripBlocks', () => {
  const cases = [
    'a{% if x %}\nb{% endif %}\nc',
    'a\n    {% if x %}\n  b\n  {% endif %}\nc',
    'a\r\n{% if x %}\r\nb{% endif %}',
    'a{# c #}\nb\n  {# d #}\ne',
    'a  {% if x %}b{% endif %}  \n  {%- if x %}\nc{% endif -%}\n d',
    'a\n  {% raw %}\nb{% endraw %}\nc',
    '{% for p in ["x", "y"] %}\n  ${{ p }}\n  {% endfor %}\nz',
  ];
  for (const trimBlocks of [false, true]) {
    for (const lstripBlocks of [false, true]) {
      it(`reads as Nunjitsu renders with trimBlocks ${trimBlocks}, lstripBlocks ${lstripBlocks} (tags that read input left out)`, () => {
        const renderer = nunjitsu.createTemplateRenderer({ trimBlocks, lstripBlocks });
        for (const text of cases) {
          const view = templateView(text, false, undefined, { trimBlocks, lstripBlocks });
          // With x true and the tags gone, Nunjitsu's text is the view's.
          expect(view?.text ?? text, JSON.stringify(text)).toBe(renderer.render(text, { x: true }));
        }
      });
    }
  }
});
