import type { Diagnostic, Range } from '../diagnostic.ts';
import { placeholderTarget, type PlaceholderUse } from '../catalog/placeholders.ts';
import { parseYaml, type ParsedYaml } from '../load/parseYaml.ts';
import { readRepoFile } from '../load/repoPath.ts';
import { boundedText, logText } from '../report/safeText.ts';

/**
 * Where in a `$yaml`/`$json` fragment a template finding lies. A finding about what a placeholder brings in
 * (a step from `- $yaml: ../steps/publish.yaml`) is placed on the placeholder, in the template file the
 * catalog reads, but the fix is made in the fragment: one file that every template including it shares.
 * `locate` is a placeholder-aware locate of the template (placeholderAwareLocate); the returned locate
 * gives the same ranges and remembers, for each one that lands on a placeholder, the fragment's file and
 * line; `annotate` then adds that place to the findings' messages. Fragments are read and parsed once each,
 * only when a finding lands in one; a fragment that cannot be read or parsed adds nothing.
 */
export function fragmentPlaces(root: string, file: string, document: number, uses: readonly PlaceholderUse[], locate: ParsedYaml['locate'], repoUrl?: string) {
  const places = new WeakMap<Range, { at: string; key: string }>();
  const parsed = new Map<string, ParsedYaml | undefined>();
  const fragment = (target: string): ParsedYaml | undefined => {
    if (!parsed.has(target)) {
      try {
        const text = readRepoFile(root, target, 'utf8');
        const fragmentParse = parseYaml(text, target);
        parsed.set(target, fragmentParse.problems.length === 0 && fragmentParse.documents.length === 1 ? fragmentParse : undefined);
      } catch {
        parsed.set(target, undefined);
      }
    }
    return parsed.get(target);
  };
  const placed: ParsedYaml['locate'] = (doc, path, options) => {
    const range = locate(doc, path, options);
    const use = doc === document && (uses.find(u => u.path.length < path.length && u.path.every((segment, i) => segment === path[i])));
    if (!use || (use.key !== 'yaml' && use.key !== 'json')) return range;
    const target = placeholderTarget(file, use.value, repoUrl);
    const source = typeof target === 'string' ? fragment(target) : undefined;
    if (!source || typeof target !== 'string') return range;
    const inside = source.locate(0, path.slice(use.path.length), options);
    // A range of its own: two findings on one placeholder may lie on different lines of the fragment.
    const own = { start: { ...range.start }, end: { ...range.end } };
    places.set(own, { at: `${logText(boundedText(target, 200))}:${inside.start.line}:${inside.start.column}`, key: use.key });
    return own;
  };
  const annotate = (diagnostics: readonly Diagnostic[]): Diagnostic[] =>
    diagnostics.map(d => {
      const place = places.get(d.range);
      return place ? { ...d, message: `${d.message} (Written at ${place.at}, which the $${place.key} placeholder here brings in: fix it there.)` } : d;
    });
  return { locate: placed, annotate };
}
