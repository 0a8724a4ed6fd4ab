import { createHash } from 'node:crypto';
import type { CatalogEntity } from '../catalog/catalogEntity.ts';
import type { Diagnostic, Range } from '../diagnostic.ts';
import { readRepoFile } from '../load/repoPath.ts';

/**
 * One revision as the finding matcher reads it: where it lives (`root`: the head's checkout or the extracted
 * base), each entity's ref with its file and a key of its content as written (entityKeys), and the files'
 * texts, read only when a finding is matched by what is written at its place.
 */
export interface RevisionSide {
  root: string;
  /** entityKeys of the side, computed when a finding first needs them (most runs match every finding by message). */
  entities: () => ReadonlyMap<string, { file: string; key: string }>;
}

/**
 * Each entity's ref → its file and a digest of its data as written (`raw`: placeholders not substituted), so
 * that an entity a pull request did not touch is recognised on both sides whatever moved around it. A ref
 * defined twice gets no entry (which of the two a finding is about cannot be told). Takes the loaded
 * entities; returns the map. Pure.
 */
export function entityKeys(entities: readonly CatalogEntity[]): Map<string, { file: string; key: string }> {
  const keys = new Map<string, { file: string; key: string }>();
  const twice = new Set<string>();
  for (const e of entities) {
    if (!e.ref) continue;
    if (keys.has(e.ref)) twice.add(e.ref);
    keys.set(e.ref, { file: e.file, key: createHash('sha256').update(JSON.stringify(e.raw)).digest('hex') });
  }
  for (const ref of twice) keys.delete(ref);
  return keys;
}

/**
 * What identifies a finding when its message is not the same on both sides: the message is partly about
 * other entities (a did-you-mean guess, how often the repo names a ref, which file a target is in), so an
 * unrelated change elsewhere rewrites it. In order:
 * - a finding that carries what it is about as data (`unresolvedRef` with `unresolvedField`, `missingTarget`):
 *   rule, file, entity and that data (a reference from the same field to the same missing entity, a
 *   placeholder to the same missing file): the same missing entity named from another field is another
 *   relation the pull request writes (dependsOn → subcomponentOf), its own;
 * - a finding on an entity the pull request left as it was (same content on both sides, and the finding's
 *   file is the entity's or is unchanged too): rule, file, entity and the text written at the finding's place,
 *   which tells two findings of one rule in that entity apart and is robust to lines that move.
 * Anything else has no such identity (undefined): an entity the pull request edits is matched only by its
 * message, so a problem it swaps in at the same place (another missing annotation under the same rule) stays
 * its own. `file` is the finding's file as the head names it (a base finding's after renames). Takes the
 * finding, that file, its side and the other side (to ask whether the entity is unchanged), the base → head
 * renames, and a reader of file texts (cached by the caller); returns the key or undefined.
 */
export function looseIdentity(d: Diagnostic, file: string, own: RevisionSide, other: RevisionSide, ownIsBase: boolean, renames: ReadonlyMap<string, string>, text: (root: string, file: string) => string | undefined): string | undefined {
  // A finding said once for a cause is that cause (findingIdentity): another cause at the same place is another finding.
  if (d.group !== undefined) return undefined;
  const head = `${d.ruleId}\u0000${file}\u0000${d.entityRef ?? ''}`;
  if (d.unresolvedRef !== undefined) return `${head}\u0000ref\u0000${d.unresolvedField ?? ''}\u0000${d.unresolvedRef}`;
  if (d.missingTarget !== undefined) return `${head}\u0000target\u0000${d.missingTarget.via}\u0000${d.missingTarget.path}`;
  if (d.entityRef === undefined) return undefined;
  const mine = own.entities().get(d.entityRef);
  const theirs = other.entities().get(d.entityRef);
  if (!mine || !theirs || mine.key !== theirs.key) return undefined;
  const [base, headSide] = ownIsBase ? [mine, theirs] : [theirs, mine];
  if ((renames.get(base.file) ?? base.file) !== headSide.file) return undefined;
  if (d.file !== mine.file) {
    // A finding in another file of the entity's (a definition, a skeleton): that file must be unchanged too.
    const otherFile = ownIsBase ? renames.get(d.file) ?? d.file : [...renames].find(([, to]) => to === d.file)?.[0] ?? d.file;
    const mineText = text(own.root, d.file);
    if (mineText === undefined || mineText !== text(other.root, otherFile)) return undefined;
  }
  const at = textAt(text(own.root, d.file), d.range);
  return at === undefined ? undefined : `${head}\u0000at\u0000${at}`;
}

/**
 * The text of `file` between a range's start and end (1-based lines and columns, the end column one past the
 * last character), its blanks collapsed; a long one as its digest. Undefined when the file cannot be read
 * or the range is outside it.
 */
function textAt(content: string | undefined, range: Range): string | undefined {
  if (content === undefined) return undefined;
  const lines = content.split(/\r?\n/);
  const { start, end } = range;
  if (start.line < 1 || start.line > lines.length || end.line < start.line) return undefined;
  const picked = start.line === end.line
    ? lines[start.line - 1].slice(start.column - 1, Math.max(end.column - 1, start.column))
    : [lines[start.line - 1].slice(start.column - 1), ...lines.slice(start.line, end.line - 1), (lines[end.line - 1] ?? '').slice(0, end.column - 1)].join('\n');
  const value = picked.replace(/\s+/g, ' ').trim();
  return value.length > 200 ? createHash('sha256').update(value).digest('hex') : value;
}

/** A side whose entity keys are computed once, on first use. */
export function revisionSide(root: string, entities: readonly CatalogEntity[]): RevisionSide {
  let keys: Map<string, { file: string; key: string }> | undefined;
  return { root, entities: () => (keys ??= entityKeys(entities)) };
}

/** A reader of repo files' texts (links out of the repository refused), each file read once. */
export function fileTexts(): (root: string, file: string) => string | undefined {
  const read = new Map<string, string | undefined>();
  return (root, file) => {
    const key = `${root}\u0000${file}`;
    if (!read.has(key)) {
      try {
        read.set(key, readRepoFile(root, file, 'utf8'));
      } catch {
        read.set(key, undefined);
      }
    }
    return read.get(key);
  };
}
