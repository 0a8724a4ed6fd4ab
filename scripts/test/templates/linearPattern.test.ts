import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { linearByShape } from '../../src/templates/linearPattern.ts';
import { backtrackingRegexes, backtrackingRegexSync } from '../../src/templates/regexBacktracking.ts';

// recheck's own verdict, in its pure JavaScript checker, as backtrackingPatterns runs it.
process.env.RECHECK_BACKEND = 'pure';
process.env.RECHECK_SYNC_BACKEND = 'pure';
const { checkSync } = createRequire(import.meta.url)('recheck') as { checkSync(source: string, flags: string, options: { timeout: number }): { status: string; complexity?: { type: string } } };

// Real patterns (every distinct one in the public templates of the fidelity sweeps and in this repo's
// policies and templates) and the shapes that do backtrack.
const REAL = [
  '^[a-z0-9]+(-[a-z0-9]+)*$', '^[a-z0-9-]+$', '^[a-z-]*$', '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$', '^[a-z0-9-]*$', '^[a-zA-Z0-9-_]+$',
  '^\\$\\{[\\s\\S]+\\}\\s*$', '^[a-z][a-z0-9-]*[a-z0-9]$', '^[a-z0-9]+(?:-[a-z0-9]+)*$', '^https://github\\.com/[^/]+/[^/]+$', '^[a-z][a-z0-9-]{1,60}$',
  '^[a-fA-F0-9]{8}-[a-fA-F0-9]{4}-[a-fA-F0-9]{4}-[a-fA-F0-9]{4}-[a-fA-F0-9]{12}$', '^[0-9]{12}$', '^([a-z][a-z0-9]*)(-[a-z0-9]+)*$',
  '^([0-9]{1,3}\\.){3}[0-9]{1,3}\\/[0-9]{1,2}$', '^[a-z0-9.-]{3,63}$', '^(deployment|statefulset|cronjob|job|proxy)/[a-z0-9]([-a-z0-9]*[a-z0-9])?$',
  '^[a-z][a-z0-9-]{2,38}[a-z0-9]$', '^[Uu][Ss][Ee][Rr]:', '^\\w+$', '^https?://.+/$', '^@[^/\\s]+/[^/\\s]+$', '^\\d{4}-\\d{2}-\\d{2}$',
  '^[a-z0-9-]+:[a-z0-9-]+/[a-z0-9._-]+$', '^[A-Za-z_$][A-Za-z0-9_$]*$', '^(@backstage(-community)?/plugin-)?catalog-backend-module-[a-z0-9]+(-[a-z0-9]+)*$',
  '^[a-zA-Z0-9._%+-]+@[a-zA-Z0-9.-]+\\.[a-zA-Z]{2,}$', 'v\\d+', '\\d{3}', 'abc', '^(main|master|develop)$', '^(a|ab)(c|bcd)(d*)$', '^a+b{1,1000}$', '^[a-z]{2,10}(-[a-z]{2,10}){0,3}$',
];
const BACKTRACKING = ['^(\\w+\\s?)*$', '^([a-z0-9]+-?)*[a-z0-9]+$', '^(a|a)*$', '(a+)+b', 'a+b', '[a-z]+@', '\\s*#', '^\\S+@\\S+$', '^.*a.*b$', 'x+y+z', '(a|b)*c', '^(https?://)?([\\da-z.-]+)\\.([a-z.]{2,6})([/\\w .-]*)*/?$', '^(a+)\\1$', '^(?=a+b)a', '^a+a+$', '^a{1,1000}a{1,1000}$',
  'a{1,1000}b', '^[a-z]+(-[a-z]+)*-[a-z-]+$', '^[a-z-]+(-[a-z]+)*$', '^(-[a-z-]+)*$', '^(\\d+)+$', '^([a-z]+-)*[a-z]+$', '^(a*)*$', '^(?:a|b)+$',
  // Red team, round 18: a count is no constant of the pattern's text: the rest after an unclosed repetition
  // (and an unanchored pattern) is retried at each length, taking up to that many characters each time.
  '^a*a{100000}$', '^\\S*\\S{99999}$', '^[a-z]*(?:[a-z]{1000}){100}$', 'x{999}', '^a*a{998}$', '^a*a{30}$', '\\w{40}$', '(?:ab){40}$', '^([a-z]+(\\w{40}a{3})?)$'];

// Random patterns over the shapes that matter (separators, overlapping classes, nesting, anchors), from a
// fixed seed: whatever linearByShape calls linear, recheck must not find backtracking.
function randomPatterns(count: number): string[] {
  let seed = 42;
  const next = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
  const atoms = ['a', '-', '[a-z]', '[a-z0-9]', '[a-z-]', '\\d', '\\w', '\\s', '\\S', '.', '[^/]', '/', '@', '[^@\\s]'];
  const quantifiers = ['', '', '+', '*', '?', '{1,3}', '{2,40}'];
  const part = (depth: number): string => {
    const roll = next(10);
    if (depth < 2 && roll === 0) return `(${part(depth + 1)}${part(depth + 1)})${quantifiers[next(quantifiers.length)]}`;
    if (depth < 2 && roll === 1) return `(${part(depth + 1)}|${part(depth + 1)})${quantifiers[next(4) === 0 ? 2 : 0]}`;
    return `${atoms[next(atoms.length)]}${quantifiers[next(quantifiers.length)]}`;
  };
  return Array.from({ length: count }, () => `${next(4) ? '^' : ''}${Array.from({ length: 1 + next(4) }, () => part(0)).join('')}${next(3) ? '$' : ''}`);
}

