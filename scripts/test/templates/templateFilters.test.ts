import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { defaultFilterNames, isKnownFilter } from '../../src/templates/templateFilters.ts';

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
