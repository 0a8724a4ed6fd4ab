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
  it('drops a finding repeated at the same rule, file and start, and keeps the longer message in the first place', () => {
    const short = at('yaml-syntax', 6, 'Bad flow sequence');
    const long = at('yaml-syntax', 6, 'Bad flow sequence Backstage then fails the whole Location.');
    const other = at('entity-schema', 2, 'x');
    expect(withoutRepeats([short, other, long, short])).toEqual([long, other]);
    expect(withoutRepeats([long, short])).toEqual([long]);
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
    expect(withoutRepeats(list)).toEqual(list);
  });
});
