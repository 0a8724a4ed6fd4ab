import type { Diagnostic, FragmentPlace, Range } from '../diagnostic.ts';
import { placeholderTarget, type PlaceholderUse } from '../catalog/placeholders.ts';
import { parseYaml, type ParsedYaml } from '../load/parseYaml.ts';
import { readRepoFile } from '../load/repoPath.ts';
import { boundedText, logText } from '../report/safeText.ts';
import { rangeOfText, type TextRange } from './checkExpressions.ts';

/**
 * Where in a `$yaml`/`$json`/`$text` placeholder's file a template finding lies. A finding about what a
 * placeholder brings in (a step from `- $yaml: ../steps/publish.yaml`) is placed on the placeholder, in the
 * template file the catalog reads, but the fix is made in the fragment: one file that every template
 * including it shares. `locate` is a placeholder-aware locate of the template (placeholderAwareLocate); the
 * returned locate gives the same ranges and remembers, for each one that lands on a placeholder, the
 * fragment's file and place; `textRange(text)` places a needle (an expression) as rangeOfText does in the
 * template's `text`, and inside the fragment for such a range; `annotate` then adds that place to the
 * findings (Diagnostic.fragment, and the message). Fragments are read (and parsed) once each, only when a
 * finding lands in one; a fragment that cannot be read or parsed adds nothing.
 */
export function fragmentPlaces(root: string, file: string, document: number, uses: readonly PlaceholderUse[], locate: ParsedYaml['locate'], repoUrl?: string) {
  const places = new WeakMap<Range, FragmentPlace & { text: string }>();
  const read = new Map<string, { text: string; parsed?: ParsedYaml | null } | undefined>();
  const fragment = (target: string, parse: boolean) => {
    if (!read.has(target)) {
      try {
        read.set(target, { text: readRepoFile(root, target, 'utf8') });
      } catch {
        read.set(target, undefined);
      }
    }
    const source = read.get(target);
    if (source && parse && source.parsed === undefined) {
      const parsed = parseYaml(source.text, target);
      source.parsed = parsed.problems.length === 0 && parsed.documents.length === 1 ? parsed : null;
    }
    return source;
  };
  const placed: ParsedYaml['locate'] = (doc, path, options) => {
    const range = locate(doc, path, options);
    // A `$text` value is the string itself: a finding about it has the placeholder's own path.
    const use = doc === document && uses.find(u => u.path.length <= path.length && u.path.every((segment, i) => segment === path[i]));
    if (!use || !['yaml', 'json', 'text'].includes(use.key)) return range;
    const target = placeholderTarget(file, use.value, repoUrl);
    const source = typeof target === 'string' ? fragment(target, use.key !== 'text') : undefined;
    if (!source || typeof target !== 'string') return range;
    let inside: Range;
    if (use.key === 'text') {
      if (use.path.length !== path.length) return range;
      inside = wholeText(source.text);
    } else {
      if (!source.parsed) return range;
      inside = source.parsed.locate(0, path.slice(use.path.length), options);
    }
    // A range of its own: two findings on one placeholder may lie on different lines of the fragment.
    const own = copyRange(range);
    places.set(own, { file: target, via: `$${use.key}`, range: inside, text: source.text });
    return own;
  };
  // An expression a fragment brings in is placed at its `${{` in the fragment, as one written in template.yaml is there.
  const textRange = (text: string): TextRange => (within, needle, inside, occurrence) => {
    const place = places.get(within);
    if (!place) return rangeOfText(text, within, needle, inside, occurrence);
    const own = copyRange(within);
    places.set(own, { ...place, range: rangeOfText(place.text, place.range, needle, inside, occurrence) });
    return own;
  };
  const annotate = (diagnostics: readonly Diagnostic[]): Diagnostic[] =>
    diagnostics.map(d => {
      const place = places.get(d.range);
      if (!place) return d;
      const at = `${logText(boundedText(place.file, 200))}:${place.range.start.line}:${place.range.start.column}`;
      return { ...d, message: `${d.message} (Written at ${at}, which the ${place.via} placeholder here brings in: fix it there.)`, fragment: { file: place.file, via: place.via, range: place.range } };
    });
  return { locate: placed, textRange, annotate };
}

function copyRange(range: Range): Range {
  return { start: { ...range.start }, end: { ...range.end } };
}

/** The range of all of `text`, from its first character to after its last. */
function wholeText(text: string): Range {
  const lines = text.split('\n');
  return { start: { line: 1, column: 1 }, end: { line: lines.length, column: lines[lines.length - 1].length + 1 } };
}
