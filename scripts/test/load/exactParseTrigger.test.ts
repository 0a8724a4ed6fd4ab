import jsyaml from 'js-yaml';
import { CST, Lexer } from 'yaml';
import { describe, expect, it } from 'vitest';
import { parseYaml } from '../../src/load/parseYaml.ts';
import { needsExactParse } from '../../src/load/parserAgreement.ts';
import { runBin } from '../helpers/runBin.ts';
import { tempRepo } from '../helpers/tempRepo.ts';
import { mulberry32 } from '../helpers/seededRandom.ts';

// needsExactParse sends every text with an anchor, alias, tag or directive to `yaml` (which bounds alias
// expansion as Backstage's reader does; js-yaml does not). It looks for `&`, `*` and `!` only where a node
// can start, so `R & D` and a cron `30 */6 * * *` stay on the fast path. The oracles are the parsers
// themselves: `yaml`'s lexer (Backstage's parser) and js-yaml's own record of anchors.

/** Whether `yaml`'s lexer reads an anchor, alias, tag or directive anywhere in `text`. */
function yamlSeesProperty(text: string): boolean {
  for (const token of new Lexer().lex(text)) {
    const type = CST.tokenType(token);
    if (type === 'anchor' || type === 'alias' || type === 'tag' || type === 'directive-line') return true;
  }
  return false;
}

/** js-yaml's reading of `text` with the fast path's schema: 'refused', or whether it stored an anchor. */
function jsYamlReading(text: string): 'refused' | { anchored: boolean } {
  let anchored = false;
  try {
    jsyaml.loadAll(text, undefined, {
      schema: jsyaml.CORE_SCHEMA,
      listener: (event, state) => {
        if (event === 'close' && (state as unknown as { anchor: string | null }).anchor !== null) anchored = true;
      },
    });
  } catch {
    return 'refused';
  }
  return { anchored };
}


const MARKS = ['&a', '*a', '!t', '!!str', '!', '&', '*', '& ', '* ', '! ', '&a ', '*a ', '!t '];
const SOUP = [...MARKS, ...MARKS, ' ', '  ', '\t', '\n', '\n  ', '\r\n', '\r', '- ', '-', '? ', '?', ': ', ':', ',', ', ', '[', ']', '{', '}', '"', "'", ' #', '#', '|', '>', '---', '--- ', '...', '\uFEFF', '\u00a0', '\u2028', '%', '%YAML 1.2\n', '<<: ', 'a', 'b c', 'x: ', 'k:\n  ', '30 */6 * * *', 'R & D', 'Hi!'];
const VALUES = ['x', 'R & D', 'Tom & Jerry', "'30 */6 * * *'", '0 */6 * * *', 'Hello! World', 'a!b', 'a*b', 'a&b', '*important*', '&a x', '*a', '!t x', '!!str 1', '[x, *a]', '[x,*a]', '{k: *a}', '{"k":*a}', '[ &a x ]', '{ *a : b }', '"a & *b"', "'! x'", 'x # & * !', 'a - *b', 'a, *b'];

/** Texts that put `&`, `*` and `!` everywhere: token soup, and catalog-like lines with such values and keys. */
function texts(count: number, seed: number): string[] {
  const random = mulberry32(seed);
  const pick = <T,>(list: readonly T[]): T => list[Math.floor(random() * list.length)];
  const out: string[] = [];
  for (let n = 0; n < count; n++) {
    if (n % 2 === 0) {
      let text = pick(['', '', 'a: ', '- ', 'k:\n  ', '[', '{', '--- ', '...', '\uFEFF', 'a\n...']);
      for (let i = 1 + Math.floor(random() * 8); i > 0; i--) text += pick(SOUP);
      out.push(`${text}\n`);
      continue;
    }
    const lines: string[] = [];
    for (let i = 1 + Math.floor(random() * 5); i > 0; i--) {
      const pad = ' '.repeat(pick([0, 0, 2, 2, 4]));
      const lead = pick(['', '', '- ', '? ', '-\t', '- - ']);
      const shape = random();
      if (shape < 0.6) lines.push(`${pad}${lead}${pick(['a', 'name', 'description', '&k key', '*k', '!t key', 'a & b', 'R&D'])}${pick([': ', ':\t', ':', ' : '])}${pick(VALUES)}`);
      else if (shape < 0.8) lines.push(`${pad}${lead}${pick(VALUES)}`);
      else lines.push(`${pad}${pick(['description: |', 'description: >-', 'x:'])}\n${pad}  ${pick(VALUES)}`);
    }
    out.push(`${lines.join(pick(['\n', '\n', '\r\n']))}\n`);
  }
  return out;
}

