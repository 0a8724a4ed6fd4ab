import { posix } from 'node:path';
import { closest, distance } from 'fastest-levenshtein';
import type { Diagnostic } from '../diagnostic.ts';

/** A `placeholder-target-missing` finding of a placeholder or `$ref`, with the target it names. */
interface MissingTarget {
  finding: Diagnostic;
  label: string;
  value: string;
  target: string;
}


/**
 * The two halves of one slip said as one: a definition file whose name the API's `$text`/`$openapi`
 * misspells is both a placeholder that reads nothing and a file under `catalog.include` no Location reaches.
 * `location-unreachable` used to tell the newcomer to list that file as a Location target, which makes
 * Backstage fail the whole Location (a document without apiVersion and kind fails its envelope). Here:
 * a missing placeholder target gets "Did you mean" the nearest repo file of the same extension (as
 * location-target-missing does for Location targets); an unreachable file that holds no entity
 * (`dataFiles`: what it reads as, from unreachableDefinitions) says so, names the placeholder that meant
 * it when there is one, and warns off the Location target. The miss is read from each finding's
 * `missingTarget` (placeholders.ts, bundlePlaceholderRefs.ts), never from its message's wording. Takes the
 * run's findings, those files, the repo's files and the files other placeholders already read (`claimed`:
 * never guessed for a placeholder); returns the findings with those messages and hints rewritten, in the
 * same order.
 */
export function explainStrayDefinitions(diagnostics: readonly Diagnostic[], dataFiles: ReadonlyMap<string, string>, repoFiles: readonly string[], claimed: ReadonlySet<string> = new Set()): Diagnostic[] {
  const missing = diagnostics.map(missingTarget).filter(m => m !== undefined);
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

/** The miss a `placeholder-target-missing` finding carries (Diagnostic.missingTarget), when it names a file. */
function missingTarget(finding: Diagnostic): MissingTarget | undefined {
  if (finding.ruleId !== 'placeholder-target-missing' || !finding.missingTarget) return undefined;
  const { via, value, path } = finding.missingTarget;
  return { finding, label: via, value, target: path };
}

/** The repo file nearest `target` with its extension, other than the file that names it; undefined when none is near. */
function nearestFile(target: string, from: string, repoFiles: readonly string[]): string | undefined {
  const extension = kindOfExtension(target);
  const candidates = repoFiles.filter(f => f !== from && f !== target && kindOfExtension(f) === extension && Math.abs(f.length - target.length) <= limitFor(target));
  if (candidates.length === 0) return undefined;
  const guess = closest(target, candidates);
  return distance(target, guess) <= limitFor(target) ? guess : undefined;
}

/** A file's extension, lower-cased, with `.yml` read as `.yaml`: YAML's two spellings are the commonest slip of all. */
function kindOfExtension(path: string): string {
  const extension = posix.extname(path).toLowerCase();
  return extension === '.yml' ? '.yaml' : extension;
}

/** The same tolerance as a Location target's "did you mean": any file is closest to something. */
function limitFor(path: string): number {
  return Math.max(3, Math.floor(posix.basename(path).length / 3));
}

function relativeTo(file: string, target: string): string {
  const relative = posix.relative(posix.dirname(file), target);
  return relative.startsWith('../') ? relative : `./${relative}`;
}
