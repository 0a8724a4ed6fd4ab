import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { parseYaml } from '../../src/load/parseYaml.ts';
import { jsYamlMayDisagree, jsYamlReadsAsYaml, needsExactParse } from '../../src/load/parserAgreement.ts';
import { plainDocuments } from '../../src/load/plainDocuments.ts';
import { runBin } from '../helpers/runBin.ts';
import { tempRepo } from '../helpers/tempRepo.ts';
import { mulberry32 } from '../helpers/seededRandom.ts';

// The gate reads plain files with js-yaml and must give exactly what Backstage's `yaml` gives
// (parseAllDocuments, YAML 1.2 core schema, unique keys, no merge keys): each document's value, and an error
// for each document `yaml` refuses. Texts outside js-yaml's trusted subset take `yaml` itself.
const REFUSED = Symbol('refused');

function backstageReads(text: string): unknown[] {
  const documents = parseAllDocuments(text, { merge: false, uniqueKeys: true, prettyErrors: false, logLevel: 'silent' });
  return (Array.isArray(documents) ? documents : []).map(doc => {
    if (doc.errors.length) return REFUSED;
    try {
      return doc.toJS({ maxAliasCount: 100 });
    } catch {
      return REFUSED;
    }
  });
}

function gateReads(text: string): unknown[] {
  const parsed = parseYaml(text, 'f.yaml');
  const refused = parsed.problems.some(p => p.severity === 'error');
  const documents = parsed.documents.map(value => (value === undefined ? REFUSED : value));
  // A gate that refuses the text refuses at least one document: the first `yaml` refuses.
  return refused && !documents.includes(REFUSED) ? [REFUSED] : documents;
}

function expectSameReading(text: string) {
  const exact = backstageReads(text);
  const gate = gateReads(text);
  // Comments or blanks only: `yaml` gives no document where js-yaml gives one null; neither is an entity.
  if (exact.length === 0 && gate.length === 1 && gate[0] === null) return;
  if (exact.includes(REFUSED) && gate.length === 1 && gate[0] === REFUSED) return;
  expect(gate, JSON.stringify(text)).toStrictEqual(exact);
}

const onFastPath = (text: string) => !needsExactParse(text) && !jsYamlMayDisagree(text);

const FIXTURES = join(import.meta.dirname, 'fixtures');
// The divergences a fuzzer found over 1.16M texts (`k:\n  ` and a few tokens), one JSON string a line.
const FUZZ_DIVERGENCES = readFileSync(join(FIXTURES, 'fuzz-divergences.jsonl'), 'utf8').trim().split('\n').map(line => JSON.parse(line) as string);

const ENTITY = 'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n';
const SPEC = 'spec:\n  type: service\n  owner: team-a\n';
const REPROS: [string, string][] = [
  ['flow sequence closed at column 0', `${ENTITY}  name: orders-api\n  tags: [\n    dotnet, service\n]\n  annotations:\n    a.io/b: c\n${SPEC}`],
  ['quote followed by a comment without a space', `${ENTITY}  name: "storefront"# the system\n${SPEC}`],
  ['null key in annotations', `${ENTITY}  name: a\n  annotations:\n    null: x\n${SPEC}`],
  ['tilde key in annotations', `${ENTITY}  name: a\n  annotations:\n    ~: x\n${SPEC}`],
  ['empty and null keys, a duplicate to `yaml`', `${ENTITY}  name: a\n  annotations:\n    "": a\n    null: b\n${SPEC}`],
  // Red team: js-yaml reads `\U` past U+10FFFF as a broken pair; `yaml` (Backstage) refuses the document.
  ['a \\U escape past U+10FFFF', `${ENTITY}  name: orders\n  description: "Order capture \\U00110000"\n${SPEC}`],
  ['a \\U escape of FFFFFFFF', `${ENTITY}  name: orders\n  description: "\\UFFFFFFFF"\n${SPEC}`],
  // js-yaml keeps one more line break than `yaml` for a `|+` scalar whose last line is blanks without a break.
  ['a keep-chomped block scalar ending in blanks', `${ENTITY}  name: a\n  description: |+\n    text\n  `],
];

