import { RegExpParser, type AST } from '@eslint-community/regexpp';

// How many ways the bounded choices of a pattern (alternatives, optional and bounded repetitions) may combine
// before its shape alone no longer shows it linear: each is one more way a failing match is retried.
const MAX_CHOICES = 1000;
// How many characters, times the ways to take them, a try that is repeated with the value's length (an
// unanchored pattern's at each character, the rest after an unbounded repetition that is not closed at each
// of its lengths) may take: `^a*a{998}$` is n·998 steps (1.8 s on a 1 MB value; scaffolder-backend takes
// 10 MB bodies); recheck, the judge of what is not cleared here, calls `^a*a{30}$` and unanchored `\w{40}$`
// polynomial, `^a*a{20}$` and `\w{20}$` safe.
const MAX_RETRIED_STEPS = 20;

const parser = new RegExpParser({ ecmaVersion: 2025 });

/** A set of code points: ranges, their complement (`negate`), or unknown (`any`: meets every set). */
interface CharSet {
  ranges: [number, number][];
  negate?: boolean;
  any?: boolean;
}

const NOTHING: CharSet = { ranges: [] };
const ANYTHING: CharSet = { ranges: [], any: true };
const DIGIT: [number, number][] = [[0x30, 0x39]];
const WORD: [number, number][] = [[0x30, 0x39], [0x41, 0x5a], [0x5f, 0x5f], [0x61, 0x7a]];
// ECMAScript's \s: WhiteSpace and LineTerminator.
const SPACE: [number, number][] = [[0x09, 0x0d], [0x20, 0x20], [0xa0, 0xa0], [0x1680, 0x1680], [0x2000, 0x200a], [0x2028, 0x2029], [0x202f, 0x202f], [0x205f, 0x205f], [0x3000, 0x3000], [0xfeff, 0xfeff]];

/** What a sequence's walk has seen so far along one path. */
interface Walk {
  /** A repetition whose extent is not decided by the next character (it is retried at each length). */
  unclosed: boolean;
  /** Whether anything repeats a varying number of times (more than once). */
  repeats: boolean;
  choices: number;
  /** Whether that repetition is unbounded: what follows it is then retried as many times as the value is long. */
  open: boolean;
  /** How many characters the path takes after its repetition that is not closed, at most (0 before one). */
  tail: number;
}

/**
 * Whether `pattern` (a JSON Schema `pattern`, compiled as jsonschema compiles it: with the `u` flag when it
 * can be) matches in time linear in the value's length in a backtracking engine such as V8's, shown by its
 * shape alone (parsed with regexpp, ESLint's parser of ECMAScript regular expressions):
 * - a repetition is "closed" when what can follow it cannot start with a character it could take
 *   (`[a-z0-9-]+:` and `[a-z0-9]+(-[a-z0-9]+)*$`): it matches at one length only, and a failing match leaves
 *   it after as many steps as it took characters;
 * - at most one repetition along a path is not closed, and no unbounded repetition comes after it (`^\S+@\S+$`
 *   retries the second at every `@` the first can stop before);
 * - a repeated group starts with one separator character that nothing else in it or after it takes
 *   (`(-[a-z0-9]+)*`), and everything repeated inside it is closed; no `(a+)+`, `(\w+\s?)*`, `(a|b)*`;
 * - no backreference or lookaround; the bounded choices multiply to at most MAX_CHOICES;
 * - what is retried with the value's length (the rest after an unbounded repetition that is not closed, or an
 *   unanchored pattern) takes at most MAX_RETRIED_STEPS characters times its choices, counts included (`^a*a{100000}$` is quadratic up to
 *   100,000 characters);
 * - anchored at its start (`^` first in every alternative) when anything repeats a varying number of
 *   times: an unanchored pattern is retried at each of the value's characters (`[a-z]+@` is quadratic,
 *   `a{1,1000}b` a thousand steps per character).
 * `false` means only "not shown linear here": recheck decides those (backtrackingPatterns). Never throws.
 */
export function linearByShape(pattern: string): boolean {
  try {
    return shownLinear(pattern);
  } catch {
    // Nesting deep enough to spend the stack (thousands of groups): not shown linear; recheck, on its own thread, decides.
    return false;
  }
}

