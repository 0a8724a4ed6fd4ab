import { execFileSync, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import ajvErrors from 'ajv-errors';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments, stringify } from 'yaml';
import { pathToFileURL } from 'node:url';
import { loadEntities } from '../../src/scorecards/prepareScorecards.ts';
import { baseTree, CONFIG } from '../catalog/fixtureOrg.ts';
import { cases } from '../catalog/gateCases.ts';
import { REPO_ROOT, tempRepo } from '../helpers/tempRepo.ts';

const BIN = join(REPO_ROOT, 'scripts/bin/backstage-gitops.js');
const require = createRequire(import.meta.url);
const { getLanguageService } = require('yaml-language-server');
const { TextDocument } = require('vscode-languageserver-textdocument');
const SCHEMA_CONFIG = `${CONFIG}editorSchema:\n  file: schemas/catalog-info.schema.json\n`;

// Findings whose shape the editor schema expresses; every other rule (references, uniqueness,
// reachability, placeholders' files, field formats Backstage writes as code, YAML-level problems the
// editor's parser reports itself) stays in the gate, and README's "Editor" section names them.
const EXPRESSED = new Set(['entity-envelope', 'entity-foreign-root-field', 'entity-kind-unknown', 'entity-kind-schema', 'yaml-not-a-mapping']);
const expressed = (ruleId: string) => EXPRESSED.has(ruleId) || ruleId.startsWith('policy/');

function bin(args: string[], cwd: string) {
  const result = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', env: { PATH: process.env.PATH, HOME: process.env.HOME } });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function compile(text: string): ValidateFunction {
  // The Red Hat YAML extension reads draft-07; ajv checks the file against that meta-schema too.
  const ajv = new Ajv({ allErrors: true, strict: false, allowUnionTypes: true });
  ajvErrors.default(ajv);
  return ajv.compile(JSON.parse(text));
}

/** Every document of every catalog file in a tree, as the editor sees it (files that do not parse are the YAML parser's). */
function documentsOf(tree: Record<string, string>): { file: string; doc: unknown }[] {
  const found: { file: string; doc: unknown }[] = [];
  for (const [file, text] of Object.entries(tree)) {
    if (!file.startsWith('catalog/') || !/\.ya?ml$/.test(file)) continue;
    const docs = parseAllDocuments(text);
    if (!Array.isArray(docs) || docs.some(d => d.errors.length > 0)) continue;
    const values = docs.map(d => d.toJS());
    if (!values.some(v => v && typeof v === 'object' && ('apiVersion' in v || 'kind' in v))) continue;
    for (const doc of values) if (doc !== null && doc !== undefined) found.push({ file, doc });
  }
  return found;
}

/**
 * The Red Hat YAML extension's validator (yaml-language-server, the engine behind VS Code's YAML support
 * and most LSP editors) configured as `.vscode/settings.json` configures it, over in-memory files.
 */
function editorService(files: Record<string, string>, yamlSchemas: Record<string, string[]>) {
  const base = pathToFileURL(REPO_ROOT).href;
  const service = getLanguageService({
    schemaRequestService: async (uri: string) => {
      const path = uri.slice(base.length);
      if (!(path in files)) throw new Error(`schema ${uri} was not expected`);
      return files[path];
    },
    workspaceContext: { resolveRelativePath: (relative: string, resource: string) => new URL(relative, resource).href },
  });
  service.configure({ validate: true, yamlVersion: '1.2', schemas: Object.entries(yamlSchemas).map(([uri, fileMatch]) => ({ uri: new URL(uri, base).href, fileMatch })) });
  let version = 0;
  return {
    async validate(file: string, text: string): Promise<{ line: number; message: string }[]> {
      const problems = await service.doValidation(TextDocument.create(new URL(file, base).href, 'yaml', ++version, text), false);
      return problems.map((p: { range: { start: { line: number } }; message: string }) => ({ line: p.range.start.line + 1, message: p.message }));
    },
  };
}

