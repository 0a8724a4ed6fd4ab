import { posix } from 'node:path';
import { closest, distance } from 'fastest-levenshtein';
import type { Diagnostic } from '../diagnostic.ts';
import { placeholderTarget } from './placeholders.ts';

/** A `placeholder-target-missing` finding of a placeholder (not a `$ref`), with the target it names. */
interface MissingTarget {
  finding: Diagnostic;
  label: string;
  value: string;
  target: string;
}

const MISSING = /^Placeholder (\$[a-z]+) could not read location ([\s\S]*) does not exist\.$/;
const MISSING_REF = /^\$ref ([\s\S]*), which does not exist; catalog-backend-module-openapi cannot bundle /;

/**
 * The two halves of one slip said as one: a definition file whose name the API's `$text`/`$openapi`
 * misspells is both a placeholder that reads nothing and a file under `catalog.include` no Location reaches.
 * `location-unreachable` used to tell the newcomer to list that file as a Location target, which makes
 * Backstage fail the whole Location (a document without apiVersion and kind fails its envelope). Here:
 * a missing placeholder target gets "Did you mean" the nearest repo file of the same extension (as
 * location-target-missing does for Location targets); an unreachable file that holds no entity
 * (`dataFiles`: what it reads as, from unreachableDefinitions) says so, names the placeholder that meant
 * it when there is one, and warns off the Location target. Takes the run's findings, those files, the
 * repo's files and the files other placeholders already read (`claimed`: never guessed for a placeholder);
 * returns the findings with those messages and hints rewritten, in the same order.
 */
export function explainStrayDefinitions(diagnostics: readonly Diagnostic[], dataFiles: ReadonlyMap<string, string>, repoFiles: readonly string[], repoUrl?: string, claimed: ReadonlySet<string> = new Set()): Diagnostic[] {
  const missing = diagnostics.map(finding => missingTarget(finding, repoUrl)).filter(m => m !== undefined);
  if (missing.length === 0 && dataFiles.size === 0) return [...diagnostics];
  const guesses = new Map<Diagnostic, string>();
  const meantBy = new Map<string, MissingTarget>();
  for (const m of missing) {
    // A file another entity's placeholder already reads is that API's definition (the same name in a
    // sibling service's folder, one digit off): pointing this API at it binds it to another team's API.
    // A `$ref` may share a schema file with other definitions: that guess stays.
    const guess = nearestFile(m.target, m.finding.file, m.label === '$ref' ? repoFiles : repoFiles.filter(f => !claimed.has(f)));
    if (!guess) continue;
    guesses.set(m.finding, guess);
    if (!meantBy.has(guess)) meantBy.set(guess, m);
  }
  return diagnostics.map(d => {
    const guess = guesses.get(d);
    if (guess) return { ...d, hint: `Did you mean ${relativeTo(d.file, guess)}? ${d.hint ?? ''}`.trim() };
    const readsAs = d.ruleId === 'location-unreachable' ? dataFiles.get(d.file) : undefined;
    if (!readsAs) return d;
    const meant = meantBy.get(d.file);
    const at = meant && `${meant.finding.file}:${meant.finding.range.start.line}:${meant.finding.range.start.column}`;
    return {
      ...d,
      message: `${d.file} holds no Backstage entity (no apiVersion or kind): it reads as ${readsAs}, and no API's definition ($text, $openapi, …) or $ref names it, so nothing in the catalog reads it.`,
      hint: meant
        ? `The ${meant.label} at ${at} names ${JSON.stringify(meant.value.slice(0, 200))}, which does not exist: point it at this file (${relativeTo(meant.finding.file, d.file)}). Do not list this file as a Location target: Backstage fails a Location whose file holds no entity.`
        : 'If an API should read it, name it from that API (definition: $text: or $openapi: with its path relative to the entity file) or from a $ref of its definition; otherwise delete it or move it out of what catalog.include in gitops.config.yaml matches. Do not list it as a Location target: Backstage fails a Location whose file holds no entity.',
    };
  });
}

function missingTarget(finding: Diagnostic, repoUrl?: string): MissingTarget | undefined {
  if (finding.ruleId !== 'placeholder-target-missing') return undefined;
  const match = MISSING.exec(finding.message);
  const refMatch = match ? undefined : MISSING_REF.exec(finding.message);
  const [label, rest, separator] = match ? [match[1], match[2], ': '] : refMatch ? ['$ref', refMatch[1], ' points at '] : [];
  if (!label || rest === undefined || !separator) return undefined;
  // "VALUE: TARGET" (or "REF points at TARGET"): the value may hold the separator itself, so take the split
  // whose value resolves to the target.
  for (let at = rest.indexOf(separator); at !== -1; at = rest.indexOf(separator, at + 1)) {
    const value = rest.slice(0, at);
    const target = rest.slice(at + separator.length);
    if (placeholderTarget(finding.file, value.split('#')[0], repoUrl) === target) return { finding, label, value, target };
  }
  return undefined;
}

/** The repo file nearest `target` with its extension, other than the file that names it; undefined when none is near. */
function nearestFile(target: string, from: string, repoFiles: readonly string[]): string | undefined {
  const extension = posix.extname(target).toLowerCase();
  const candidates = repoFiles.filter(f => f !== from && f !== target && posix.extname(f).toLowerCase() === extension && Math.abs(f.length - target.length) <= limitFor(target));
  if (candidates.length === 0) return undefined;
  const guess = closest(target, candidates);
  return distance(target, guess) <= limitFor(target) ? guess : undefined;
}

/** The same tolerance as a Location target's "did you mean": any file is closest to something. */
function limitFor(path: string): number {
  return Math.max(3, Math.floor(posix.basename(path).length / 3));
}

function relativeTo(file: string, target: string): string {
  const relative = posix.relative(posix.dirname(file), target);
  return relative.startsWith('../') ? relative : `./${relative}`;
}
