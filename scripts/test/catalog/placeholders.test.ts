import { describe, expect, it } from 'vitest';
import { findPlaceholders, textHasNoPlaceholders } from '../../src/catalog/placeholders.ts';
import { parseYaml } from '../../src/load/parseYaml.ts';

// Loading skips the placeholder walk for files textHasNoPlaceholders accepts: it must never accept a
// file whose parsed documents hold one, however the key is written.
describe('textHasNoPlaceholders', () => {
  it.each([
    ['a plain $text key', 'spec:\n  definition:\n    $text: ./openapi.yaml\n'],
    ['a quoted key', "spec:\n  definition:\n    '$json': ./a.json\n"],
    ['a \\x24 escape in a double-quoted key', 'spec:\n  definition:\n    "\\x24text": ./openapi.yaml\n'],
    ['a \\u0024 escape in a flow mapping', 'spec: {definition: {"\\u0024yaml": ./a.yaml}}\n'],
  ])('refuses text with a placeholder: %s', (_name, text) => {
    const [doc] = parseYaml(text, 'x.yaml').documents;
    expect(findPlaceholders(doc).map(u => u.path.join('.'))).toEqual(['spec.definition']);
    expect(textHasNoPlaceholders(text)).toBe(false);
  });

  it('accepts text without a dollar sign or a backslash', () => {
    const text = 'apiVersion: backstage.io/v1alpha1\nkind: API\nmetadata: {name: a, description: "costs 5 EUR"}\nspec: {definition: "openapi: 3.0.0"}\n';
    expect(textHasNoPlaceholders(text)).toBe(true);
    expect(findPlaceholders(parseYaml(text, 'x.yaml').documents[0])).toEqual([]);
  });
});
