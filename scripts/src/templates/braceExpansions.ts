import { createRequire } from 'node:module';

interface BraceNode {
  type: string;
  value?: string;
  nodes?: BraceNode[];
  commas?: number;
  ranges?: number;
  invalid?: boolean;
  dollar?: boolean;
}

interface Braces {
  parse(pattern: string, options: object): BraceNode;
  stringify(node: BraceNode, options: object): string;
  expand(pattern: string, options: object): string[];
}

// fast-glob's expandBraceExpansion hands every pattern to micromatch.braces with these options.
const FAST_GLOB_OPTIONS = { expand: true, nodupes: true, keepEscaping: true };

let braces: Braces | undefined;

/** braces as the scaffolder's globby loads it: globby → fast-glob → micromatch → braces. */
function scaffolderBraces(): Braces {
  if (!braces) {
    const backend = createRequire(createRequire(import.meta.url).resolve('@backstage/plugin-scaffolder-backend'));
    const fastGlob = createRequire(backend.resolve('globby')).resolve('fast-glob');
    const micromatch = createRequire(fastGlob).resolve('micromatch');
    braces = createRequire(micromatch)('braces') as Braces;
  }
  return braces;
}

/**
 * How many patterns fetch:template's globby (fast-glob through micromatch.braces) expands `pattern` into
 * before duplicates are dropped, counted from braces' own parse of it without building them: `{a,b}` 23
 * times is 8 million, which the scaffolder would hold in memory at once. `failure`: braces refuses the
 * pattern (a {x..y} range past its rangeLimit of 1000, a pattern past 10,000 characters), and so globby
 * throws and fetch:template fails the task. Never throws.
 */
export function braceExpansionCount(pattern: string): { count: number } | { failure: string } {
  // micromatch.braces hands braces only a pattern with a `{` before a `}`; the rest stay as written.
  const open = pattern.indexOf('{');
  if (open < 0 || pattern.indexOf('}', open) < 0) return { count: 1 };
  try {
    return { count: expansions(scaffolderBraces().parse(pattern, FAST_GLOB_OPTIONS)) };
  } catch (error) {
    return { failure: error instanceof Error ? error.message : String(error) };
  }
}

// The walk of braces' lib/expand.js (3.0.3), counting where it concatenates: an invalid or `${…}` group is
// its text; `{}` is itself; a range is what fill-range gives (at most rangeLimit values, built by braces
// itself); a group with commas is the sum of its alternatives, each the product of what it holds; any
// other node (the root, a group without commas, which braces keeps with its braces) the product of its
// children. A child with a value is text even when it holds nodes, as expand.js reads it.
function expansions(node: BraceNode): number {
  if (node.invalid || node.dollar || !node.nodes) return 1;
  if (node.type === 'brace' && node.nodes.length === 2) return 1;
  if ((node.ranges ?? 0) > 0) {
    const lib = scaffolderBraces();
    return Math.max(lib.expand(lib.stringify(node, FAST_GLOB_OPTIONS), FAST_GLOB_OPTIONS).length, 1);
  }
  const of = (child: BraceNode) => (child.value && child.type !== 'open') || !child.nodes ? 1 : expansions(child);
  if (node.type !== 'brace' || !node.commas) return node.nodes.reduce((product, child) => product * of(child), 1);
  let sum = 0;
  let product = 1;
  for (const child of node.nodes) {
    if (child.type === 'comma' || child.type === 'close') {
      sum += product;
      product = 1;
    } else {
      product *= of(child);
    }
  }
  return sum;
}
