import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ValidateFunction } from 'ajv';
import { BUILTIN_KINDS, catalogModel, entityModelCore } from '../../src/backstage.ts';
import { toolkitSpec } from '../../src/config/toolkitSchemas.ts';
import { builtinKindValidator, packageKindValidator, schemaValidEntityPolicy } from '../../src/prebuilt/backstageValidators.ts';
import { buildPrebuilt, fixedValidatorSpecs } from '../../src/prebuilt/buildPrebuilt.ts';
import { buildValidators, fixedValidators, prebuiltValidators, type PrebuiltSource } from '../../src/prebuilt/prebuiltValidators.ts';
import { backstageKindSpec, compileSpec, entityPolicySpec, modelSpec, type ValidatorSpec } from '../../src/prebuilt/validatorSpecs.ts';
import { baseTree, CONFIG } from '../catalog/fixtureOrg.ts';
import { edit } from '../catalog/gateCases.ts';
import { runBin } from '../helpers/runBin.ts';
import { REPO_ROOT, tempRepo } from '../helpers/tempRepo.ts';
import { documentsOf, fieldVariants, validatorCorpus } from './validatorCorpus.ts';

type Doc = Record<string, unknown>;
let corpus: Doc[];

beforeAll(async () => {
  buildPrebuilt();
  corpus = await validatorCorpus();
}, 120_000);

/** What a call came to: its value, or the error it threw (class and message). */
async function outcome(run: () => unknown): Promise<{ value: unknown } | { threw: string }> {
  try {
    return { value: await run() };
  } catch (error) {
    return { threw: `${(error as Error).constructor.name}: ${(error as Error).message}` };
  }
}

/** Valid or not, Ajv's error list, and the data afterwards (useDefaults writes into it). */
function run(validate: ValidateFunction, data: unknown) {
  const copy = structuredClone(data);
  const valid = validate(copy);
  return { valid, errors: validate.errors ?? null, data: copy };
}