function shownLinear(pattern: string): boolean {
  let ast: AST.Pattern;
  try {
    ast = parser.parsePattern(pattern, 0, pattern.length, { unicode: true });
  } catch {
    try {
      ast = parser.parsePattern(pattern, 0, pattern.length, { unicode: false });
    } catch {
      return false;
    }
  }
  const walk = alternatives(ast.alternatives, NOTHING, { unclosed: false, open: false, repeats: false, choices: 1, tail: 0 });
  if (!walk || walk.choices > MAX_CHOICES) return false;
  const anchored = ast.alternatives.every(a => a.elements[0]?.type === 'Assertion' && a.elements[0].kind === 'start');
  // A try of an unanchored pattern (at each of the value's characters), and the rest of the pattern after a
  // repetition that is not closed (at each length that one stops at), take up to that many characters one of
  // `choices` ways: a count in the pattern (`a{100000}`, `^a*a{100000}$`) is no constant of its text.
  if (!anchored && walk.choices * width(ast.alternatives) > MAX_RETRIED_STEPS) return false;
  // After a bounded one (`^[a-z][a-z0-9-]{2,38}[a-z0-9]$`), the retries are as many as its lengths, whatever the value.
  if (walk.unclosed && walk.choices * walk.tail > (walk.open ? MAX_RETRIED_STEPS : MAX_CHOICES)) return false;
  return anchored || !walk.repeats;
}

/**
 * How many characters one try of `list` can take at most, counting each repetition at its largest count
 * (an unbounded one once: an unanchored pattern with one is not linear by shape anyway). Capped at
 * Number.MAX_SAFE_INTEGER.
 */
function width(list: readonly AST.Alternative[]): number {
  let most = 0;
  for (const alternative of list) {
    let sum = 0;
    for (const node of alternative.elements) sum = Math.min(sum + elementWidth(node), Number.MAX_SAFE_INTEGER);
    most = Math.max(most, sum);
  }
  return most;
}

function elementWidth(node: AST.Element): number {
  switch (node.type) {
    case 'Assertion':
      return 0;
    case 'Group':
    case 'CapturingGroup':
      return width(node.alternatives);
    case 'Quantifier': {
      const count = node.max === Infinity ? Math.max(node.min, 1) : node.max;
      return Math.min(count * elementWidth(node.element), Number.MAX_SAFE_INTEGER);
    }
    default:
      // One character (class), or a part linearByShape rejects anyway.
      return 1;
  }
}

/** Walks each alternative from `at`; a path goes through one of them, and a failing match tries each in turn. */
function alternatives(list: readonly AST.Alternative[], follow: CharSet, at: Walk): Walk | undefined {
  const out: Walk = { unclosed: at.unclosed, open: at.open, repeats: at.repeats, choices: 0, tail: at.tail };
  for (const alternative of list) {
    const one = sequence(alternative.elements, follow, { ...at, choices: 1 });
    if (!one) return undefined;
    out.unclosed ||= one.unclosed;
    out.open ||= one.open;
    out.repeats ||= one.repeats;
    out.choices += one.choices;
    out.tail = Math.max(out.tail, one.tail);
  }
  out.choices = Math.min(out.choices * at.choices, Number.MAX_SAFE_INTEGER);
  return out;
}

function sequence(elements: readonly AST.Element[], follow: CharSet, at: Walk): Walk | undefined {
  let walk: Walk | undefined = at;
  for (let i = 0; i < elements.length && walk; i++) walk = element(elements[i], firstOf(elements, i + 1, follow), walk);
  return walk;
}

function element(node: AST.Element, follow: CharSet, at: Walk): Walk | undefined {
  switch (node.type) {
    case 'Character':
    case 'CharacterClass':
    case 'CharacterSet':
    case 'ExpressionCharacterClass':
      return taken(at, 1);
    case 'Assertion':
      // ^, $, \b and \B look at one or two characters; a lookaround runs a whole pattern of its own.
      return node.kind === 'lookahead' || node.kind === 'lookbehind' ? undefined : at;
    case 'Group':
    case 'CapturingGroup':
      return alternatives(node.alternatives, follow, at);
    case 'Quantifier':
      return quantifier(node, follow, at);
    default:
      // Backreferences (their cost depends on what a group captured) and anything not known here.
      return undefined;
  }
}

