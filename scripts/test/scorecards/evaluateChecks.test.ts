import { describe, expect, it } from 'vitest';
import { evaluateChecks } from '../../src/scorecards/evaluateChecks.ts';
import { matchesFilter } from '../../src/scorecards/matchFilter.ts';
import { maturityRank } from '../../src/scorecards/maturity.ts';
import type { Check } from '../../src/scorecards/model.ts';

const check = (conditions: Check['rule']['conditions'], extra: Partial<Check> = {}): Check => ({
  id: 'c', name: 'c', description: 'c', level: 'bronze', category: 'x', solution: 'fix it', enforcement: { mode: 'warn' },
  factIds: ['r'], rule: { conditions }, tests: [], ...extra,
});
const entity = { kind: 'Component', metadata: { name: 'a' }, spec: { type: 'service', lifecycle: 'production' } };
const run = async (c: Check, facts: Record<string, unknown>, e: Record<string, unknown> = entity) => (await evaluateChecks(e, new Map([['r', facts]]), [c]))[0];

describe("jsonfc semantics", () => {
  it.each([
    ['strict equal: 1 is not "1"', { all: [{ fact: 'n', operator: 'equal', value: 1 }] }, { n: '1' }, 'fail'],
    ['a missing fact makes the check not applicable, never failed', { all: [{ fact: 'n', operator: 'equal', value: 1 }] }, {}, 'not-applicable'],
    ['a null fact counts as present', { all: [{ fact: 'n', operator: 'equal', value: 1 }] }, { n: null }, 'fail'],
    ['`in` with a string value is a substring test', { all: [{ fact: 's', operator: 'in', value: 'production' }] }, { s: 'duct' }, 'pass'],
    ['`in` with a list is membership', { all: [{ fact: 's', operator: 'in', value: ['production'] }] }, { s: 'duct' }, 'fail'],
    ['`contains` needs an array fact', { all: [{ fact: 's', operator: 'contains', value: 'a' }] }, { s: 'abc' }, 'fail'],
    ['`doesNotContain` is also false on a non-array', { all: [{ fact: 's', operator: 'doesNotContain', value: 'z' }] }, { s: 'abc' }, 'fail'],
    ['`notIn` is true when a path misses', { all: [{ fact: 'o', operator: 'notIn', value: ['x'], path: '$.missing' }] }, { o: { a: 1 } }, 'pass'],
    ['JSONPath reads into object facts', { all: [{ fact: 'o', operator: 'equal', value: 'P1', path: "$['pagerduty.com/service-id']" }] }, { o: { 'pagerduty.com/service-id': 'P1' } }, 'pass'],
    ['a version string is not a number: "8.0.1" < 9 is false', { all: [{ fact: 'v', operator: 'lessThan', value: 9 }] }, { v: '8.0.1' }, 'fail'],
    ['numeric strings coerce: "10" > 9', { all: [{ fact: 'v', operator: 'greaterThan', value: 9 }] }, { v: '10' }, 'pass'],
    ['empty `any` is true', { any: [] }, {}, 'pass'],
    ['decorators: everyFact on [] is true', { all: [{ fact: 'l', operator: 'everyFact:in', value: ['a'] }] }, { l: [] }, 'pass'],
  ] as const)('%s', async (_name, conditions, facts, expected) => {
    expect((await run(check(conditions as never), facts as never)).outcome).toBe(expected);
  });

  it('a filtered-out check has no result, and filters compare strings case-insensitively', async () => {
    const c = check({ all: [{ fact: 'n', operator: 'equal', value: 1 }] }, { filter: { kind: 'api' } });
    expect(await run(c, { n: 1 })).toMatchObject({ outcome: 'not-applicable', reason: 'filtered' });
    expect(matchesFilter(entity, { kind: 'COMPONENT', 'spec.lifecycle': ['experimental', 'production'] })).toBe(true);
    expect(matchesFilter(entity, [{ kind: 'api' }, { 'spec.type': 'service' }])).toBe(true);
    expect(matchesFilter(entity, { 'spec.system': 'x' })).toBe(false);
  });

  it('an exempt check is not applicable', async () => {
    const [result] = await evaluateChecks(entity, new Map([['r', { n: 2 }]]), [check({ all: [{ fact: 'n', operator: 'equal', value: 1 }] })], () => true);
    expect(result).toMatchObject({ outcome: 'not-applicable', reason: 'exempt' });
  });
});

describe('maturity rank', () => {
  const ranks: Record<string, number> = { b: 1, s: 2, g: 3 };
  const r = (checkId: string, outcome: 'pass' | 'fail' | 'not-applicable') => ({ checkId, outcome });
  it.each([
    ['all pass: the highest rank present', [r('b', 'pass'), r('s', 'pass'), r('g', 'pass')], 3],
    ['a failing silver check caps at bronze', [r('b', 'pass'), r('s', 'fail'), r('g', 'pass')], 1],
    ['a failing bronze check is the base level', [r('b', 'fail'), r('s', 'pass')], 0],
    ['not-applicable results do not count', [r('b', 'pass'), r('g', 'not-applicable')], 1],
  ] as const)('%s', (_n, results, expected) => {
    expect(maturityRank(results as never, id => ranks[id])).toBe(expected);
  });
});
