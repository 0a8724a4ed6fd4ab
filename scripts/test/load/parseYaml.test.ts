import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { DEFAULT_YAML_LIMITS, parseYaml } from '../../src/load/parseYaml.ts';
import { catalogText, decodeUtf8 } from '../../src/load/readSource.ts';
import { listRepoFiles, isYamlFile } from '../../src/load/repoFiles.ts';
import { REPO_ROOT } from '../helpers/tempRepo.ts';
import { positionMismatches } from '../helpers/positions.ts';
import { readsAsBlock } from '../../src/load/blockPositions.ts';

const where = (text: string) => parseYaml(text, 'f.yaml').problems.map(p => `${p.ruleId}@${p.range.start.line}:${p.range.start.column}`);

describe('parseYaml', () => {
  it.each([
    ['syntax error with position', 'a: 1\nb: [1, 2\nc: 3\n', ['yaml-syntax@3:1']],
    ['duplicate key', 'metadata:\n  name: a\n  name: b\n', ['yaml-duplicate-key@3:3']],
    ['alias to an earlier document', 'a: &x 1\n---\nb: *x\n', ['yaml-syntax@3:4']],
    ['merge key kept literally', 'base: &b {x: 1}\nother:\n  <<: *b\n', ['yaml-merge-key@3:3']],
    ['trailing document separator', 'a: 1\n---\n', []],
  ])('%s', (_name, text, expected) => {
    expect(where(text)).toEqual(expected);
  });

  it('stops a billion-laughs file quickly and with bounded memory', () => {
    const levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let i = 1; i < 10; i++) {
      const prev = String.fromCharCode(96 + i);
      const name = String.fromCharCode(97 + i);
      levels.push(`${name}: &${name} [${Array(9).fill(`*${prev}`).join(',')}]`);
    }
    const started = Date.now();
    const heap = process.memoryUsage().heapUsed;
    const parsed = parseYaml(`${levels.join('\n')}\n`, 'laughs.yaml');
    expect(parsed.problems.map(p => p.ruleId)).toEqual(['yaml-alias-limit']);
    expect(parsed.documents).toEqual([undefined]);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(process.memoryUsage().heapUsed - heap).toBeLessThan(100 * 1024 * 1024);
  });

  it('reports pathological nesting as an error instead of crashing', () => {
    const parsed = parseYaml(`a: ${'['.repeat(100_000)}${']'.repeat(100_000)}\n`, 'deep.yaml');
    expect(parsed.problems.length).toBeGreaterThan(0);
    expect(parsed.problems.length).toBeLessThanOrEqual(5);
  });

  it('gives exactly the values Backstage gets from `yaml` (YAML 1.2 core schema)', () => {
    const scalars = 'a: 0o17\nb: 0x1F\nc: 1_000\nd: 0b11\ne: .inf\nf: 2001-01-01\ng: yes\nh: ~\ni: 012\nj: 1e3\nk: +12\nl: .NaN\nm: True\nn: "quoted"\no: |\n  block\np: 1.5e-3\nq: -.INF\n' +
      // Around the length and first-character tests that spare the patterns (yamlSchema.ts).
      'r:\ns: null\nt: NULL\nu: nULL\nv: nulls\nw: FALSE\nx: fAlse\ny: truer\nz: -12\naa: .5\nab: +.inf\nac: .Inf\nad: -0x1F\nae: 0x\naf: 1.\nag: .\nah: +\nai: e3\naj: 00\nak: -.5e+3\nal: ~x\nam: 9.9.9\n';
    const exact = parseAllDocuments(scalars, { merge: false }).map(d => d.toJS());
    expect(parseYaml(scalars, 'x.yaml').documents).toEqual(exact);
  });

  it("agrees with `yaml` on every YAML file in this repository", async () => {
    const files = (await listRepoFiles(REPO_ROOT)).filter(isYamlFile).filter(f => !f.startsWith('bench-data/'));
    expect(files.length).toBeGreaterThan(10);
    for (const file of files) {
      const text = readFileSync(`${REPO_ROOT}/${file}`, 'utf8');
      const exact = parseAllDocuments(text, { merge: false }).map(d => (d.errors.length ? undefined : d.toJS()));
      expect(parseYaml(text, file).documents, file).toEqual(exact);
    }
  });

  it('maps a path to the line and column of its value, or of the nearest parent key', () => {
    const parsed = parseYaml('apiVersion: v1\nkind: X\nmetadata:\n  name: a\nspec:\n  owner: me\n  list:\n    - a\n    - b\n', 'x.yaml');
    expect(parsed.locate(0, ['spec', 'owner']).start).toEqual({ line: 6, column: 10 });
    expect(parsed.locate(0, ['spec', 'list', 1]).start).toEqual({ line: 9, column: 7 });
    expect(parsed.locate(0, ['spec', 'missing']).start).toEqual({ line: 5, column: 1 });
    expect(parsed.locate(0, ['metadata', 'name'], { key: true }).start).toEqual({ line: 4, column: 3 });
  });
});

