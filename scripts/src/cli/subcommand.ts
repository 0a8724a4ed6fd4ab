import { closest, distance } from 'fastest-levenshtein';
import { UsageError } from '../config/usageError.ts';
import { logText } from '../report/safeText.ts';

/** "Did you mean check? " for a word a few letters from one of `known` (`chek`, `tset`), else ''. */
export function nearestWord(word: string, known: readonly string[]): string {
  const guess = closest(word.toLowerCase(), [...known]);
  return distance(word.toLowerCase(), guess) <= Math.max(2, Math.floor(word.length / 3)) ? `Did you mean ${guess}? ` : '';
}

/**
 * The usage error for a command run without one of its subcommands, or with one it does not have
 * (`templates tset`): which were expected, the nearest one, and where the help is. Printing the whole
 * help instead (as before) told a newcomer nothing of what was wrong.
 */
export function subcommandProblem(command: string, given: string | undefined, known: readonly string[]): UsageError {
  const list = known.join(' or ');
  if (given === undefined) return new UsageError(`a subcommand is missing: ${list}. Run 'backstage-gitops ${command} --help' for the options.`);
  return new UsageError(`'${logText(given.slice(0, 80))}' is not a ${command} subcommand (${list}). ${nearestWord(given, known)}Run 'backstage-gitops ${command} --help' for the options.`);
}
