import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments, parseDocument } from 'yaml';
import { describe, expect, it } from 'vitest';
import { plainYamlValue } from '../../src/config/configFile.ts';
import { parseYaml } from '../../src/load/parseYaml.ts';
import { listRepoFiles, isYamlFile } from '../../src/load/repoFiles.ts';
import { REPO_ROOT, tempRepo } from '../helpers/tempRepo.ts';
import { gitops } from '../e2e/gitops.ts';

// plainYamlValue is how gitops.config.yaml and the app-configs are read when they are plain YAML: it must
// give exactly what `yaml` gives (readConfigDocument's parseDocument(…).toJS()), and nothing where `yaml`
// refuses the text, which then decides and says where.
function yamlVerdict(text: string): { value: unknown } | { refused: string } {
  const doc = parseDocument(text, { prettyErrors: false, logLevel: 'error' });
  if (doc.errors.length) return { refused: doc.errors[0].code };
  try {
    return { value: doc.toJS() };
  } catch (error) {
    return { refused: (error as Error).message };
  }
}

function expectAgreement(text: string) {
  const exact = yamlVerdict(text);
  const plain = plainYamlValue(text);
  if ('refused' in exact) expect(plain, `yaml refuses (${exact.refused}) what the fast path read`).toBeUndefined();
  else if (plain) expect(plain.value).toStrictEqual(exact.value);
}

// Every config the test suite writes inline (`'gitops.config.yaml': '…'`), as a string literal.
function inlineConfigs(): string[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.ts')) {
        const source = readFileSync(path, 'utf8');
        for (const m of source.matchAll(/'gitops\.config\.yaml': *('(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*"|`[^`$]*`)/g)) found.push(new Function(`return ${m[1]}`)() as string);
      }
    }
  };
  walk(join(REPO_ROOT, 'scripts/test'));
  return found;
}

