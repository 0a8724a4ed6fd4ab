import { describe, expect, it } from 'vitest';
import { isKnownFilter } from '../../src/templates/templateFilters.ts';

describe("filters of the pinned scaffolder's renderer", () => {
  it.each([
    ['lower', false, true],
    ['replace', false, true],
    ['dump', false, true],
    ['parseRepoUrl', false, true],
    ['parseEntityRef', false, true],
    ['pick', false, true],
    ['projectSlug', false, true],
    ['now', false, false],
    ['shout', false, false],
    ['jsonify', false, false],
    ['jsonify', true, true],
  ])('%s (cookiecutterCompat %s): %s', (name, compat, expected) => {
    expect(isKnownFilter(name, compat)).toBe(expected);
  });
});