describe('linearByShape: which patterns need no recheck', () => {
  it('never calls a pattern linear that recheck finds backtracking (soundness, against the library itself)', () => {
    const unsound = [...REAL, ...BACKTRACKING, ...randomPatterns(300)].filter(p => linearByShape(p) && checkSync(p, 'u', { timeout: 10_000 }).status === 'vulnerable');
    expect(unsound).toEqual([]);
  }, 120_000);

  it('leaves every known backtracking shape to recheck', () => {
    expect(BACKTRACKING.filter(linearByShape)).toEqual([]);
  });

  it('clears the random patterns it can (so the soundness case above is not vacuous)', () => {
    expect(randomPatterns(300).filter(linearByShape).length).toBeGreaterThan(60);
  });

  it('clears most real patterns without recheck (what saves the gate its CPU)', () => {
    const cleared = REAL.filter(linearByShape);
    expect(cleared).toContain('^[a-z][a-z0-9-]{2,38}[a-z0-9]$');
    expect(cleared).toContain('^[a-z0-9-]+$');
    expect(cleared.length).toBeGreaterThanOrEqual(REAL.length / 2);
  });
});

describe('linearByShape on deep nesting', () => {
  // Red team, session 46: each group asked its elements what they start with twice, so 40 nested groups
  // took minutes on the gate's main thread before recheck was asked.
  it('answers for 40 nested groups in well under a second, and never throws for nesting that spends the stack', () => {
    const started = Date.now();
    expect(linearByShape(`^a${'('.repeat(40)}b${')'.repeat(40)}$`)).toBe(true);
    expect(Date.now() - started).toBeLessThan(2_000);
    // Found by the full suite: at 2,000 levels the walk's recursion ran out of stack in some runs and threw;
    // called with less stack left (as deep inside a caller), it throws every time.
    const deep = (depth: number) => `^a${'('.repeat(depth)}b${')'.repeat(depth)}$`;
    const calledFrom = (frames: number, depth: number): boolean => (frames === 0 ? linearByShape(deep(depth)) : calledFrom(frames - 1, depth));
    for (const frames of [0, 1_000, 2_000, 3_000]) for (const depth of [500, 2_000, 20_000]) expect(() => calledFrom(frames, depth)).not.toThrow();
  });
});

describe('backtrackingRegexes when recheck cannot decide', () => {
  // Red team, session 46: a backtracking pattern padded until recheck gave up in its time was no finding.
  it('counts a pattern recheck cannot decide in its time as backtracking (undecided), and one cut short by the run as unjudged', async () => {
    const padded = '^(a+)+$|abcdefghijklmnopqrstuvwxyz0123456789';
    const own = await backtrackingRegexes([{ pattern: padded }], { perPattern: 1, total: 30_000 });
    expect(own.get(`/${padded}`)?.complexity).toBe('undecided');
    const cut = await backtrackingRegexes([{ pattern: padded, flags: 'g' }], { perPattern: 30_000, total: 1 });
    expect(cut.get(`g/${padded}`)?.complexity).toBe('unjudged');
    // A pattern no flags compile runs nowhere: no finding.
    expect((await backtrackingRegexes([{ pattern: '(' }])).size).toBe(0);
  }, 60_000);
});

describe('backtrackingRegexSync after backtrackingRegexes', () => {
  // Session 46's note: `templates test` judged each literal twice (its static check, then the render's guard),
  // so an undecided literal cost it up to twice the pattern's time.
  it('takes the verdicts the asynchronous judge reached for literals with flags, and judges the rest itself', async () => {
    const none = { perPattern: 10_000, total: 0 };
    const judged = await backtrackingRegexes([{ pattern: '^(a|a)*$', flags: 'g' }, { pattern: '^(b+)+c$', flags: '' }, { pattern: '^(x|x)*$' }]);
    expect(judged.get('g/^(a|a)*$')?.complexity).toBe('exponential');
    // With no time of its own left, only a remembered verdict can answer.
    expect(backtrackingRegexSync('^(a|a)*$', 'g', none)?.complexity).toBe('exponential');
    expect(backtrackingRegexSync('^(b+)+c$', '', none)?.complexity).toBe('exponential');
    // A pattern judged without flags (tried with 'u' first) is not taken for one the render compiles without.
    expect(backtrackingRegexSync('^(x|x)*$', '', none)?.complexity).toBe('unjudged');
  }, 60_000);
});
