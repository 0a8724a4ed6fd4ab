import { posix } from 'node:path';
import type { Diagnostic } from '../diagnostic.ts';

// Catalog findings that change the ownership CODEOWNERS is generated from: a misspelt owner (an unresolved
// or near-miss ref), a kind Backstage does not know or a rule refuses (the entity drops out), an entity
// Backstage refuses, a Location target that reads nothing.
const CAUSES = new Set(['ref-unresolved', 'ref-provided-elsewhere', 'entity-kind-unknown', 'catalog-rule-denied', 'entity-envelope', 'entity-schema', 'location-target-missing', 'location-unreachable']);

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

/** The catalog's findings that change the ownership CODEOWNERS is generated from (errors and warnings of CAUSES). */
export function ownershipFindings(catalogFindings: readonly Diagnostic[]): Diagnostic[] {
  return catalogFindings.filter(d => d.severity !== 'info' && CAUSES.has(d.ruleId));
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
 * The catalog finding a stale CODEOWNERS follows from, when it explains every line that differs: each path
 * whose owners the committed file and the generated one disagree on is the file of an error or warning of
 * a kind that changes ownership (CAUSES), or sits in that file's folder (its definitions and docs). Takes
 * the committed and generated texts and the catalog's findings; returns the first such finding in file
 * and line order, else undefined (then the staleness is a change of its own, and is said as before).
 */
export function staleCodeownersCause(committed: string, expected: string, catalogFindings: readonly Diagnostic[]): Diagnostic | undefined {
  const causes = ownershipFindings(catalogFindings);
  if (causes.length === 0) return undefined;
  const before = ownership(committed);
  const after = ownership(expected);
  const changed = [...new Set([...before.keys(), ...after.keys()])].filter(path => before.get(path) !== after.get(path));
  if (changed.length === 0) return undefined;
  const explaining = (path: string) => causes.filter(c => `/${c.file}` === path || posix.dirname(`/${c.file}`) === posix.dirname(path.replace(/\/$/, '')));
  const found: Diagnostic[] = [];
  for (const path of changed) {
    const list = explaining(path);
    if (list.length === 0) return undefined;
    found.push(...list);
  }
  return found.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.range.start.line - b.range.start.line || a.range.start.column - b.range.start.column))[0];
}
