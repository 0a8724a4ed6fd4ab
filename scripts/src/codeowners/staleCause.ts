import { posix } from 'node:path';
import type { Diagnostic } from '../diagnostic.ts';

// Catalog findings that change the ownership CODEOWNERS is generated from: a misspelt owner (an unresolved
// or near-miss ref), a kind Backstage does not know or a rule refuses (the entity drops out), an entity
// Backstage refuses, a Location target that reads nothing.
const CAUSES = new Set(['ref-unresolved', 'ref-provided-elsewhere', 'entity-kind-unknown', 'catalog-rule-denied', 'entity-envelope', 'entity-schema', 'location-target-missing', 'location-unreachable']);
// Of the references, only these decide a team: an entity's owner, and a group's parent (a group without a
// github.com/team-slug takes its parent's). A misspelt spec.system or spec.dependsOn routes no review.
const OWNERSHIP_FIELDS = new Set(['spec.owner', 'spec.parent']);
const REFERENCE_RULES = new Set(['ref-unresolved', 'ref-provided-elsewhere']);
// A Location that reads nothing leaves the entities it would have read out of the generation altogether:
// no regeneration without them shows their lines, so their file (and its folder's claims) stand for them.
const LOCATION_RULES = new Set(['location-target-missing', 'location-unreachable']);
// Regenerating CODEOWNERS costs a pass over the catalog: enough for a pull request's own findings.
const MAX_REGENERATIONS = 50;

/** CODEOWNERS text as path → owners (comments and blank lines left out; the last line for a path wins, as GitHub reads it). */
function ownership(text: string): Map<string, string> {
  const lines = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    const trimmed = line.trim();
    if (!trimmed || trimmed.startsWith('#')) continue;
    const [path, ...owners] = trimmed.split(/\s+/);
    lines.set(path, owners.join(' '));
  }
  return lines;
}

/**
 * The catalog's findings that change the ownership CODEOWNERS is generated from: errors and warnings of
 * CAUSES, a reference among them only when it is written in a field that decides a team (OWNERSHIP_FIELDS).
 */
export function ownershipFindings(catalogFindings: readonly Diagnostic[]): Diagnostic[] {
  return catalogFindings.filter(d => d.severity !== 'info' && CAUSES.has(d.ruleId) && (!REFERENCE_RULES.has(d.ruleId) || OWNERSHIP_FIELDS.has(referenceField(d) ?? '')));
}

/** The field a reference finding is about: its unresolvedField, else (a grouped warning) the field its message starts with. */
function referenceField(d: Diagnostic): string | undefined {
  return d.unresolvedField ?? /^spec\.[A-Za-z]+/.exec(d.message)?.[0];
}

/** Where a committed CODEOWNERS first disagrees with the generated one. */
export interface OwnershipDifference {
  /** The committed file's line (1 when the committed file has no line for the path). */
  line: number;
  path: string;
  /** The committed owners (undefined: no line for the path; '' a line without owners) and the generated ones. */
  committed?: string;
  generated?: string;
  /** How many paths disagree in all. */
  count: number;
}

/**
 * The first path (in the committed file's order, then the generated one's) whose owners the committed and
 * generated CODEOWNERS disagree on, with its line, or undefined when they agree path by path. Pure.
 */
export function firstOwnershipDifference(committed: string, expected: string): OwnershipDifference | undefined {
  const before = ownership(committed);
  const after = ownership(expected);
  const lines = new Map<string, number>();
  committed.split(/\r?\n/).forEach((line, i) => {
    const trimmed = line.trim();
    if (trimmed && !trimmed.startsWith('#')) lines.set(trimmed.split(/\s+/)[0], i + 1);
  });
  const differing = [...new Set([...before.keys(), ...after.keys()])].filter(path => before.get(path) !== after.get(path));
  if (!differing.length) return undefined;
  const first = differing.reduce((a, b) => ((lines.get(a) ?? Infinity) <= (lines.get(b) ?? Infinity) ? a : b));
  return { line: lines.get(first) ?? 1, path: first, committed: before.get(first), generated: after.get(first), count: differing.length };
}

/**
 * The catalog finding a stale CODEOWNERS follows from, when it explains every line that differs. A path
 * whose owners the committed and generated files disagree on follows from a finding (ownershipFindings)
 * when the committed file has a line for it (a path it lacks is new: fixing a finding still leaves its line
 * to write) and the generated line depends on the finding: `regenerate(finding)`, the CODEOWNERS generated
 * as if the entity the finding is about were absent, gives the path other owners (or none). A Location
 * finding's entities are absent already: a line the generated file lost for its file, or a file in its
 * folder, follows from it. Without `regenerate` (no catalog at hand) only the finding's own file's line does.
 * Takes the committed and generated texts, the catalog's findings and the regenerator; returns the first
 * explaining finding in file and line order, else undefined (then the staleness is a change of its own, and
 * is said as such). Pure, but for what `regenerate` does.
 */
export function staleCodeownersCause(committed: string, expected: string, catalogFindings: readonly Diagnostic[], regenerate?: (finding: Diagnostic) => string): Diagnostic | undefined {
  const causes = ownershipFindings(catalogFindings);
  if (causes.length === 0) return undefined;
  const before = ownership(committed);
  const after = ownership(expected);
  const changed = [...new Set([...before.keys(), ...after.keys()])].filter(path => before.get(path) !== after.get(path));
  if (changed.length === 0 || changed.some(path => !before.has(path))) return undefined;
  const changedSet = new Set(changed);
  const dependents = new Map<string, ReadonlySet<string>>();
  let regenerations = 0;
  // The generated paths whose owners depend on the finding's entity: those regeneration without it changes.
  const dependsOn = (cause: Diagnostic): ReadonlySet<string> => {
    const key = `${cause.file}\0${cause.entityRef ?? ''}`;
    const known = dependents.get(key);
    if (known) return known;
    let paths: ReadonlySet<string> = new Set();
    // A group's team reaches the files of every entity it owns; anything else first shows in its own file's line.
    const worthIt = changedSet.has(`/${cause.file}`) || (cause.entityRef ?? '').startsWith('group:');
    if (regenerate === undefined) paths = new Set([`/${cause.file}`]);
    else if (worthIt && regenerations < MAX_REGENERATIONS) {
      regenerations++;
      const without = ownership(regenerate(cause));
      paths = new Set([...new Set([...after.keys(), ...without.keys()])].filter(path => after.get(path) !== without.get(path)));
    }
    dependents.set(key, paths);
    return paths;
  };
  const explains = (cause: Diagnostic, path: string) => LOCATION_RULES.has(cause.ruleId)
    ? !after.has(path) && (`/${cause.file}` === path || posix.dirname(`/${cause.file}`) === posix.dirname(path.replace(/\/$/, '')))
    : dependsOn(cause).has(path);
  const found: Diagnostic[] = [];
  for (const path of changed) {
    const list = causes.filter(cause => explains(cause, path));
    if (list.length === 0) return undefined;
    found.push(...list);
  }
  return found.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.range.start.line - b.range.start.line || a.range.start.column - b.range.start.column))[0];
}