// Variants of each kind of divergence, beyond the cases found.
const VARIANTS: string[] = [
  // Flow collections over lines, closed anywhere.
  'a:\n  tags: [x,\n    y]\n', 'a: {b: 1,\n  c: 2}\n', 'a:\n  b: [\n  ]\n', '- [a,\n- b]\n', 'a: [x, "]",\n  "[" ]\n', 'a: [b, # c\n  d]\n',
  'a: [b]#c\n', 'a: {b: c}#d\n', 'a: [b] c\n', 'a: [b]: c\n', 'a: {[b]: c}\n', 'a: {{b}}\n', 'a: {b: c: d}\n', 'a: [b, , c]\n', 'a: [,b]\n',
  'a: {"b":c}\n', 'a: ["b" : c]\n', 'a: [b:, c]\n', 'a: [- b]\n', 'a: [b, &x c]\n', 'a: [b]]\n', 'a: [b}\n',
  // Quoted scalars over lines, at any column, and quotes followed by text.
  'a: "b\nc"\n', "a: 'b\n  c'\n", 'a:\n  b: "c\nd"\n', 'a: "b\\\n  c"\n', 'a: "b"#c\n', "a: 'b'#c\n", 'a: "b"c\n', '"a"#: b\n', '- "a"# b\n', '"": a\n', "'': a\n",
  // Null-like and empty keys, in block and flow.
  'null: a\n', 'Null: a\n', 'NULL: a\n', '~: a\n', '~ : a\n', 'a:\n  - null: b\n', '- ~:\n', ': a\n', 'a: {~: b}\n', 'a: {null: b}\n', 'a: [~: b]\n', 'a: {: b}\n', '"": a\nnull: b\n',
  // Document markers with content, and document ends.
  '--- a: b\n', '--- a\n', '---a: b\n', '--- [a]\n', '--- |\n  a\n', 'a: 1\n... b\n', 'a: 1\n...\n', '--- # c\na: 1\n', '...\n',
  // Sequence entries and keys out of line with their siblings.
  'k:\n   -\n  -\n', 'k:\n  - a\n - b\n', 'k:\n  - a\n-\n', 'a:\n  b: 1\n   c: 2\n', 'a:\n    b: 1\n  c: 2\n', '  a: 1\nb: 2\n', '- a: 1\n b: 2\n', 'a: 1\n- b\n',
  '- - a\n  - b\n', 'a:\n- b\n- c\nd: e\n', '- a:\n  - b\n  c: d\n',
  // Plain scalars over lines and values on a line of their own.
  'a: b\n  c\n', 'a:\n  b\n', '- a\n  b\n', 'a\nb\n', 'a: b: c\n', 'a: - b\n',
  // Block scalars: indentation indicators, leading blank lines deeper than the content, less indented lines.
  'a: |2\n   b\n', 'a: |\n     \n  b\n', 'a: |\n    b\n  c\n', 'a: >\n  b\n\n   c\n  d\n', 'a: |+\n  b\n\n', 'a: |+\n  b\n  ', 'a: >+\n  b\n\t', 'a: "\\U0010FFFF"\n', 'a: "\\U00110000"\n', 'a: ["\\U00110000"]\n', 'a: |x\n  b\n', 'a: | x\n  b\n', '- |\n a\n', 'a: |-\n  b\n  # c\n',
  // Tabs, byte-order marks, CR line ends and stray indicators.
  'a:\tb\n', 'a: [b,\tc]\n', 'a: "b\tc"\n', 'a: b\n\uFEFFc: d\n', '\uFEFFa: b\n', 'a: b\r\nc: d\r\n', 'a: "b\r\n c"\n', 'a: @b\n', 'a: `b`\n', 'a: ,b\n', 'a: ]b\n', 'a: }b\n', 'a: ?b\n', 'a: :b\n',
];

