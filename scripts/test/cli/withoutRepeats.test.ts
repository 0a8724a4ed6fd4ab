import { describe, expect, it } from 'vitest';
import { withoutRepeats } from '../../src/cli/checkCommand.ts';
import type { Diagnostic } from '../../src/diagnostic.ts';

const at = (ruleId: string, line: number, message: string, file = 'a.yaml'): Diagnostic => ({
  ruleId,
  severity: 'error',
  message,
  file,
  range: { start: { line, column: 1 }, end: { line, column: 2 } },
});

describe('withoutRepeats', () => {
  it('drops a finding another gate repeats at the same rule, file and start, and keeps the longer message in the first place', () => {
    const short = at('yaml-syntax', 6, 'Bad flow sequence');
    const long = at('yaml-syntax', 6, 'Bad flow sequence Backstage then fails the whole Location.');
    const other = at('entity-schema', 2, 'x');
    // The catalog's finding first, then the template gate's.
    expect(withoutRepeats([[short, other], [long]])).toEqual([long, other]);
    expect(withoutRepeats([[long], [short]])).toEqual([long]);
  });

  it('never merges two findings of one gate, however alike: two steps one $yaml brings in are two findings', () => {
    const step = at('template-action-unknown', 9, 'No installed scaffolder module provides the action acme:x');
    expect(withoutRepeats([[step, { ...step }]])).toEqual([step, step]);
    // The catalog repeats one of them: still two.
    expect(withoutRepeats([[step, { ...step }], [{ ...step }]])).toEqual([step, step]);
    // Two of one gate repeated by two of another: two.
    expect(withoutRepeats([[step, { ...step }], [{ ...step }, { ...step }]])).toEqual([step, step]);
    const short = at('yaml-syntax', 6, 'Bad flow sequence');
    const long = at('yaml-syntax', 6, 'Bad flow sequence Backstage then fails the whole Location.');
    expect(withoutRepeats([[short, long]])).toEqual([short, long]);
  });

  it('keeps findings that differ in rule, file, start or what they say', () => {
    const list = [
      at('entity-kind-schema', 4, 'must be string'),
      at('entity-kind-schema', 4, 'must match pattern'),
      at('entity-schema', 4, 'must be string'),
      at('entity-kind-schema', 5, 'must be string'),
      at('entity-kind-schema', 4, 'must be string', 'b.yaml'),
      // A longer message never takes a more severe finding's place.
      { ...at('entity-kind-schema', 4, 'must be string, and more'), severity: 'info' as const },
    ];
    expect(withoutRepeats([list.slice(0, 3), list.slice(3)])).toEqual(list);
  });
});