describe('positions without a second parse', () => {
  it('gives every position a full `yaml` parse gives, on every YAML file in this repository', async () => {
    const files = (await listRepoFiles(REPO_ROOT)).filter(isYamlFile).filter(f => !f.startsWith('bench-data/'));
    const mismatches = files.flatMap(file => positionMismatches(readFileSync(`${REPO_ROOT}/${file}`, 'utf8'), file));
    expect(mismatches).toEqual([]);
  });

  const shapes: [string, string, boolean][] = [
    ['comments everywhere', '# head\n\n---\na:   # c\nb:    \nc:\n  -\n    x: 1\n\n    # deeper\n  - y # z\n  # after\n"q k": 1\n\'s k\': 2\n---\nz: 1', true],
    ['flow sequences and empty values', 'a: [ x , "y z" ,w]  # c\nb: []\nc:\n  - [p]\nd:\ne: "x\\" y"\n', true],
    ['block scalars', 'a: |\n  x\n   y\n\n  z\n\nb: |-\n  q\n# c\nc:\n  d: >\n    p\n  e: 1\nf: |\n  end', true],
    ['sequences at the key indent and compact maps', 'spec:\n  steps:\n  - id: a\n    input:\n      url: ./x\n  - id: b\n    if: ${{ parameters.x }}\n  owner: me\n', true],
    ['trailing separator and indented document', '\n\n  a: 1\n  b: 2\n---\n', true],
    ['typed keys take the full parse', '1: a\ntrue: b\n', false],
    ['multi-line plain scalars take the full parse', 'a: one\n  two\nb: 1\n', false],
    ['flow mappings take the full parse', 'a: {b: 1}\n', false],
    ['CR line ends take the full parse', 'a: 1\r\nb: 2\r\n', false],
    // What comes after a node cannot move it: the lines before it are read, the rest only by `yaml`.
    ['a flow mapping after the located nodes', 'a: 1\nb:\n  - x\n  - [y, z]\nc: {d: 1}\ne: 2\n', false],
    ['a multi-line quoted scalar after them', 'metadata:\n  name: x\n  tags: [A]\nspec:\n  owner: "team\n    a"\n  type: y\n', false],
    ['a multi-line plain scalar at the end', 'spec:\n  owner: me\n  type: one\n    two\n', false],
    ['a later document that is not block style', 'a: 1\n# c\n---\nb: {c: 1}\n---\nd: 2\n', false],
    ['a duplicate key after them', 'a: 1\nb:\n  c: 2\n  c: 3\nd: 4\n', false],
    ['a collection followed by comments', 'a:\n  b: 1\n  # stretches a\nc:\n  - 1\n# and c\nd: 1\n', true],
    ['content after the root node', '  a: 1\n  b: 2\nc: 3\n', false],
    // Positions read js-yaml's copy of the text, which has a line break appended here.
    ['no line break at the end', 'a: 1\nb:\n  c: [x]\n  d: e', true],
    // js-yaml drops a byte order mark from its copy: positions then read the text itself.
    ['a byte order mark', '\uFEFFa: 1\nb:\n  c: [x]\n  d: e\n', false],
    ['a byte order mark and no line break at the end', '\uFEFFa: 1\nb:\n  c: [x]\n  d: e', false],
  ];
  it('takes the same positions from `yaml` once a big file has had many findings located', () => {
    const entity = (i: number) => `apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: c${i}\n  tags:\n    - java\n  links:\n    - url: https://x.example/${i}\n      title: Runbook\nspec:\n  type: service\n  owner: team-${i}\n  dependsOn:\n    - resource:r${i}\n`;
    const text = Array.from({ length: 300 }, (_, i) => entity(i)).join('---\n');
    expect(text.length).toBeGreaterThan(50_000);
    const fast = parseYaml(text, 'big.yaml');
    const exact = parseYaml(text, 'big.yaml', DEFAULT_YAML_LIMITS, { exactPositions: true });
    const located = Array.from({ length: 300 }, (_, i) => [i, fast.locate(299 - i, ['spec', 'owner']), fast.locate(i, ['metadata', 'tags', 0], { key: true })]);
    expect(located).toEqual(Array.from({ length: 300 }, (_, i) => [i, exact.locate(299 - i, ['spec', 'owner']), exact.locate(i, ['metadata', 'tags', 0], { key: true })]));
  });

  it.each(shapes)('%s', (_name, text, scanned) => {
    expect(readsAsBlock(text)).toBe(scanned);
    expect(positionMismatches(text, 'shape.yaml')).toEqual([]);
  });
});

describe('decodeUtf8', () => {
  it('rejects invalid UTF-8 with the position of the first bad byte', () => {
    const result = decodeUtf8(Buffer.concat([Buffer.from('a: 1\nb: caf'), Buffer.from([0xe9]), Buffer.from('\n')]), 'latin1.yaml');
    expect('problem' in result && `${result.problem.ruleId}@${result.problem.range.start.line}:${result.problem.range.start.column}`).toBe('yaml-encoding@2:7');
  });

  it('names UTF-16 files', () => {
    const result = decodeUtf8(Buffer.from([0xff, 0xfe, 0x61, 0x00]), 'utf16.yaml');
    expect('problem' in result && result.problem.message).toContain('UTF-16');
  });

  // parseEntityYaml reads `toString('utf8')` of the bytes; the catalog judges that text (catalogText).
  it.each([
    ['Latin-1', Buffer.from('name: caf\u00e9\n', 'latin1'), 'name: caf\uFFFD\n', '1:10'],
    ['a UTF-8 BOM (dropped, as from valid UTF-8)', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('name: caf\u00e9\n', 'latin1')]), 'name: caf\uFFFD\n', '1:10'],
    ['a real U+FFFD before the bad byte', Buffer.concat([Buffer.from('a: \uFFFD\nb: '), Buffer.from([0xe9])]), 'a: \uFFFD\nb: \uFFFD', '2:4'],
    ['UTF-16 (its mark and every NUL as they come)', Buffer.from([0xff, 0xfe, 0x61, 0x00]), '\uFFFD\uFFFDa\u0000', '1:1'],
  ])('gives the text Backstage reads besides the finding: %s', (_name, bytes, text, at) => {
    const result = decodeUtf8(bytes, 'x.yaml');
    expect('problem' in result && [catalogText(result), `${result.problem.ruleId}@${result.problem.range.start.line}:${result.problem.range.start.column}`]).toEqual([text, `yaml-encoding@${at}`]);
  });
});