function quantifier(node: AST.Quantifier, follow: CharSet, at: Walk): Walk | undefined {
  const body = node.element;
  if (node.max === node.min) return single(body) ? taken(at, elementWidth(node)) : undefined;
  // An optional part (`?`, `{0,1}`): the path goes through it or not.
  if (node.max === 1) {
    if (single(body)) return taken({ ...at, choices: at.choices * 2 }, elementWidth(node));
    if (body.type !== 'Group' && body.type !== 'CapturingGroup') return undefined;
    const through = alternatives(body.alternatives, follow, { ...at, choices: 1 });
    return through && { unclosed: through.unclosed, open: through.open, repeats: through.repeats, choices: Math.min(at.choices * (through.choices + 1), Number.MAX_SAFE_INTEGER), tail: through.tail };
  }
  let first: CharSet;
  if (single(body)) first = firstOf([body], 0, NOTHING);
  else {
    const separator = separatedGroup(body, follow);
    if (!separator) return undefined;
    first = separator;
  }
  const closed = disjoint(first, follow);
  // A repetition after one that is not closed is entered again at each length that one stops at, and
  // backtracks through all of its own lengths each time (`^\S+@\S+$`, `^a+b{1,1000}$`).
  if (at.unclosed) return undefined;
  if (node.max !== Infinity) {
    if (!single(body)) return undefined;
    // Not closed, it stops at each of its lengths in turn: what follows is entered that many times.
    return closed ? { ...at, repeats: true } : { unclosed: true, open: false, repeats: true, choices: Math.min(at.choices * (node.max - node.min + 1), Number.MAX_SAFE_INTEGER), tail: 0 };
  }
  return { unclosed: !closed, open: !closed, repeats: true, choices: at.choices, tail: 0 };
}

/** `at` after `characters` more characters: counted in its tail once a repetition before is not closed. */
function taken(at: Walk, characters: number): Walk {
  return at.unclosed ? { ...at, tail: Math.min(at.tail + characters, Number.MAX_SAFE_INTEGER) } : at;
}

/**
 * The separator of a group repeated as `(sX…)*`: one character (class) `s` first, then characters and
 * repetitions of single characters, each closed against what can follow it inside the group (the next
 * repetition's `s`, or what follows the group). `undefined` when the group has another shape.
 */
function separatedGroup(node: AST.QuantifiableElement, follow: CharSet): CharSet | undefined {
  if ((node.type !== 'Group' && node.type !== 'CapturingGroup') || node.alternatives.length !== 1) return undefined;
  const { elements } = node.alternatives[0];
  const head = elements[0];
  if (!head || !isCharacter(head)) return undefined;
  const separator = firstOf(elements, 0, NOTHING);
  if (separator.any) return undefined;
  const end = union(separator, follow);
  for (let i = 1; i < elements.length; i++) {
    const part = elements[i];
    if (isCharacter(part)) continue;
    if (part.type !== 'Quantifier' || !isCharacter(part.element)) return undefined;
    if (part.max === part.min) continue;
    if (!disjoint(firstOf([part.element], 0, NOTHING), firstOf(elements, i + 1, end))) return undefined;
  }
  return separator;
}

function isCharacter(node: AST.Node): boolean {
  return node.type === 'Character' || node.type === 'CharacterClass' || node.type === 'CharacterSet' || node.type === 'ExpressionCharacterClass';
}

/** A part that always takes the same characters one way: one character (class), or a group of those. */
function single(node: AST.QuantifiableElement): boolean {
  if (isCharacter(node)) return true;
  if (node.type !== 'Group' && node.type !== 'CapturingGroup') return false;
  return node.alternatives.length === 1 && node.alternatives[0].elements.length > 0 && node.alternatives[0].elements.every(isCharacter);
}