const HOSTILE: [string, string][] = [
  ['duplicate top-level key', 'repoUrl: a\nrepoUrl: b\n'],
  ['duplicate nested key', 'catalog:\n  roots: [a.yaml]\n  roots: [b.yaml]\n'],
  ['duplicate key in a flow mapping', 'rules: {a: off, a: error}\n'],
  ['duplicate key, quoted and plain', "rules:\n  'a': off\n  a: error\n"],
  ['anchor and alias', 'catalog:\n  roots: &r [a.yaml]\n  include: *r\n'],
  ['alias to nothing', 'catalog:\n  roots: *r\n'],
  ['merge key', 'base: &b {failOn: error}\nother:\n  <<: *b\n'],
  ['merge key without an alias', 'rules:\n  <<: {a: off}\n'],
  ['core tag', 'repoUrl: !!str 123\n'],
  ['custom tag', 'repoUrl: !custom x\n'],
  ['python tag', 'repoUrl: !!python/object:os.system x\n'],
  ['YAML 1.1 directive', '%YAML 1.1\n---\nfailOn: yes\n'],
  ['two documents', 'failOn: error\n---\nfailOn: warning\n'],
  ['document end marker', 'failOn: error\n...\n'],
  ['leading document marker', '---\nfailOn: error\n'],
  ['YAML 1.1 booleans stay strings', 'rules:\n  a: yes\n  b: no\n  c: on\n  d: off\n  e: y\n'],
  ['YAML 1.2 booleans and nulls', 'a: true\nb: False\nc: NULL\nd: ~\ne:\nf: null\n'],
  ['numbers of the core schema', 'a: 0o17\nb: 0x1F\nc: 0777\nd: .5\ne: +1\nf: -.inf\ng: .NaN\nh: 1e3\ni: 1_000\nj: 0b101\nk: 1.\n'],
  ['timestamps stay strings', 'a: 2001-12-14\nb: 2001-12-14t21:59:43.10-05:00\n'],
  ['non-string keys', '1: a\ntrue: b\nnull: c\n~: d\n1.5: e\n'],
  ['empty key', ': a\n'],
  ['explicit complex key', '? a\n: b\n'],
  ['flow sequence as a key', '[a, b]: c\n'],
  ['flow mapping as a key', '{a: b}: c\n'],
  ['flow sequence as a key inside a flow mapping', 'rules: {[a]: off}\n'],
  ['explicit flow-sequence key', '? [a]\n: b\n'],
  ['nested flow sequence as a key', '[[a]]: b\n'],
  ['flow key after a document marker', '--- [a]: b\n'],
  ['flow key in a sequence item', '- [a]: b\n'],
  ['explicit flow key inside a flow mapping', '{? [a] : b}\n'],
  ['flow mapping items in a block sequence', 'links:\n  - {url: https://x, title: X}\n'],
  ['nested flow sequences as values', 'a: [b, [c, {d: e}]]\n'],
  ['braces inside a plain key', 'paths:\n  /items/{id}:\n    get: {}\n'],
  ['brackets inside a plain key', 'a[0]: x\nb{c}: y\n'],
  ['explicit block-sequence key', '? - a\n  - b\n: c\n'],
  ['explicit key in a sequence', '- ? a\n  : b\n'],
  ['keys equal once stringified', "1: a\n'1': b\n"],
  ['null keys written two ways', 'null: a\n~: b\n'],
  ['boolean keys written two ways', 'true: a\nTrue: b\n'],
  ['numeric keys written two ways', '0x1: a\n1: b\n1.0: c\n'],
  ['__proto__ key', '__proto__: {failOn: error}\nrules:\n  __proto__: off\n'],
  ['constructor key', 'constructor: x\n'],
  ['long implicit key', `${'k'.repeat(1100)}: v\n`],
  ['tab indentation', 'catalog:\n\troots: [a]\n'],
  ['tab after a colon', 'failOn:\terror\n'],
  ['tab-separated flow items', 'roots: [a,\tb]\n'],
  ['byte-order mark', '\uFEFFfailOn: error\n'],
  ['CRLF line ends', 'catalog:\r\n  roots:\r\n    - a.yaml\r\n'],
  ['lone CR', 'failOn: error\rrules: {}\n'],
  ['lone CR inside a quoted scalar', 'a: "x\ry"\n'],
  ['long value', `a: ${'v'.repeat(1100)}\n`],
  ['comments everywhere', '# top\nfailOn: error # after\ncatalog: # map\n  roots: [a] # seq\n#end'],
  ['no space after colon', 'repoUrl:https://x\nfailOn:error\n'],
  ['hash inside a plain scalar', 'repoUrl: a#b\n'],
  ['colon inside a plain scalar', 'repoUrl: https://github.com/a/b\n'],
  ['nested mapping on one line', 'a: b: c\n'],
  ['multi-line plain scalar', 'repoUrl: a\n  b\n  c\n'],
  ['multi-line quoted scalar', 'repoUrl: "a\n  b\n\n  c"\n'],
  ['literal and folded block scalars', 'a: |\n  x\n  y\nb: >-\n  x\n  y\n\nc: |+\n  z\n\nd: |2\n    indented\n'],
  ['block scalar with trailing spaces', 'a: |  \n  x  \n'],
  ['double-quoted escapes', 'a: "\\u00e9\\x41\\N\\_\\t\\/"\n'],
  ['invalid double-quoted escape', 'a: "\\q"\n'],
  ['single-quoted escapes', "a: 'it''s'\n"],
  ['unterminated quote', 'a: "x\n'],
  ['unclosed flow sequence', 'roots: [a, b\n'],
  ['flow sequence over lines', 'roots: [\n  a,\n  b,\n]\n'],
  ['trailing comma in a flow mapping', 'rules: {a: off,}\n'],
  ['empty flow entries', 'roots: [a, , b]\n'],
  ['scalar document', 'just text\n'],
  ['sequence document', '- a\n- b\n'],
  ['only comments', '# nothing\n'],
  ['empty', ''],
  ['whitespace only', '  \n\n'],
  ['NUL character', 'a: "x\0y"\n'],
  ['control character', 'a: x\u0007y\n'],
  ['bad indentation', 'catalog:\n  roots: [a]\n roots: [b]\n'],
  ['sequence under a key at the same indent', 'roots:\n- a\n- b\n'],
  ['deep nesting', `${'['.repeat(200)}${']'.repeat(200)}\n`],
  ['question mark plain scalar', 'a: ?x\n'],
  ['dash plain scalar', 'a: -x\nb: - x\n'],
  ['percent inside a value', 'a: 100%\n'],
  ['ampersand and star inside words', 'a: R&D\nb: 2*3\nc: x!\n'],
  ['at sign and backtick', 'a: @x\n'],
  ['reserved backtick', 'a: `x`\n'],
  ['astral characters', 'a: "😀"\nb: 😀\n'],
  ['lone surrogate escape', 'a: "\\ud800"\n'],
  // What a fuzzer found js-yaml reading where `yaml` refuses the text or reads it otherwise (parserAgreement.ts).
  ['flow sequence closed at column 0', 'catalog:\n  roots: [\n    a.yaml\n]\n'],
  ['comment right after a quote', 'repoUrl: "https://x/"# the repo\n'],
  ['comment right after a flow sequence', 'catalog:\n  roots: [a.yaml]#roots\n'],
  ['null key', 'rules:\n  null: off\n'],
  ['tilde key', 'rules:\n  ~: off\n'],
  ['null key in a flow mapping', 'rules: {~: off}\n'],
  ['empty and null keys', 'rules:\n  "": off\n  null: error\n'],
  ['content after a document marker', '--- failOn: error\n'],
  ['content after a document end', 'failOn: error\n... x\n'],
  ['sequence entry out of line with its siblings', 'catalog:\n  roots:\n   -\n  -\n'],
  ['sequence entry after a bare one, outside it', 'a:\n-\n  -\n- b\n'],
  ['quoted scalar continued at column 0', 'catalog:\n  roots: "a\nb"\n'],
  ['block scalar with a deeper leading blank line', 'a: |\n     \n  b\n'],
];

