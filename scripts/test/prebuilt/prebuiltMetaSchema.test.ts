import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import ajvErrors from 'ajv-errors';
import ajvFormats from 'ajv-formats';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRequire } from 'node:module';
import { managedModelMetaSpec } from '../../src/catalog/checkBackstageModel.ts';
import { compilePolicies, policyMetaSpec } from '../../src/catalog/checkPolicies.ts';
import { buildPrebuilt } from '../../src/prebuilt/buildPrebuilt.ts';
import { usePrebuiltMetaSchema } from '../../src/prebuilt/prebuiltMetaSchema.ts';
import { prebuiltValidators } from '../../src/prebuilt/prebuiltValidators.ts';
import type { ValidatorSpec } from '../../src/prebuilt/validatorSpecs.ts';
import { templatePageMetaSpec } from '../../src/templates/checkTemplate.ts';
import { REPO_ROOT } from '../helpers/tempRepo.ts';
import { documentsOf, fieldVariants, mutationTableEntities } from './validatorCorpus.ts';

type Doc = Record<string, unknown>;
const PLUGINS = { 'ajv-formats': ajvFormats.default, 'ajv-errors': ajvErrors.default };

/** An Ajv set up as `spec` says, checking schemas against the meta-schema it compiles itself (as before the prebuilt). */
function referenceAjv(spec: ValidatorSpec): Ajv {
  const ajv = new Ajv(spec.options);
  for (const plugin of spec.plugins) PLUGINS[plugin](ajv);
  return ajv;
}

/** The same, handed the prebuilt meta-schema validator. */
function prebuiltAjv(spec: ValidatorSpec): Ajv {
  const ajv = new Ajv(spec.options);
  usePrebuiltMetaSchema(ajv, spec);
  for (const plugin of spec.plugins) PLUGINS[plugin](ajv);
  return ajv;
}

function outcome<T>(run: () => T): { value: T } | { threw: string } {
  try {
    return { value: run() };
  } catch (error) {
    return { threw: (error as Error).message };
  }
}

const policyFolder = join(REPO_ROOT, 'schemas/policy');
const policies = readdirSync(policyFolder).filter(f => f.endsWith('.json')).sort().map(f => JSON.parse(readFileSync(join(policyFolder, f), 'utf8')) as Doc);
const pages = readdirSync(join(REPO_ROOT, 'templates'), { withFileTypes: true }).filter(d => d.isDirectory()).flatMap(d => {
  const template = documentsOf(readFileSync(join(REPO_ROOT, 'templates', d.name, 'template.yaml'), 'utf8'))[0] as { spec?: { parameters?: Doc | Doc[] } };
  const parameters = template?.spec?.parameters;
  return Array.isArray(parameters) ? parameters : parameters ? [parameters] : [];
});
/** The compiled default catalog model's kind schemas, as the managed model hands them to checkModelKind. */
function modelKindSchemas(): Doc[] {
  const alpha = createRequire(import.meta.url)('@backstage/catalog-model/alpha');
  const model = alpha.compileCatalogModel([alpha.defaultCatalogEntityModel]);
  return model.listKinds().slice(0, 4).map((k: { names: { kind: string }; versions: { apiVersion: string }[] }) => model.getKind({ apiVersion: k.versions[0].apiVersion, kind: k.names.kind }).jsonSchema);
}

const ODD = [null, 'strin', '[', [], -1, { errorMessage: 1 }];
// What Ajv refuses before or instead of the meta-schema check, which must keep its own message and order.
const EDGES: unknown[] = [null, 'a string', 1, [], true, false, {}, { $id: 1 }, { $id: 'dup', properties: { a: { $id: 'dup' } } }, { $schema: 1 }, { $schema: 'https://json-schema.org/draft/2020-12/schema' }, { $schema: 'http://json-schema.org/draft-07/schema' }, { $ref: '#/definitions/none' }, { type: 'object', required: 'x', properties: [] }];

beforeAll(() => void buildPrebuilt());

describe('the prebuilt draft-07 meta-schema validator', () => {
  for (const [name, spec, schemas, entities, every = 1] of [
    ['org policies', policyMetaSpec(), policies, mutationTableEntities().slice(0, 60)],
    ["templates' parameter pages", templatePageMetaSpec(), pages, [{}, { name: 'x', owner: 'group:a', repoUrl: 'github.com?owner=a&repo=b' }, { name: 1 }, { name: '' }]],
    // Large schemas: every 6th variant keeps the case quick on a shared machine.
    ["the managed model's kind schemas", managedModelMetaSpec(), modelKindSchemas(), mutationTableEntities().slice(0, 20), 6],
  ] as [string, ValidatorSpec, Doc[], unknown[], number?][]) {
    it(`lets ${name} compile, be refused and judge exactly as Ajv checking them itself`, () => {
      expect(prebuiltValidators(spec)).toBeDefined();
      expect(schemas.length).toBeGreaterThan(3);
      const reference = referenceAjv(spec);
      const prebuilt = prebuiltAjv(spec);
      let refused = 0;
      let judged = 0;
      for (const schema of [...schemas, ...schemas.flatMap(s => fieldVariants(s, ODD)).filter((_, i) => i % every === 0), ...EDGES]) {
        const expected = outcome(() => reference.compile(schema as Doc));
        const actual = outcome(() => prebuilt.compile(schema as Doc));
        expect('threw' in actual ? actual : 'compiled', JSON.stringify(schema)).toEqual('threw' in expected ? expected : 'compiled');
        if ('threw' in expected) {
          refused++;
          continue;
        }
        const [want, got] = [(expected as { value: ValidateFunction }).value, (actual as { value: ValidateFunction }).value];
        for (const entity of entities) {
          expect([got(entity), got.errors ?? null]).toEqual([want(entity), want.errors ?? null]);
          if (want.errors) judged++;
        }
      }
      expect(refused).toBeGreaterThan(50);
      expect(judged).toBeGreaterThan(50);
      // It ran the prebuilt code: the meta-schema was never compiled in that Ajv.
      expect(prebuilt.schemas['http://json-schema.org/draft-07/schema']?.validate).toBe(prebuiltValidators(spec)!('validate'));
    }, 120_000);
  }

  it('leaves compilePolicies refusing the first invalid policy of a set as Ajv does', () => {
    const set = [policies[0], { ...policies[1], required: 'x' }, { ...policies[2], type: 'strin' }];
    const reference = referenceAjv(policyMetaSpec());
    const expected = outcome(() => set.map(s => reference.compile(s)));
    expect(expected).toEqual({ threw: expect.stringMatching(/^schema is invalid: data\/required must be array/) });
    expect(outcome(() => compilePolicies(set.map(schema => ({ file: 'p.json', schema }))))).toEqual(expected);
  });
});