describe('the editor schema (schemas/catalog-info.schema.json)', () => {
  it('is committed and current (schema --check through the bin)', () => {
    const result = bin(['schema', '--check'], REPO_ROOT);
    expect(result.stdout).toContain('schemas/catalog-info.schema.json is up to date.');
    expect(result.status).toBe(0);
  });

  it("accepts every entity of this repo's catalog and templates, as written", async () => {
    const validate = compile(await readFile(join(REPO_ROOT, 'schemas/catalog-info.schema.json'), 'utf8'));
    const { entities } = await loadEntities(REPO_ROOT);
    expect(entities.length).toBeGreaterThan(50);
    expect(entities.some(e => e.kind === 'Template')).toBe(true);
    const rejected = entities.filter(e => !validate(e.raw)).map(e => `${e.ref}: ${JSON.stringify(validate.errors)}`);
    expect(rejected).toEqual([]);
  });

  it('offers the catalog\'s groups, systems and domains as examples, never as limits', async () => {
    const schema = JSON.parse(await readFile(join(REPO_ROOT, 'schemas/catalog-info.schema.json'), 'utf8'));
    const text = JSON.stringify(schema.else.allOf);
    expect(text).toContain('"examples":["');
    const validate = compile(JSON.stringify(schema));
    const { entities } = await loadEntities(REPO_ROOT);
    const component = structuredClone(entities.find(e => e.kind === 'Component')!.raw) as { spec: Record<string, unknown> };
    component.spec.owner = 'a-team-the-catalog-does-not-have';
    expect(validate(component)).toBe(true);
  });

  // The gate's own mutation table: wherever a case's finding is a shape rule, the editor flags it too;
  // wherever the gate accepts the change, so does the editor.
  const schemas = new Map<string, Promise<{ validate: ValidateFunction; text: string }>>();
  async function generated(tree: Record<string, string>) {
    const config = tree['gitops.config.yaml'];
    if (!schemas.has(config)) {
      schemas.set(config, (async () => {
        const root = await tempRepo({ ...baseTree(), 'gitops.config.yaml': config }, { policies: true });
        const result = bin(['schema', '--write'], root);
        expect(result.status, result.stderr).toBe(0);
        const text = await readFile(join(root, 'schemas/catalog-info.schema.json'), 'utf8');
        return { validate: compile(text), text };
      })());
    }
    return schemas.get(config)!;
  }
  const schemaFor = async (tree: Record<string, string>) => (await generated(tree)).validate;

  it('accepts the valid fixture organisation', async () => {
    const tree = { ...baseTree(), 'gitops.config.yaml': SCHEMA_CONFIG };
    const validate = await schemaFor(tree);
    expect(documentsOf(tree).filter(d => !validate(d.doc))).toEqual([]);
  });

  it.each(cases)('agrees with the gate: %s', async (_name, change, expected) => {
    const tree: Record<string, string> = { ...baseTree(), 'gitops.config.yaml': SCHEMA_CONFIG };
    change(tree);
    const validate = await schemaFor(tree);
    // The gate judges the shape of reachable files only; an unreachable one fails on that alone.
    const unjudged = new Set(expected.filter(e => e.startsWith('location-unreachable@')).map(e => e.split('@')[1].split(':')[0]));
    const rejected = documentsOf(tree).filter(d => !unjudged.has(d.file) && !validate(d.doc)).map(d => d.file);
    const shapeFindings = expected.filter(e => expressed(e.split('@')[0]));
    if (shapeFindings.length === 0) expect(rejected).toEqual([]);
    else expect(rejected).toEqual(expect.arrayContaining([...new Set(shapeFindings.map(e => e.split('@')[1].split(':')[0]))]));
    // The Red Hat YAML extension's own validator gives every document the same verdict as ajv.
    const { text } = await generated(tree);
    const service = editorService({ 'schemas/catalog-info.schema.json': text }, { './schemas/catalog-info.schema.json': ['catalog/**/*.yaml'] });
    for (const { file, doc } of documentsOf(tree)) {
      const problems = await service.validate(file, stringify(doc));
      expect(problems.length > 0, `${file}: ${JSON.stringify(problems)}`).toBe(!validate(doc));
    }
  }, 60_000);

  it('applies, through .vscode/settings.json in the Red Hat YAML extension\'s validator, to every catalog file and nothing else', async () => {
    const settings = JSON.parse(await readFile(join(REPO_ROOT, '.vscode/settings.json'), 'utf8'))['yaml.schemas'] as Record<string, string[]>;
    const service = editorService({ 'schemas/catalog-info.schema.json': await readFile(join(REPO_ROOT, 'schemas/catalog-info.schema.json'), 'utf8') }, settings);
    const { entities } = await loadEntities(REPO_ROOT);
    const entityFiles = new Set(entities.map(e => e.file));
    // Test fixtures (a repro's catalog-info.yaml) are test data, not this repo's catalog.
    const yamlFiles = execFileSync('git', ['-C', REPO_ROOT, 'ls-files', '*.yaml', '*.yml'], { encoding: 'utf8' }).split('\n').filter(f => f && !/^scripts\/test\/(.+\/)?fixtures\//.test(f));
    const probe = '\n---\napiVersion: backstage.io/v1alpha1\nkind: Nope\nmetadata: {name: probe}\n';
    for (const file of yamlFiles) {
      const text = await readFile(join(REPO_ROOT, file), 'utf8');
      // Catalog files are clean as committed, and a bad entity appended is flagged exactly where the
      // schema applies (API definitions, mkdocs.yml, workflows and the rest are left alone).
      if (entityFiles.has(file)) expect(await service.validate(file, text), file).toEqual([]);
      const flagged = (await service.validate(file, `${text.replace(/\n*$/, '')}${probe}`)).some(p => p.message.includes("kind must be one of Backstage's kinds"));
      expect(flagged, file).toBe(entityFiles.has(file));
    }
  }, 120_000);

  // An adopted catalog keeps each API's definition beside its entity file and templates' skeletons beside the
  // templates, all under catalog/, which .vscode/settings.json maps the schema onto by name.
  it('leaves API definitions and skeleton entities under catalog/ alone in the editor, and still flags entities', async () => {
    const root = await tempRepo({ ...baseTree(), 'gitops.config.yaml': SCHEMA_CONFIG }, { policies: true });
    expect(bin(['schema', '--write'], root).status).toBe(0);
    const settings = JSON.parse(await readFile(join(REPO_ROOT, '.vscode/settings.json'), 'utf8'))['yaml.schemas'] as Record<string, string[]>;
    const service = editorService({ 'schemas/catalog-info.schema.json': await readFile(join(root, 'schemas/catalog-info.schema.json'), 'utf8') }, settings);
    const definitions: Record<string, string> = {
      'catalog/repos/orders/openapi.yaml': 'openapi: 3.0.3\ninfo: {title: Orders, version: 1.0.0}\npaths: {}\n',
      'catalog/repos/orders/asyncapi.yaml': 'asyncapi: 2.6.0\ninfo: {title: Orders, version: 1.0.0}\nchannels: {}\n',
      'catalog/repos/orders/swagger.yaml': "swagger: '2.0'\ninfo: {title: Orders, version: 1.0.0}\npaths: {}\n",
      'catalog/templates/svc/skeleton/catalog-info.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: ${{ values.name }}\nspec:\n  type: service\n  lifecycle: experimental\n  owner: ${{ values.owner }}\n',
    };
    for (const [file, text] of Object.entries(definitions)) expect(await service.validate(file, text), file).toEqual([]);
    const entity = 'apiVersion: backstage.io/v1alpha1\nkind: Nope\nmetadata: {name: orders}\n';
    expect((await service.validate('catalog/repos/orders/catalog-info.yaml', entity)).some(p => p.message.includes("kind must be one of Backstage's kinds"))).toBe(true);
    // A new file's first keys: still an entity (completions and missing fields), not "something else".
    expect((await service.validate('catalog/repos/orders/catalog-info.yaml', 'metadata: {name: orders}\n')).map(p => p.message)).toContain('Missing property "apiVersion".');
  }, 120_000);

  it('names in README every rule of the table that stays in the gate', async () => {
    const readme = await readFile(join(REPO_ROOT, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## Editor'), readme.indexOf('\n## ', readme.indexOf('## Editor') + 1));
    const gateOnly = [...new Set(cases.flatMap(c => c[2]).map(e => e.split('@')[0]).filter(id => !expressed(id)))];
    expect(gateOnly.length).toBeGreaterThan(10);
    expect(gateOnly.filter(id => !section.includes(`\`${id}\``))).toEqual([]);
  });

  it('fails the gate while stale, and schema --write makes it current', async () => {
    const root = await tempRepo({ ...baseTree(), 'gitops.config.yaml': SCHEMA_CONFIG }, { policies: true });
    expect(bin(['schema', '--check'], root).status).toBe(1);
    const stale = bin(['check', '--format', 'json'], root);
    expect(stale.status).toBe(1);
    const found = (JSON.parse(stale.stdout) as { diagnostics: { ruleId: string; file: string }[] }).diagnostics.map(d => `${d.ruleId}@${d.file}`);
    expect(found).toEqual(['schema-stale@schemas/catalog-info.schema.json']);
    expect(bin(['schema', '--write'], root).status).toBe(0);
    expect(bin(['schema', '--check'], root).status).toBe(0);
    expect(bin(['check'], root).status).toBe(0);
  }, 120_000);
});
