import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { callResolvesAlone, defaultFilterNames, isKnownFilter, isKnownGlobal, loopHasMethod, methodOnSomeValue, printsCallable } from '../../src/templates/templateFilters.ts';

const require = createRequire(import.meta.url);

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

  // The check asks a renderer built with the default filters' names only (the real ones load scaffolder-node):
  // every answer must be the one the renderer with the scaffolder's real filters gives.
  it('answers as the renderer with the real default filters does', () => {
    const dist = createRequire(require.resolve('@backstage/plugin-scaffolder-backend'));
    const { createDefaultFilters } = dist('./lib/templating/filters/createDefaultFilters.cjs.js');
    const { convertFiltersToRecord } = dist('./util/templating.cjs.js');
    const { ScmIntegrations } = require('@backstage/integration');
    const { ConfigReader } = require('@backstage/config');
    const filters = convertFiltersToRecord(createDefaultFilters({ integrations: ScmIntegrations.fromConfig(new ConfigReader({})) }));
    expect(defaultFilterNames()).toEqual(Object.keys(filters));
    const names = [...Object.keys(filters), 'lower', 'upper', 'replace', 'dump', 'first', 'join', 'length', 'safe', 'default', 'd', 'trim', 'jsonify', 'slugify', 'now', 'shout', 'parseRepoURL', 'constructor', '__proto__', 'toString'];
    for (const compat of [false, true]) {
      const real = dist('nunjitsu').createTemplateRenderer({ filters, allowRegexExecution: true, cookiecutterCompat: compat });
      for (const name of names) {
        let expected: boolean;
        try {
          real.renderValue(`${compat ? '{{' : '${{'} "" | ${name} }}`, {});
          expected = true;
        } catch (error) {
          expected = !/Unknown template filter/.test((error as Error).message);
        }
        expect([name, compat, isKnownFilter(name, compat)]).toEqual([name, compat, expected]);
      }
    }
  });
});

// What the scaffolder's renderers can call, asked of them (the call judgement's probes).
describe("calls the pinned scaffolder's renderers can make", () => {
  it.each([
    ['range', 'skeleton', true],
    ['cycler', 'cookiecutter', true],
    ['joiner', 'workflow', true],
    ['always', 'workflow', true],
    ['failure', 'workflow', true],
    ['always', 'skeleton', false],
    ['uuid', 'workflow', false],
    ['caller', 'skeleton', false],
    ['Math', 'skeleton', false],
  ] as const)('global %s in the %s renderer: %s', (name, renderer, expected) => {
    expect(isKnownGlobal(name, renderer)).toBe(expected);
  });

  it.each([
    ['toUpperCase', false, true],
    ['split', false, true],
    ['toFixed', false, true],
    ['join', false, true],
    ['get', false, true], // a Map's
    ['padStart', false, false],
    ['replaceAll', false, false],
    ['map', false, false],
    ['items', false, false],
    ['toString', false, true], // a number's, not a string's
    ['items', true, true], // a dict's, in cookiecutter mode
    ['append', true, true],
    ['padStart', true, false],
  ] as const)('.%s() on some value (cookiecutterCompat %s): %s', (name, compat, expected) => {
    expect(methodOnSomeValue(name, compat)).toBe(expected);
  });

  it('a method of one kind of value only', () => {
    expect(methodOnSomeValue('toUpperCase', false, ['string'])).toBe(true);
    expect(methodOnSomeValue('toUpperCase', false, ['array'])).toBe(false);
  });

  it("the for loop's loop has no methods", () => {
    expect(loopHasMethod('cycle')).toBe(false);
    expect(loopHasMethod('cycle', true)).toBe(false);
  });

  it.each([
    ['Math', ['max'], false, false],
    ['JSON', ['stringify'], false, false],
    ['range', ['foo'], false, false],
    ['cycler', ['next'], true, true],
    ['joiner', ['next'], true, false],
  ] as const)('%s%s (called: %s) resolves alone: %s', (root, path, called, expected) => {
    expect(callResolvesAlone(root, path, called)).toBe(expected);
  });

  // The call findings' hints name these filters: each must be one the renderers have.
  it.each(['dump', 'sort', 'first', 'last', 'sum', 'round', 'int', 'lower', 'upper', 'replace', 'trim', 'join', 'length'])('the hints\' filter %s exists in every renderer', name => {
    for (const renderer of ['skeleton', 'cookiecutter', 'workflow'] as const) expect(isKnownFilter(name, renderer)).toBe(true);
  });

  it('printing what joiner() or cycler() returns fails; range() prints', () => {
    expect(printsCallable('joiner')).toBe(true);
    expect(printsCallable('cycler')).toBe(true);
    expect(printsCallable('range')).toBe(false);
    expect(printsCallable('always', 'workflow')).toBe(false);
  });
});
