import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cases, type Tree } from '../catalog/gateCases.ts';
import { baseTree } from '../catalog/fixtureOrg.ts';
import { MIN_PARSING_WAVE } from '../../src/load/loadCatalog.ts';
import { runBin } from '../helpers/runBin.ts';
import { tempRepo } from '../helpers/tempRepo.ts';

// BACKSTAGE_GITOPS_READER=always: the reader thread reads every other catalog file, whatever the catalog's
// size; never: the main thread reads them all. Both must give the same report, byte for byte.
const check = (root: string, reader: 'always' | 'never', env: Record<string, string> = {}) => runBin(['check', '--format', 'json'], root, { BACKSTAGE_GITOPS_READER: reader, ...env });

async function bothWays(tree: Tree) {
  const root = await tempRepo(tree, { policies: true });
  const [alone, shared] = await Promise.all([check(root, 'never'), check(root, 'always')]);
  return { root, alone, shared };
}

const entity = (name: string) => `apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: ${name}\nspec: {type: library, lifecycle: experimental, owner: team-a}\n`;

describe('the reader thread (through the bin)', () => {
  it.each(cases)('%s: the same report with every other file read by the reader thread', async (_name, change) => {
    const tree = baseTree();
    change(tree);
    const { alone, shared } = await bothWays(tree);
    expect(alone.stderr).toBe('');
    expect([shared.status, shared.stdout, shared.stderr]).toEqual([alone.status, alone.stdout, alone.stderr]);
  }, 60_000);

  it('reads what no parser should see the same way: too large, UTF-16, Latin-1, a UTF-8 BOM, empty, missing', async () => {
    const tree = baseTree();
    tree['catalog/all.yaml'] += '    - ./more/*.yaml\n    - ./more/gone.yaml\n';
    const files: Record<string, string | Buffer> = {
      'catalog/more/a-big.yaml': `${entity('big')}description: ${'x'.repeat(1024 * 1024)}\n`,
      'catalog/more/b-utf16.yaml': Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(entity('wide'), 'utf16le')]),
      'catalog/more/c-latin1.yaml': Buffer.from(entity('caf\u00e9-service'), 'latin1'),
      'catalog/more/d-bom.yaml': Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(entity('bom'))]),
      'catalog/more/e-empty.yaml': '',
      'catalog/more/f-fine.yaml': entity('fine').replace('owner: team-a', 'owner: team-b'),
    };
    const root = await tempRepo({ ...tree, ...files }, { policies: true });
    const [alone, shared] = await Promise.all([check(root, 'never'), check(root, 'always')]);
    expect([shared.status, shared.stdout, shared.stderr]).toEqual([alone.status, alone.stdout, alone.stderr]);
    const found = (JSON.parse(alone.stdout) as { diagnostics: { ruleId: string; file: string }[] }).diagnostics.map(d => `${d.ruleId}@${d.file}`);
    expect(found).toEqual(expect.arrayContaining([
      'yaml-file-too-large@catalog/more/a-big.yaml',
      'yaml-encoding@catalog/more/b-utf16.yaml',
      'yaml-encoding@catalog/more/c-latin1.yaml',
      'ref-unresolved@catalog/more/f-fine.yaml',
      'location-target-missing@catalog/all.yaml',
    ]));
    // The BOM is no part of the text (the entity parses; only the org's policies speak), an empty file is no finding.
    expect(found.filter(f => /^(yaml|entity)-/.test(f) && /(d-bom|e-empty)\.yaml$/.test(f))).toEqual([]);
    expect(found).toContain('policy/system-has-domain@catalog/more/d-bom.yaml');
  }, 60_000);

  it('takes the parser the main thread would for each text it read (the reader judges which)', async () => {
    const tree = baseTree();
    tree['catalog/all.yaml'] += '    - ./routes/*.yaml\n';
    // Texts js-yaml reads otherwise than `yaml` (an alias and merge key, a `null:` key, a flow key, a tab, a
    // lone CR, a duplicate key, a directive), each of which only `yaml` may judge, beside plain ones.
    const texts: Record<string, (name: string) => string> = {
      'a-merge': name => `${entity(name)}metadata2: &m {a: 1}\nother:\n  <<: *m\n`,
      'b-null-key': name => entity(name).replace('spec:', 'null: x\nspec:'),
      'c-flow-key': name => `${entity(name)}[a]: b\n`,
      'd-tab': name => entity(name).replace(`  name: ${name}`, `  name:\t${name}`),
      'e-cr': name => entity(name).replace('kind: Component\n', 'kind: Component\rx: 1\n'),
      'f-duplicate': name => entity(name).replace('metadata:\n', 'metadata:\n  name: first\n'),
      'g-directive': name => `%YAML 1.2\n---\n${entity(name)}`,
      'h-plain': name => entity(name),
    };
    // Each text twice in a row: the reader reads every other file, so it reads one of each.
    const files = Object.fromEntries(Object.entries(texts).flatMap(([file, text]) => [1, 2].map(n => [`catalog/routes/${file}-${n}.yaml`, text(`${file}-${n}`)])));
    const root = await tempRepo({ ...tree, ...files }, { policies: true });
    const [alone, shared] = await Promise.all([check(root, 'never'), check(root, 'always')]);
    expect(alone.stderr).toBe('');
    expect([shared.status, shared.stdout, shared.stderr]).toEqual([alone.status, alone.stdout, alone.stderr]);
    const found = (JSON.parse(alone.stdout) as { diagnostics: { ruleId: string; file: string }[] }).diagnostics.map(d => `${d.ruleId}@${d.file}`);
    expect(found).toEqual(expect.arrayContaining(['yaml-duplicate-key@catalog/routes/f-duplicate-1.yaml', 'yaml-duplicate-key@catalog/routes/f-duplicate-2.yaml', 'yaml-syntax@catalog/routes/e-cr-2.yaml']));
  }, 60_000);

  it('takes the documents the reader thread parsed as the main thread\'s own: values each YAML schema reads its own way', async () => {
    const tree = baseTree();
    tree['catalog/all.yaml'] += '    - ./values/*.yaml\n';
    // Plain files (js-yaml's route), so the reader parses the ones it reads: a date, octal, `yes`, infinity and a
    // big number stay what YAML 1.2's core schema makes of them (the date and `yes` text, the others numbers).
    const values = ['2024-01-31', '0o17', 'yes', '-.inf', '12345678901234567890', '-0', '"caf\\u00e9"'];
    const files = Object.fromEntries(values.flatMap((value, v) => [1, 2].map(n => {
      const name = `v${v}-${n}`;
      return [`catalog/values/${name}.yaml`, entity(name).replace('metadata:\n', `metadata:\n  annotations:\n    acme.io/value: ${value}\n  labels:\n    acme.io/value: ${value}\n`)];
    })));
    const root = await tempRepo({ ...tree, ...files }, { policies: true });
    const [alone, shared] = await Promise.all([check(root, 'never'), check(root, 'always')]);
    expect(alone.stderr).toBe('');
    expect([shared.status, shared.stdout, shared.stderr]).toEqual([alone.status, alone.stdout, alone.stderr]);
    const found = (JSON.parse(alone.stdout) as { diagnostics: { ruleId: string; file: string }[] }).diagnostics.filter(d => d.file.startsWith('catalog/values/') && d.ruleId === 'entity-schema');
    const flagged = new Set(found.map(d => d.file.replace(/^catalog\/values\/v(\d+)-\d\.yaml$/, '$1')));
    // The numbers are no strings to Backstage; the date, `yes` and the quoted text are.
    expect([...flagged].sort()).toEqual(['1', '3', '4', '5']);
  }, 60_000);

  it('a catalog big enough for the reader to parse on its own (auto, a wave of MIN_PARSING_WAVE files): the same report as one thread alone', async () => {
    const tree = baseTree();
    tree['catalog/all.yaml'] += '    - ./many/*.yaml\n';
    const files: Record<string, string> = {};
    // Mostly clean files, every 97th with findings at known places (a number where text belongs, an unknown
    // owner), and every file with a date, which stays text only under YAML 1.2's core schema.
    // Exactly the threshold: the reader parses only in a wave at least this big, so this catalog follows it if it moves.
    for (let i = 0; i < MIN_PARSING_WAVE; i++) {
      const name = `m${String(i).padStart(5, '0')}`;
      const text = entity(name).replace('metadata:\n', 'metadata:\n  annotations:\n    acme.io/since: 2024-01-31\n');
      files[`catalog/many/${name}.yaml`] = i % 97 === 0 ? text.replace('owner: team-a', 'owner: team-gone').replace('metadata:\n', 'metadata:\n  labels:\n    acme.io/n: 0o17\n') : text;
    }
    const root = await tempRepo({ ...tree, ...files }, { policies: true });
    const auto = await runBin(['check', '--format', 'json'], root, { BACKSTAGE_GITOPS_READER: 'auto' });
    const alone = await check(root, 'never');
    expect(alone.stderr).toBe('');
    expect([auto.status, auto.stdout, auto.stderr]).toEqual([alone.status, alone.stdout, alone.stderr]);
    const found = (JSON.parse(alone.stdout) as { diagnostics: { ruleId: string; file: string }[] }).diagnostics.filter(d => d.file.startsWith('catalog/many/'));
    expect(found.filter(d => d.ruleId === 'entity-schema').length).toBe(Math.ceil(MIN_PARSING_WAVE / 97));
  }, 180_000);

  it('writes the same --cache, hashed by the reader thread or by the main thread', async () => {
    const tree = baseTree();
    tree['catalog/orders.yaml'] = `\uFEFF${tree['catalog/orders.yaml'].replace('name: orders-db', 'name: orders db!')}`;
    const root = await tempRepo(tree, { policies: true });
    const [alone, shared] = await Promise.all([
      runBin(['check', '--format', 'json', '--cache', 'alone.json'], root, { BACKSTAGE_GITOPS_READER: 'never' }),
      runBin(['check', '--format', 'json', '--cache', 'shared.json'], root, { BACKSTAGE_GITOPS_READER: 'always' }),
    ]);
    expect([shared.status, shared.stdout, shared.stderr]).toEqual([alone.status, alone.stdout, alone.stderr]);
    expect(alone.stdout).toContain('entity-field-format');
    // The per-file part (after the run record's line, whose key sees the other run's cache file in the repo).
    const perFile = async (name: string) => (await readFile(join(root, name), 'utf8')).split('\n').slice(1).join('\n');
    expect(await perFile('shared.json')).toBe(await perFile('alone.json'));
    expect(await perFile('alone.json')).toContain('"hash"');
  }, 60_000);

  it('a reader thread that fails is one tool error (exit 2), not a hang or a partial report', async () => {
    const root = await tempRepo(baseTree(), { policies: true });
    // A preload that Node runs in every thread; it breaks only the worker.
    await writeFile(join(root, 'break-worker.cjs'), "if (!require('node:worker_threads').isMainThread) throw new Error('worker broken on purpose');\n");
    const result = await check(root, 'always', { NODE_OPTIONS: `--require ${join(root, 'break-worker.cjs')}` });
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^backstage-gitops check: internal error: the thread reading catalog files stopped: worker broken on purpose\n/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  }, 60_000);
});