describe('plainYamlValue: the same values as `yaml`, or none where `yaml` refuses', () => {
  it.each(HOSTILE)('%s', (_name, text) => {
    expectAgreement(text);
  });

  it('on every config file the test suite writes inline', () => {
    const configs = inlineConfigs();
    expect(configs.length).toBeGreaterThan(10);
    for (const text of configs) expectAgreement(text);
    // Those are meant to be plain: the fast path reads them all.
    expect(configs.filter(text => !plainYamlValue(text))).toEqual([]);
  });

  it('on every YAML file of this repository (gitops.config.yaml, the app-configs, catalog and templates)', async () => {
    const files = (await listRepoFiles(REPO_ROOT)).filter(isYamlFile);
    expect(files).toContain('gitops.config.yaml');
    for (const file of files) expectAgreement(readFileSync(join(REPO_ROOT, file), 'utf8'));
    expect(plainYamlValue(readFileSync(join(REPO_ROOT, 'gitops.config.yaml'), 'utf8'))).toBeDefined();
  });

  // The catalog's fast path (parseYaml) takes js-yaml on the same conditions: it must agree as well.
  it.each(HOSTILE)('parseYaml agrees with `yaml` on a file with %s', (_name, text) => {
    const documents = parseAllDocuments(text, { merge: false, uniqueKeys: true, prettyErrors: false, logLevel: 'silent' });
    const list = Array.isArray(documents) ? documents : [];
    const parsed = parseYaml(text, 'f.yaml');
    let values: unknown[] | undefined;
    try {
      values = list.some(doc => doc.errors.length) ? undefined : list.map(doc => doc.toJS({ maxAliasCount: 100 }));
    } catch {
      values = undefined;
    }
    if (values === undefined) expect(parsed.problems.filter(p => p.severity === 'error').length, 'yaml refuses it').toBeGreaterThan(0);
    // Comments or blanks only: `yaml` gives no document where js-yaml gives one null; neither is an entity.
    else expect(values.length === 0 && parsed.documents.length === 1 && parsed.documents[0] === null ? [] : parsed.documents).toStrictEqual(values);
  });

  it('reads braces inside a plain key (an OpenAPI path) on the fast path', () => {
    expect(plainYamlValue('paths:\n  /items/{id}:\n    get: {}\n')).toEqual({ value: { paths: { '/items/{id}': { get: {} } } } });
  });

  it('leaves anchors, aliases, tags, directives and merge keys to `yaml`', () => {
    for (const text of ['a: &x 1\nb: *x\n', 'a: !!str 1\n', '%YAML 1.2\n---\na: 1\n', 'a:\n  <<: {b: 1}\n']) expect(plainYamlValue(text)).toBeUndefined();
  });
});

