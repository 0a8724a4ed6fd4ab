import type { Diagnostic } from '../diagnostic.ts';
import { boundedText, logText } from '../report/safeText.ts';
import { gitattributesLines, type AttributesLine, type AttributeState } from './gitattributesLines.ts';

/** A `.gitattributes` file a pull request adds, edits or removes: its text on each side (undefined where it is absent). */
export interface AttributesFileChange {
  file: string;
  base?: string;
  head?: string;
}

/** What hides a file's changes in GitHub's pull request review, by the attribute that does it. */
type Hiding = 'linguist-generated' | 'linguist-vendored' | 'diff';

const SAID: Record<Hiding, string> = {
  'linguist-generated': 'linguist-generated (GitHub collapses a generated file\'s diff in "Files changed" until a reviewer clicks "Load diff")',
  'linguist-vendored': 'linguist-vendored (GitHub treats the files as third-party code)',
  diff: '-diff (git and GitHub show no diff for the file, only that it changed; `binary` implies it)',
};

// git's built-in macro (gitattributes(5), "Using macro attributes").
const BUILTIN_MACROS: ReadonlyMap<string, readonly AttributeState[]> = new Map([['binary', [{ name: 'diff', state: 'unset', column: 0 }, { name: 'merge', state: 'unset', column: 0 }, { name: 'text', state: 'unset', column: 0 }] as AttributeState[]]]);
/** At most this many findings in one run: a generated file of thousands of lines must not flood the report. */
const MAX_REPORTED = 50;

/**
 * review-hidden: each line of a `.gitattributes` file the pull request adds or changes that newly gives a
 * pattern an attribute that makes GitHub collapse or hide its files' diffs in pull request review:
 * `linguist-generated` (set, or any value but `false`, as Linguist reads it), `linguist-vendored` (likewise),
 * or `-diff` (also through `binary` or a macro of the top-level file). A red team's pull request added
 * `* linguist-generated=true -diff` beside a skeleton and `tests/** linguist-generated=true -diff` beside a
 * template: the changed skeleton and snapshots were folded away while the report said ready to merge.
 * "Newly" compares with the base revision's same file: the same pattern hidden the same way there (a
 * `*.png binary` already on main) is no finding; a macro whose definition changes is found where it is
 * defined and where it is used. `top`: the text of the root `.gitattributes` on each side, the one file whose
 * `[attr]` macros git honours. Warnings at the attribute's line and column. Pure.
 */
export function reviewHidden(files: readonly AttributesFileChange[], top: { base?: string; head?: string } = {}): Diagnostic[] {
  const macros = { base: macrosOf(top.base), head: macrosOf(top.head) };
  const found: Diagnostic[] = [];
  for (const { file, base, head } of [...files].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0))) {
    if (head === undefined) continue;
    const before = new Set(gitattributesLines(base ?? '').flatMap(line => [...hiding(line, macros.base).keys()].map(kind => `${keyOf(line)}\0${kind}`)));
    for (const line of gitattributesLines(head)) {
      // git honours a macro defined only in the top-level file; elsewhere the line states nothing.
      if (line.macro !== undefined && file !== '.gitattributes') continue;
      const fresh = [...hiding(line, macros.head)].filter(([kind]) => !before.has(`${keyOf(line)}\0${kind}`));
      if (!fresh.length) continue;
      const column = Math.min(...fresh.map(([, at]) => at));
      const what = line.macro !== undefined ? `defines the macro ${shown(line.macro)} so that any path given it gets` : `gives ${shown(line.pattern!)}`;
      found.push({
        ruleId: 'review-hidden',
        severity: 'warning',
        message: `This .gitattributes line (\`${shown(line.text.trim())}\`) ${what} ${fresh.map(([kind]) => SAID[kind]).join(' and ')}: GitHub collapses or hides these files' diffs in pull request review, so reviewers may not see the changes this pull request, or a later one, makes to them.`,
        hint: 'Remove the attribute from this line; if the files really are generated or binary, have the platform team own this .gitattributes (CODEOWNERS) and add it in a pull request of its own.',
        file,
        range: { start: { line: line.line, column }, end: { line: line.line, column: column + 1 } },
      });
    }
  }
  return found.slice(0, MAX_REPORTED);
}

/** What a line is about, to find the same one on the base: its pattern, or the macro it defines. */
const keyOf = (line: AttributesLine) => (line.macro !== undefined ? `[attr]${line.macro}` : `p:${line.pattern}`);

/** A value from the pull request, bounded and safe for one log line. */
const shown = (value: string) => logText(boundedText(value, 120));

/** The `[attr]` macros a top-level `.gitattributes` text defines, with git's built-in `binary`. */
function macrosOf(text: string | undefined): Map<string, readonly AttributeState[]> {
  const macros = new Map(BUILTIN_MACROS);
  for (const line of gitattributesLines(text ?? '')) if (line.macro !== undefined) macros.set(line.macro, line.attributes);
  return macros;
}

/**
 * The hiding attributes a line leaves in effect, each with the column of the token that gives it. As git
 * applies a line, a later attribute overrides an earlier one and a set macro states its attributes where it
 * stands (a macro may name another; a cycle stops at depth 8).
 */
function hiding(line: AttributesLine, macros: ReadonlyMap<string, readonly AttributeState[]>): Map<Hiding, number> {
  const states = new Map<string, { state: AttributeState['state']; column: number }>();
  const apply = (attributes: readonly AttributeState[], column: number | undefined, depth: number) => {
    for (const attribute of attributes) {
      const at = column ?? attribute.column;
      states.set(attribute.name, { state: attribute.state, column: at });
      const expansion = macros.get(attribute.name);
      if (attribute.state === 'set' && expansion && depth < 8) apply(expansion, at, depth + 1);
    }
  };
  apply(line.attributes, undefined, 0);
  const found = new Map<Hiding, number>();
  for (const kind of ['linguist-generated', 'linguist-vendored'] as const) {
    const s = states.get(kind);
    // Linguist's boolean attribute: true unless unset or the value `false`.
    if (s && (s.state === 'set' || (typeof s.state === 'object' && s.state.value !== 'false'))) found.set(kind, s.column);
  }
  const diff = states.get('diff');
  if (diff?.state === 'unset') found.set('diff', diff.column);
  return found;
}