describe('parseYaml reads what `yaml` reads (the gate cannot pass a text Backstage refuses or reads otherwise)', () => {
  it.each(FUZZ_DIVERGENCES.map(text => [JSON.stringify(text), text]))('fuzz divergence %s', (_name, text) => {
    expectSameReading(text);
  });

  it('every fuzz divergence takes `yaml`', () => {
    expect(FUZZ_DIVERGENCES.length).toBe(40);
    expect(FUZZ_DIVERGENCES.filter(onFastPath)).toEqual([]);
  });

  it.each(REPROS)('%s', (_name, text) => {
    expect(onFastPath(text)).toBe(false);
    expectSameReading(text);
  });

  it.each(['flowindent', 'nullkey', 'quotehash'])("the red team's catalog file entities.%s.yaml", name => {
    const text = readFileSync(join(FIXTURES, `entities.${name}.yaml`), 'utf8');
    expect(onFastPath(text)).toBe(false);
    expectSameReading(text);
  });

  it.each(VARIANTS.map(text => [JSON.stringify(text), text]))('variant %s', (_name, text) => {
    expectSameReading(text);
  });

  it('judges a big or hostile text in one pass', () => {
    const entity = (i: number) => `${ENTITY}  name: c${i}\n  tags: [a, "b", {c: d}]\n  links:\n    - url: https://x.example/${i}#top\n      title: 'Run: book'\n${SPEC}`;
    const texts = [
      Array.from({ length: 5000 }, (_, i) => entity(i)).join('---\n'),
      `a: ${'[x, '.repeat(100_000)}\n`,
      'a:\n'.repeat(200_000),
      `${Array.from({ length: 2000 }, (_, i) => `${' '.repeat(i)}a:`).join('\n')}\n`,
      `a: ${'"x" '.repeat(200_000)}\n`,
      `${'k: v:v:v:v#x#x#x\n'.repeat(100_000)}`,
    ];
    const started = performance.now();
    for (const text of texts) jsYamlMayDisagree(text);
    expect(performance.now() - started).toBeLessThan(3000);
    expect(onFastPath(texts[0])).toBe(true);
  });

  it('keeps plain catalog files on the fast path', () => {
    const plain = [
      `${ENTITY}  name: a\n  description: 'It''s "quoted"'\n  tags: [java, "x y"]\n  annotations:\n    a.io/b: "c"\n  links:\n    - url: https://x.example/a#b\n      title: Runbook\n${SPEC}  dependsOn: [component:b, 'resource:c']\n`,
      '---\nopenapi: 3.0.3\npaths:\n  /items/{id}:\n    get:\n      responses:\n        "200":\n          description: OK # c\n---\n',
      'spec:\n  steps:\n  - id: a\n    input:\n      url: ./x\n      values: {name: "${{ parameters.name }}"}\n  - id: b\n    if: ${{ parameters.x }}\n  text: |\n    line\n\n      deeper\n  folded: >-\n    a\n    b\n',
    ];
    for (const text of plain) {
      expect(onFastPath(text), text).toBe(true);
      expectSameReading(text);
    }
  });
});

// A deterministic generator of small texts: catalog-like lines built from keys, values, indentation and
// markers that each touch a corner of YAML, and the fuzzer's token soup.

const KEYS = ['a', 'b', 'name', 'tags', 'a b', 'a:b', '-a', 'a#b', '1', '0x1', '1.0', '-0', '.5', 'true', 'True', '.nan', '__proto__', '"a"', "'b'", '"1"', '~', 'null', 'NULL', '""', '[a]', '{a: b}', '?a', '"a"#', 'a ', 'x]', '-', '.', '~a', '$a', '"a\\nb"', 'a\u00a0b'];
const VALUES = [
  'x', 'x y', 'x # c', 'x#y', 'https://x:80/y#z', '${{ p.x }}', '~', 'null', '', 'true', 'FALSE', 'yes', '0o17', '0x1F', '1_000', '-.inf', '.NaN', '1e3', '+12', '012', '-0', '1.', 'x]', 'x}', 'a, b',
  '"q"', "'it''s'", "'a\\'", '"a\\"b"', '"\\u00e9\\t"', '"\\q"', '"\\x41\\U0001F600\\N\\_\\L\\P\\e\\a\\v\\0\\ \\/"', '"\\\'"', '"\\u00"', '"\\ud83d\\ude00"',
  'a\u0085b', 'a\u2028b', '<x', '=', '(x)', ';x', '"x"# c', '"x" # c', "'x'#", '"a"b', '""', '"open', "'open", '"a\\',
  '[a, b]', '[a,b,]', '[ ]', '{}', '{a: b, c: d}', '{a, b}', '[a: b]', '[~: a]', '{null: a}', '{: a}', '[a, [b, c]]', '{a: [b]}', '[a]#', '[a] # c', '[a]]', '[a}', '[', '[a,', ']', '{{a}}', '{[a]: b}', '["a":b]', '[a, , b]', '{"a": b}', '[a:b, c]', '{a:b}', '{a: b:c}', '[http://x]', '{a: }', '{a: ,}', '{a, b: c}', "['a''b', \"c\"]", '[a b, c d]', '{a: b c}', '["a": b]', "['a': b, c]", '[a: [b]]', '{a: {b: c}}', '[{a: b}, {c: d}]', '[a: ]', '{a: b, "c": d}',
  '|', '|-', '>+', '>', '|2', '| # c', '|x',
  'x: y', '- x', '-', '@x', '`x`', '&a x', '*a', '!t x', '%x', ',x', ':x', '-x', '?x', '? x', '---', '...',
];
const INDENTS = [0, 0, 0, 2, 2, 2, 4, 4, 1, 3, 6];
const PREFIXES = ['', '', '', '- ', '- ', '- - ', '-', '-  '];
const SEPARATORS = [': ', ': ', ': ', ':', ' : ', ':  '];
const SOUP = ['~', 'null', 'true', '.5', '0x1', 'x y', '-', '- ', '---', '...', '#', ' #', '|', '>', "'", '"', '[', ']', '{', '}', ',', ':', ': ', '\n', '\n  ', '\n    ', '\r\n', '\t', '\uFEFF', '%', '@', '`', '\\', '?', ' ', '\u0085', '\u2028', '\u00a0', 'a:b', '"\\x'];