describe('needsExactParse finds every anchor, alias, tag and directive a parser reads', () => {
  const corpus = texts(Number(process.env.EXACT_TRIGGER_TEXTS ?? 40_000), Number(process.env.EXACT_TRIGGER_SEED ?? 20261203));

  it('says yes for each text where `yaml` reads one and js-yaml reads the text', () => {
    const missed = corpus.filter(text => !needsExactParse(text) && yamlSeesProperty(text) && jsYamlReading(text) !== 'refused');
    expect(missed.map(text => JSON.stringify(text))).toEqual([]);
  });

  it('says yes for each text where js-yaml stores an anchor', () => {
    const missed = corpus.filter(text => {
      const reading = jsYamlReading(text);
      return reading !== 'refused' && reading.anchored && !needsExactParse(text);
    });
    expect(missed.map(text => JSON.stringify(text))).toEqual([]);
  });

  it('leaves a good share of texts holding `&`, `*` or `!` on the fast path (the checks above are not vacuous)', () => {
    const marked = corpus.filter(text => /[&*!]/.test(text));
    const fast = marked.filter(text => !needsExactParse(text));
    expect(fast.length).toBeGreaterThan(marked.length / 10);
    // and among those, texts js-yaml reads (their values are held equal to `yaml`'s by parserAgreement.test.ts)
    expect(fast.filter(text => jsYamlReading(text) !== 'refused').length).toBeGreaterThan(marked.length / 20);
  });

  it.each([
    ['an ampersand in prose', 'description: R & D, Tom & Jerry\n', false],
    ['a cron schedule', "schedule: { cron: '30 */6 * * *' }\ncadence: 0 */6 * * *\n", false],
    ['an exclamation mark in prose', 'title: Hello! Read this !now\n', false],
    ['an alias after a flow comma with no space', 'a: &x 1\nb: [y,*x]\n', true],
    ['an alias as a flow mapping value after a JSON key', 'a: &x 1\nb: {"k":*x}\n', true],
    ['an alias on a line of its own', 'a: &x 1\nb:\n  *x\n', true],
    ['an anchor after a tab', 'a:\t&x 1\n', true],
    ['an alias after a byte-order mark', '\uFEFF*x\n', true],
    ['a tag after a document start', '--- !!str 1\n', true],
    ['an alias as a sequence entry', 'a: &x 1\nb:\n  - *x\n', true],
    ['an alias as an explicit key', 'a: &x 1\n? *x\n: y\n', true],
    ['an anchor after a document end marker', 'a\n...  &a b\n', true],
    ['a directive after a byte-order mark', '\uFEFF%YAML 1.2\n---\na: 1\n', true],
  ])('%s', (_name, text, exact) => {
    expect(needsExactParse(text)).toBe(exact);
  });

  it('reads the same values and positions on either path for prose with `&`, `*` and `!`', () => {
    const text = "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: a\n  description: R & D's *core* service! Runs 30 */6 * * *\n  title: Q&A\nspec:\n  type: service\n  owner: team-a\n  lifecycle: production\n";
    expect(needsExactParse(text)).toBe(false);
    const fast = parseYaml(text, 'a.yaml');
    const exact = parseYaml(text, 'a.yaml', undefined, { exactPositions: true });
    expect(fast.documents).toEqual(exact.documents);
    for (const path of [['metadata', 'description'], ['metadata', 'title'], ['spec', 'owner']]) expect(fast.locate(0, path)).toEqual(exact.locate(0, path));
  });
});

describe('check through the bin: an alias bomb placed where only a node start reads it', () => {
  it.each([
    ['after a flow comma with no space', (level: number) => `[l${level - 1},*l${level - 1}]`],
    ['as a JSON-keyed flow value', (level: number) => `{"a":*l${level - 1},"b":*l${level - 1}}`],
  ])('is refused at the alias limit (%s), not expanded by js-yaml', async (_name, pair) => {
    const lines = ['l0: &l0 x'];
    for (let level = 1; level <= 12; level++) lines.push(`l${level}: &l${level} ${pair(level)}`);
    const entity = `apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: bomb\n  annotations:\n    x: "1"\nspec:\n  type: service\n  owner: team-a\n  lifecycle: production\n`;
    const repo = await tempRepo({ 'catalog/bomb.yaml': `${entity}---\n${lines.join('\n')}\nkind: Component\n` });
    const run = await runBin(['check', '--root', repo, '--format', 'json'], repo);
    expect(run.status, run.stderr).toBe(1);
    expect(run.stdout).toContain('yaml-alias-limit');
  });
});