describe('prebuilt validators', () => {
  it('exist for every fixed set-up, made for the installed packages', () => {
    for (const spec of fixedValidatorSpecs()) expect(prebuiltValidators(spec), spec.name).toBeDefined();
    for (const kind of BUILTIN_KINDS) expect(builtinKindValidator(kind)).not.toBe(packageKindValidator(kind));
  });

  it('cover a corpus with every verdict: the mutation table, this repo, the bench catalog, malformed entities per kind', () => {
    expect(corpus.length).toBeGreaterThan(2000);
    expect(corpus.some(d => d.kind === 'Template')).toBe(true);
  });

  it("give each kind validator's verdict and thrown message exactly as Backstage's own", async () => {
    const tally = { true: 0, false: 0, threw: 0 };
    for (const kind of BUILTIN_KINDS) {
      const prebuilt = builtinKindValidator(kind);
      const backstage = packageKindValidator(kind);
      for (const entity of corpus) {
        const expected = await outcome(() => backstage.check(structuredClone(entity) as never));
        const actual = await outcome(() => prebuilt.check(structuredClone(entity) as never));
        if (JSON.stringify(actual) !== JSON.stringify(expected)) expect({ kind, entity, actual }).toEqual({ kind, entity, actual: expected });
        if ('threw' in expected) tally.threw++;
        else tally[String(expected.value) as 'true' | 'false']++;
      }
    }
    expect(tally.true).toBeGreaterThan(300);
    expect(tally.false).toBeGreaterThan(10_000);
    expect(tally.threw).toBeGreaterThan(2000);
  });

  it("give SchemaValidEntityPolicy's verdict and message exactly as catalog-model's own", async () => {
    const prebuilt = schemaValidEntityPolicy();
    const backstage = new (catalogModel().SchemaValidEntityPolicy)();
    let rejected = 0;
    for (const entity of corpus) {
      const expected = await outcome(() => backstage.enforce(structuredClone(entity) as never));
      const actual = await outcome(() => prebuilt.enforce(structuredClone(entity) as never));
      expect(actual).toEqual(expected);
      if ('threw' in expected) rejected++;
    }
    expect(rejected).toBeGreaterThan(500);
    // catalog-model's enforce ran the prebuilt code: it never compiled its own.
    expect((prebuilt as unknown as { validate: unknown }).validate).toBe(prebuiltValidators(entityPolicySpec())!('validate'));
  });

  it('list every error of the every-error model exactly as the run-time compiled schemas', () => {
    const spec = modelSpec();
    const prebuilt = prebuiltValidators(spec)!;
    const compiled = compileSpec(spec).validator;
    let invalid = 0;
    for (const name of Object.keys(spec.exports)) {
      for (const entity of corpus) {
        const expected = run(compiled(name), entity);
        expect(run(prebuilt(name), entity)).toEqual(expected);
        if (!expected.valid) invalid++;
      }
    }
    expect(invalid).toBeGreaterThan(10_000);
  });

  it("judge gitops.config.yaml, scorecards and template test cases like the run-time compiled schemas, defaults applied alike", async () => {
    const configs = [parse(CONFIG), parse(readFileSync(join(REPO_ROOT, 'gitops.config.yaml'), 'utf8'))];
    const variants = configs.flatMap(c => [c, ...corpus.slice(0, 200), { ...c, failOn: 'fatal' }, { ...c, catalog: { ...c.catalog, roots: 'x' } }, { ...c, extra: 1 }, { ...c, rules: { 'no-such': 'off' } }, { ...c, codeowners: 1 }]);
    const scorecards = (await Promise.all(['checks', 'scorecards', 'initiatives', 'exemptions', 'facts'].map(async d => {
      const { readdir } = await import('node:fs/promises');
      const files = await readdir(join(REPO_ROOT, 'scorecards', d)).catch(() => [] as string[]);
      return files.filter(f => f.endsWith('.yaml')).flatMap(f => documentsOf(readFileSync(join(REPO_ROOT, 'scorecards', d, f), 'utf8')));
    }))).flat();
    expect(scorecards.length).toBeGreaterThan(5);
    const scorecardVariants = scorecards.flatMap(s => [s, { ...s, kind: 'Nope' }, { ...s, id: 1 }, { ...s, extra: true }, Object.fromEntries(Object.entries(s).slice(0, 1))]);
    const templatesDir = join(REPO_ROOT, 'templates');
    const testCases = readdirSync(templatesDir, { recursive: true, encoding: 'utf8' }).filter(f => /\/tests\/[^/]+\.yaml$/.test(f) && !f.endsWith('.snapshot.yaml')).flatMap(f => documentsOf(readFileSync(join(templatesDir, f), 'utf8')));
    expect(testCases.length).toBeGreaterThan(3);
    const testCaseVariants = [...testCases, ...testCases.flatMap(c => fieldVariants(c, [null, 1, 'x', [], {}]))];
    for (const [spec, data] of [[toolkitSpec('gitops-config'), variants], [toolkitSpec('scorecards'), [...scorecardVariants, ...corpus.slice(0, 200)]], [toolkitSpec('template-test'), testCaseVariants]] as [ValidatorSpec, unknown[]][]) {
      const prebuilt = prebuiltValidators(spec)!('validate');
      const compiled = compileSpec(spec).validator('validate');
      const verdicts = new Set<boolean>();
      for (const item of data) {
        const expected = run(compiled, item);
        expect(run(prebuilt, item)).toEqual(expected);
        verdicts.add(expected.valid);
      }
      expect([...verdicts].sort()).toEqual([false, true]);
    }
  });
});