const TREE_KEYS = ['a', 'b', 'name', 'a b', 'a:b', 'x-y', '1', '0x1', 'true', '-0', '.5', '"a"', "'b'", '"1"', 'a.io/b'];
const TREE_VALUES = ['x', 'x y', 'x # c', 'x#y', 'https://x:80/y#z', '~', 'null', '', 'true', '0o17', '1e3', '012', '-0', '.NaN', '"q"', "'it''s'", '"\\u00e9"', '[a, b]', '[]', '{a: b}', '{a: [b, "c"]}', '[a: b]', '[a:b, c]', "'a''b'", '"\\x41"', '{a: b c}', '-x', '$a', '{a, b: c}'];

/** A block-style text from a random tree (mostly what catalog files look like), with now and then one line broken. */
function treeText(random: () => number, pick: <T>(list: readonly T[]) => T): string {
  const lines: string[] = [];
  const step = pick([2, 2, 4, 1]);
  const node = (depth: number, indent: number, lead: string): void => {
    const shape = depth > 2 ? 0 : random();
    if (shape < 0.45) {
      if (random() < 0.15) {
        lines.push(`${lead}${pick(['|', '>', '|-', '>+'])}`);
        for (let j = 1 + Math.floor(random() * 3); j > 0; j--) lines.push(random() < 0.2 ? '' : `${' '.repeat(indent + step)}${pick(['x', 'x y', '  z', '# c'])}`);
      } else lines.push(`${lead}${pick(TREE_VALUES)}`.trimEnd());
      return;
    }
    lines.push(lead.trimEnd());
    const sequence = shape < 0.7;
    // A sequence may sit in its key's column, as templates write `steps:`.
    const inner = sequence && random() < 0.3 ? indent : indent + step;
    for (let i = 1 + Math.floor(random() * 3); i > 0; i--) {
      const pad = ' '.repeat(inner);
      if (sequence) node(depth + 1, inner, `${pad}- `);
      else node(depth + 1, inner, `${pad}${pick(TREE_KEYS)}: `);
    }
  };
  for (let i = 1 + Math.floor(random() * 3); i > 0; i--) node(1, 0, `${pick(TREE_KEYS)}: `);
  const text = lines.slice(0);
  if (random() < 0.4) {
    const at = Math.floor(random() * text.length);
    const broken = random();
    if (broken < 0.3) text[at] = ` ${text[at]}`;
    else if (broken < 0.5) text[at] = text[at].replace(/^ /, '');
    else if (broken < 0.8) text[at] = `${text[at].replace(/: .*$/, ': ')}${pick(VALUES)}`;
    else text.splice(at, 0, pick(['---', '...', '--- a', '# c', '  x', '- y', ']', '"', 'null: 1', '~:']));
  }
  return `${text.join(random() < 0.1 ? '\r\n' : '\n')}\n`;
}