// Through the bin: a config the fast path reads and the schema refuses, and each hostile kind the fast
// path leaves to `yaml`, give the messages and positions they gave when `yaml` read every config.
const GROUP = 'apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: a\nspec:\n  type: team\n  children: []\n';
// The toolkit's schema, not a file of the temporary repository (left25).
const SCHEMA_HINT = `See ${REPO_ROOT}schemas/gitops-config.schema.json for the keys gitops.config.yaml takes.`;
describe('gitops.config.yaml through the bin: the same verdicts and positions either way', { timeout: 60_000 }, () => {
  it.concurrent.each([
    ['a schema error in a plain file', '# c\nfailOn: fatal\ncatalog:\n  roots: [a.yaml]\n  bogus: 1\n', 2, `gitops.config.yaml:2:9: failOn must be equal to one of the allowed values\ngitops.config.yaml:5:3: unknown key 'bogus' under catalog\n${SCHEMA_HINT}`],
    ['a duplicate key', 'catalog:\n  roots: [a.yaml]\n  roots: [b.yaml]\n', 2, 'gitops.config.yaml:3:3: YAML syntax error: Map keys must be unique.\nFix the file and run again.'],
    ['an alias', 'repoUrl: &u https://x/\nfailOn: *u\n', 2, `gitops.config.yaml:2:9: failOn must be equal to one of the allowed values\n${SCHEMA_HINT}`],
    ['a merge key', 'base: &b {failOn: error}\n<<: *b\n', 2, `gitops.config.yaml:1:1: unknown key 'base'\ngitops.config.yaml:2:1: unknown key '<<'\n${SCHEMA_HINT}`],
    ['a path outside the repository', "codeowners:\n  platformTeam: '@a/b'\n  file: ../../etc/x\n", 2, 'gitops.config.yaml:3: codeowners.file is "../../etc/x", which leads outside the repository'],
    ['a lone CR', 'failOn: error\rrules: {}\n', 2, 'gitops.config.yaml:1:9: YAML syntax error: Nested mappings are not allowed in compact mappings.\nFix the file and run again.'],
    ['two documents', 'failOn: error\n---\nfailOn: warning\n', 2, 'gitops.config.yaml:2:1: YAML syntax error: Source contains multiple documents'],
    ['a key over 1,024 characters', `rules:\n  ${'k'.repeat(1100)}: off\n`, 2, 'gitops.config.yaml:2:3: YAML syntax error: The : indicator must be at most 1024 chars after the start of an implicit block mapping key.'],
    ['a core tag', 'failOn: !!str error\ncatalog: {roots: [a.yaml]}\n', 0, ''],
    ['a flow sequence as a key', 'rules: {[a]: off}\ncatalog: {roots: [a.yaml]}\n', 0, ''],
  ])('%s', async (_name, config, status, message) => {
    const root = await tempRepo({ 'gitops.config.yaml': config, 'a.yaml': GROUP });
    const run = await gitops(root, ['check', '--format', 'json']);
    expect(run.status, run.stderr).toBe(status);
    if (message) expect(run.stderr).toContain(`backstage-gitops check: ${message}`);
    else expect(run.stderr).toBe('');
  });
});
