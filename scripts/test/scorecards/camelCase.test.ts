import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { camelCase } from '../../src/scorecards/camelCase.ts';

const require = createRequire(import.meta.url);

describe("the techdocs retriever's camelCase", () => {
  it("is tech-insights-backend's own fact naming, and lodash's camelCase on every kind of text", () => {
    const retriever = createRequire(require.resolve('@backstage-community/plugin-tech-insights-backend'))('lodash/camelCase');
    const whole = require('lodash') as { camelCase(text: string): string };
    const texts = ['hasAnnotation-backstage.io/techdocs-ref', 'hasAnnotation-backstage.io/techdocs-entity', 'hasAnnotation-github.com/project-slug', 'Foo Bar', '--foo-bar--', '__FOO_BAR__', 'fooBar', 'XMLHttpRequest', 'ünïcödé-wörds', 'emoji 🎉 party', '123 go', '', 'a/b.c:d'];
    for (const text of texts) expect([text, camelCase(text)]).toEqual([text, retriever(text)]);
    for (const text of texts) expect([text, camelCase(text)]).toEqual([text, whole.camelCase(text)]);
    expect(camelCase('hasAnnotation-backstage.io/techdocs-ref')).toBe('hasAnnotationBackstageIoTechdocsRef');
  });
});