function generated(count: number, seed: number): string[] {
  const random = mulberry32(seed);
  const pick = <T,>(list: readonly T[]): T => list[Math.floor(random() * list.length)];
  const texts: string[] = [];
  for (let n = 0; n < count; n++) {
    if (n % 2 === 1) {
      texts.push(treeText(random, pick));
      continue;
    }
    if (n % 4 === 2) {
      let text = 'k:\n  ';
      for (let i = 1 + Math.floor(random() * 6); i > 0; i--) text += pick(SOUP);
      texts.push(`${text}\n`);
      continue;
    }
    const lines: string[] = [];
    for (let i = 1 + Math.floor(random() * 7); i > 0; i--) {
      const shape = random();
      const pad = ' '.repeat(pick(INDENTS));
      const end = random() < 0.1 ? '\r\n' : random() < 0.05 ? '  \n' : '\n';
      if (shape < 0.5) lines.push(`${pad}${pick(PREFIXES)}${pick(KEYS)}${pick(SEPARATORS)}${pick(VALUES)}${end}`);
      else if (shape < 0.65) lines.push(`${pad}${pick(PREFIXES)}${pick(KEYS)}:${end}`);
      else if (shape < 0.75) lines.push(`${pad}${pick(PREFIXES)}${pick(VALUES)}${end}`);
      else if (shape < 0.82) lines.push(pick(['---\n', '--- x\n', '...\n', '--- # c\n', '\n', '   \n', '# c\n', `${pad}# c\n`]));
      else {
        // A block scalar and its content lines, indented anyhow, with blank lines between.
        lines.push(`${pad}${pick(PREFIXES)}${pick(['a', 'b'])}: ${pick(['|', '>', '|-', '>+', '|+'])}${end}`);
        for (let j = Math.floor(random() * 4); j > 0; j--) {
          lines.push(random() < 0.25 ? `${' '.repeat(Math.floor(random() * 8))}\n` : `${pad}${' '.repeat(pick([0, 1, 2, 2, 3, 4]))}${pick(['x', 'x y', '# c', '  z', 'a: b', '- c'])}${end}`);
        }
      }
    }
    texts.push(lines.join(''));
  }
  return texts;
}

describe('parseYaml reads what `yaml` reads on generated texts', () => {
  const texts = generated(6000, 20261130);

  it('agrees on each of 6,000 seeded texts', () => {
    const disagreements: string[] = [];
    for (const text of texts) {
      try {
        expectSameReading(text);
      } catch {
        disagreements.push(JSON.stringify(text));
      }
    }
    expect(disagreements).toEqual([]);
  });

  it('reads a good share of them on the fast path (the agreement above is not only `yaml` against itself)', () => {
    const fast = texts.filter(onFastPath);
    expect(fast.length).toBeGreaterThan(texts.length / 4);
    // and of those, some js-yaml reads and some it refuses (then `yaml` decides)
    expect(fast.filter(text => parseYaml(text, 'f.yaml').problems.length === 0).length).toBeGreaterThan(texts.length / 10);
  });
});

/** Where `a` and `b` first differ: type, prototype, own keys and their order, primitives by Object.is; undefined when they do not. */
function difference(a: unknown, b: unknown, at = '$'): string | undefined {
  if (typeof a !== 'object' || a === null || typeof b !== 'object' || b === null) return Object.is(a, b) ? undefined : `${at}: ${String(a)} against ${String(b)}`;
  if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return `${at}: another prototype`;
  const keys = Reflect.ownKeys(a);
  const other = Reflect.ownKeys(b);
  if (keys.join('\0') !== other.join('\0')) return `${at}: keys ${JSON.stringify(keys.map(String))} against ${JSON.stringify(other.map(String))}`;
  for (const key of keys) {
    const found = difference(Reflect.getOwnPropertyDescriptor(a, key)?.value, Reflect.getOwnPropertyDescriptor(b, key)?.value, `${at}.${String(key)}`);
    if (found) return found;
  }
  return undefined;
}

// Values each YAML schema reads its own way, written as plain catalog files write them.
const SCALARS = ['2024-01-31', '2024-01-31T10:00:00Z', '0o17', '017', '0x1F', '0b101', '1_000', '1e3', '+12', '-0', '-0.0', '.inf', '-.Inf', '.NaN', '12345678901234567890', '1.', 'yes', 'No', 'on', 'y', '~', 'null', 'True', '\'2024-01-31\'', '"\\u00e9 \\U0001F600"', 'caf\u00e9 \u{1F600}', '${{ parameters.name }}'];

