import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import ajvErrors from 'ajv-errors';
import ajvFormats from 'ajv-formats';
import { beforeAll, describe, expect, it } from 'vitest';
import { compilePolicies, policyMetaSpec } from '../../src/catalog/checkPolicies.ts';
import { buildPrebuilt } from '../../src/prebuilt/buildPrebuilt.ts';
import { prebuiltValidators } from '../../src/prebuilt/prebuiltValidators.ts';
import { REPO_ROOT } from '../helpers/tempRepo.ts';
import { fieldVariants, mutationTableEntities } from './validatorCorpus.ts';

type Doc = Record<string, unknown>;

/** The policies' set-up before the prebuilt meta-schema: one Ajv that checks each policy against draft-07 itself. */
function referenceAjv(): Ajv {
  const ajv = new Ajv({ allErrors: true, allowUnionTypes: true, strict: false });
  ajvFormats.default(ajv);
  ajvErrors.default(ajv);
  return ajv;
}

function reference(schemas: Doc[], ajv = referenceAjv()): ValidateFunction[] {
  return schemas.map(schema => ajv.compile(schema));
}

function outcome<T>(run: () => T): { value: T } | { threw: string } {
  try {
    return { value: run() };
  } catch (error) {
    return { threw: (error as Error).message };
  }
}

const folder = join(REPO_ROOT, 'schemas/policy');
const policies = readdirSync(folder).filter(f => f.endsWith('.json')).sort().map(f => JSON.parse(readFileSync(join(folder, f), 'utf8')) as Doc);
const ODD = [null, 'strin', '[', [], -1, { errorMessage: 1 }];

beforeAll(() => void buildPrebuilt());

describe("org policies compiled against the prebuilt meta-schema", () => {
  it('compile, refuse and judge exactly as Ajv checking each policy itself', () => {
    expect(prebuiltValidators(policyMetaSpec())).toBeDefined();
    const entities = mutationTableEntities().slice(0, 60);
    // One Ajv for the reference, as compilePolicies uses one per set (the policies carry no $id to clash).
    const ajv = referenceAjv();
    const variants = [...policies, ...policies.flatMap(p => fieldVariants(p, ODD)), { $schema: 1 }, { $schema: 'https://json-schema.org/draft/2020-12/schema' }, { $schema: 'http://json-schema.org/draft-07/schema' }, true];
    let refused = 0;
    let judged = 0;
    for (const schema of variants) {
      const expected = outcome(() => reference([schema as Doc], ajv));
      const actual = outcome(() => compilePolicies([{ file: 'schemas/policy/x.schema.json', schema: schema as Doc }]).map(p => p.validate));
      expect('threw' in actual ? actual : 'compiled', JSON.stringify(schema)).toEqual('threw' in expected ? expected : 'compiled');
      if ('threw' in expected) {
        refused++;
        continue;
      }
      const [want] = (expected as { value: ValidateFunction[] }).value;
      const [got] = (actual as { value: ValidateFunction[] }).value;
      for (const entity of entities) {
        expect([got(entity), got.errors ?? null]).toEqual([want(entity), want.errors ?? null]);
        if (want.errors) judged++;
      }
    }
    expect(refused).toBeGreaterThan(100);
    expect(judged).toBeGreaterThan(500);
  }, 120_000);

  it("throw for the first invalid policy of a set, as Ajv does", () => {
    const set = [policies[0], { ...policies[1], required: 'x' }, { ...policies[2], type: 'strin' }];
    const expected = outcome(() => reference(set));
    expect(expected).toEqual({ threw: expect.stringMatching(/^schema is invalid: data\/required must be array/) });
    expect(outcome(() => compilePolicies(set.map(schema => ({ file: 'p.json', schema }))))).toEqual(expected);
  });
});