/** The characters a match of `elements[from…]` can start with, then `follow`'s where all of them can match nothing. */
function firstOf(elements: readonly AST.Node[], from: number, follow: CharSet): CharSet {
  let set = NOTHING;
  for (let i = from; i < elements.length; i++) {
    const [first, empty] = start(elements[i]);
    set = union(set, first);
    if (!empty) return set;
  }
  return union(set, follow);
}

// start's answers by node: a group asks it of its elements twice (its first characters, whether it can be
// empty), so without this a pattern of n nested groups took 2^n steps (40 levels held the gate for minutes).
const starts = new WeakMap<AST.Node, [CharSet, boolean]>();

/** What `node` can start with, and whether it can match the empty string. */
function start(node: AST.Node): [CharSet, boolean] {
  let known = starts.get(node);
  if (!known) starts.set(node, (known = startOf(node)));
  return known;
}

function startOf(node: AST.Node): [CharSet, boolean] {
  switch (node.type) {
    case 'Character':
      return [{ ranges: [[node.value, node.value]] }, false];
    case 'CharacterSet':
      return [escapeSet(node), false];
    case 'CharacterClass': {
      if (node.unicodeSets) return [ANYTHING, false];
      let set: CharSet = NOTHING;
      for (const part of node.elements) {
        if (part.type === 'Character') set = union(set, { ranges: [[part.value, part.value]] });
        else if (part.type === 'CharacterClassRange') set = union(set, { ranges: [[part.min.value, part.max.value]] });
        else if (part.type === 'CharacterSet') set = union(set, escapeSet(part));
        else set = ANYTHING;
      }
      return [node.negate && !set.any && !set.negate ? { ranges: set.ranges, negate: true } : node.negate ? ANYTHING : set, false];
    }
    case 'Assertion':
      // `$` and `^` end what can be taken next; \b and \B take nothing.
      if (node.kind === 'end' || node.kind === 'start') return [NOTHING, false];
      return node.kind === 'word' ? [NOTHING, true] : [ANYTHING, true];
    case 'Group':
    case 'CapturingGroup': {
      let set = NOTHING;
      let empty = false;
      for (const alternative of node.alternatives) {
        const first = firstOf(alternative.elements, 0, NOTHING);
        set = union(set, first);
        empty ||= alternative.elements.every(e => start(e)[1]);
      }
      return [set, empty];
    }
    case 'Quantifier': {
      const [set, empty] = start(node.element);
      return [set, empty || node.min === 0];
    }
    default:
      return [ANYTHING, true];
  }
}

function escapeSet(node: AST.CharacterSet | AST.EscapeCharacterSet | AST.UnicodePropertyCharacterSet): CharSet {
  const ranges = node.kind === 'digit' ? DIGIT : node.kind === 'word' ? WORD : node.kind === 'space' ? SPACE : undefined;
  if (!ranges) return ANYTHING;
  return 'negate' in node && node.negate ? { ranges, negate: true } : { ranges };
}

function union(a: CharSet, b: CharSet): CharSet {
  if (a.any || b.any) return ANYTHING;
  if (a.ranges.length === 0 && !a.negate) return b;
  if (b.ranges.length === 0 && !b.negate) return a;
  // A complement joined with anything is not tracked: it meets every set (the safe answer).
  if (a.negate || b.negate) return ANYTHING;
  return { ranges: [...a.ranges, ...b.ranges] };
}

/** Whether no character is in both sets; unknown sets meet everything. */
function disjoint(a: CharSet, b: CharSet): boolean {
  if (a.any || b.any) return false;
  if (a.negate && b.negate) return false;
  if (a.negate) return b.ranges.every(r => covered(r, a.ranges));
  if (b.negate) return a.ranges.every(r => covered(r, b.ranges));
  return a.ranges.every(([lo, hi]) => b.ranges.every(([l, h]) => hi < l || h < lo));
}

/** Whether every code point of `range` is in one of `ranges`. */
function covered([lo, hi]: [number, number], ranges: readonly [number, number][]): boolean {
  let next = lo;
  // Sorted by start: extend the covered prefix until it passes hi or a gap shows.
  for (const [l, h] of [...ranges].sort((x, y) => x[0] - y[0])) {
    if (l > next) break;
    if (h >= next) next = h + 1;
    if (next > hi) return true;
  }
  return next > hi;
}