describe('documents the reader thread parses are the main thread\'s own parse (plainDocuments through a structured clone)', () => {
  const texts = [
    ...generated(6000, 20261204),
    ...VARIANTS,
    ...REPROS.map(([, text]) => text),
    ...FUZZ_DIVERGENCES,
    ...SCALARS.map(value => `${ENTITY}  name: a\n  annotations:\n    a.io/b: ${value}\n  tags: [${value}]\n${SPEC}  x: ${value}\n`),
    `${ENTITY}  name: a\n  __proto__: {polluted: true}\n  labels:\n    __proto__: x\n${SPEC}---\n---\n${ENTITY}  name: b\n${SPEC}`,
    `${ENTITY}  name: a\n  description: |\n    line one\n\n    line three\n  title: >-\n    folded\n    text\n${SPEC}`,
  ];

  it('gives the same documents, problems and positions as parsing the text on the main thread', () => {
    const differences: string[] = [];
    let taken = 0;
    for (const text of texts) {
      if (!jsYamlReadsAsYaml(text)) continue;
      const documents = plainDocuments(text, 'f.yaml', 100_000);
      if (!documents) continue;
      taken++;
      const own = parseYaml(text, 'f.yaml');
      const given = parseYaml(text, 'f.yaml', undefined, { jsYamlReads: true, documents: structuredClone(documents) });
      const found = difference(given.documents, own.documents) ?? difference(given.problems, own.problems);
      if (found) differences.push(`${JSON.stringify(text)}: ${found}`);
      else if (JSON.stringify(given.locate(0, ['metadata', 'name'])) !== JSON.stringify(own.locate(0, ['metadata', 'name']))) differences.push(`${JSON.stringify(text)}: positions`);
    }
    expect(differences).toEqual([]);
    // Not vacuous: most catalog-like texts take the reader's parse.
    expect(taken).toBeGreaterThan(1000);
  });

  it('gives nothing for a text parseYaml does more with: over the node budget, a mapping over the keys limit, one js-yaml refuses', () => {
    expect(plainDocuments(`tags: [${'a, '.repeat(60_000)}a]\n`, 'f.yaml', 100_000)).toBeUndefined();
    expect(plainDocuments(`m:\n${Array.from({ length: 5_001 }, (_, i) => `  k${i}: v`).join('\n')}\n`, 'f.yaml', 100_000)).toBeUndefined();
    expect(plainDocuments('a: [b\n', 'f.yaml', 100_000)).toBeUndefined();
    expect(plainDocuments('a: b\n', 'f.yaml', 100_000)).toEqual([{ a: 'b' }]);
  });
});

describe('the red team repros through the bin: a yaml-syntax error on the line Backstage refuses', { timeout: 60_000 }, () => {
  it.concurrent.each([
    ['a flow sequence closed at column 0', `${ENTITY}  name: orders-api\n  tags: [\n    dotnet, service\n]\n${SPEC}`, 7, 'Flow sequence in block collection must be sufficiently indented'],
    ['a comment right after a quote', `${ENTITY}  name: "storefront"# the system\n${SPEC}`, 4, 'Comments must be separated from other tokens by white space characters'],
    ['a \\U escape past U+10FFFF', `${ENTITY}  name: orders\n  description: "Order capture \\U00110000"\n${SPEC}`, 5, 'Invalid escape sequence \\U00110000'],
  ])('%s', async (_name, entity, line, message) => {
    const root = await tempRepo({
      'gitops.config.yaml': 'repoUrl: https://github.com/acme/x/blob/main/\ncatalog:\n  roots: [catalog/all.yaml]\n',
      'catalog/all.yaml': entity,
    });
    const run = await runBin(['check', '--format', 'json'], root);
    expect(run.stderr).not.toContain('internal error');
    expect(run.status).toBe(1);
    const found = (JSON.parse(run.stdout).diagnostics as { ruleId: string; file: string; message: string; range: { start: { line: number } } }[])
      .filter(d => d.file === 'catalog/all.yaml' && d.ruleId === 'yaml-syntax');
    expect(found.map(d => d.range.start.line)).toContain(line);
    expect(found.find(d => d.range.start.line === line)?.message).toContain(message);
  });
});