describe('a missing, stale or broken prebuilt', () => {
  // Under the repo (.cache/ is ignored by git), so the generated modules resolve ajv's runtime from its node_modules.
  mkdirSync(join(REPO_ROOT, '.cache'), { recursive: true });
  const dir = mkdtempSync(join(REPO_ROOT, '.cache/prebuilt-test-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const specs = [backstageKindSpec('Component'), entityPolicySpec(), modelSpec()];
  // Group's module is built but loaded by no other case here (Node caches a module once loaded).
  const entries = buildValidators([...specs, backstageKindSpec('Group')], dir);
  const source = (index: Record<string, { key: string; value: string }>): PrebuiltSource => ({ dir, lookup: (name, key) => (index[name]?.key === key ? index[name].value : undefined) });

  it('is used only for the key it was built for', () => {
    for (const spec of specs) expect(prebuiltValidators(spec, source(entries))).toBeDefined();
    const otherVersion = Object.fromEntries(Object.entries(entries).map(([name, e]) => [name, { ...e, key: e.key.replace(/@backstage\/catalog-model@\S+/, '@backstage/catalog-model@0.0.1') }]));
    for (const spec of specs) expect(prebuiltValidators(spec, source(otherVersion))).toBeUndefined();
    // A schema edited since the build: its hash no longer matches.
    const edited = modelSpec();
    edited.add[0] = { schemas: edited.add[0].schemas.map(s => ({ ...s, description: 'changed' })) };
    expect(prebuiltValidators(edited, source(entries))).toBeUndefined();
  });

  it('falls back to the packages and run-time compilation, with the same results', async () => {
    const none = source({});
    expect(builtinKindValidator('Component', none)).toBe(packageKindValidator('Component'));
    const policy = schemaValidEntityPolicy(none) as unknown as { validate?: unknown; enforce(e: unknown): Promise<unknown> };
    expect(policy.validate).toBeUndefined();
    await expect(policy.enforce({ apiVersion: 'backstage.io/v1alpha1', kind: 'Component', metadata: { name: 1 } })).rejects.toThrow('Malformed envelope, /metadata/name must be string');
    const fallback = fixedValidators(modelSpec(), none);
    const prebuilt = fixedValidators(modelSpec(), source(entries));
    for (const entity of corpus.slice(0, 300)) expect(run(fallback('Component'), entity)).toEqual(run(prebuilt('Component'), entity));
  });

  it('falls back when the module is gone, corrupt or lacks an export', () => {
    const spec = backstageKindSpec('Group');
    const file = join(dir, entries[`validator:${spec.name}`].value);
    const text = readFileSync(file, 'utf8');
    try {
      rmSync(file);
      expect(prebuiltValidators(spec, source(entries))).toBeUndefined();
      writeFileSync(file, 'this is not javascript(');
      expect(prebuiltValidators(spec, source(entries))).toBeUndefined();
      writeFileSync(file, 'exports.other = () => true;');
      expect(prebuiltValidators(spec, source(entries))).toBeUndefined();
    } finally {
      writeFileSync(file, text);
    }
  });
});

describe("catalog-model's entity core", () => {
  it('is the very functions the package index exports, loaded without building its model layers', () => {
    const core = entityModelCore();
    const index = catalogModel() as unknown as Record<string, unknown>;
    expect(core).not.toBe(index);
    for (const [name, value] of Object.entries(core)) expect(value, name).toBe(index[name]);
    expect(Object.keys(core).sort()).toEqual(['FieldFormatEntityPolicy', 'NoForeignRootFieldsEntityPolicy', 'SchemaValidEntityPolicy', 'makeValidator', 'parseEntityRef', 'parseLocationRef', 'stringifyEntityRef']);
  });
});

describe('check through the bin', () => {
  it("compiles none of the fixed schemas with Ajv, nor draft-07's meta-schema", async () => {
    // No TechDocs site in the repo: techdocs-node requires catalog-model's index, whose model layers compile with Ajv at require.
    const tree = baseTree();
    edit('catalog/orders.yaml', 'dir:./docs', 'url:https://github.com/acme/orders-api/tree/main')(tree);
    const root = await tempRepo(tree, { policies: true });
    const record = join(root, 'compiles.json');
    const result = await runBin(['check', '--root', root, '--format', 'json'], root, { NODE_OPTIONS: `--require ${join(REPO_ROOT, 'scripts/test/prebuilt/recordAjvCompiles.cjs')}`, AJV_COMPILES: record });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const compiled = JSON.parse(readFileSync(record, 'utf8')) as string[];
    const fixed = fixedValidatorSpecs().flatMap(spec => Object.values(spec.exports).map(root => ('id' in root ? root.id : (root.compile as { $id: string }).$id)));
    expect(fixed).toContain('EntityEnvelope');
    expect(compiled.filter(id => fixed.includes(id))).toEqual([]);
    expect(compiled.filter(id => id.startsWith('meta:http://json-schema.org/draft-07'))).toEqual([]);
    // The org's policies are the PR's data: compiled at run time, one schema each.
    expect(compiled.filter(id => !id.startsWith('meta:')).length).toBe(readdirSync(join(REPO_ROOT, 'schemas/policy')).filter(f => f.endsWith('.json')).length);
  }, 60_000);
});
