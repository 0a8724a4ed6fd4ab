import { spawnSync } from 'node:child_process';
import { sortDiagnostics, type Diagnostic } from '../diagnostic.ts';
import { childEnv } from '../process/childEnv.ts';
import { lineFree } from '../report/findingKey.ts';
import { fileTexts, looseIdentity, type RevisionSide } from './sameFinding.ts';

/**
 * The files the head renamed or moved since `baseRef` (git's own rename detection, `-M`: same or similar
 * content under another path), as base path → head path from `root`. Takes the repository root and the
 * base revision; returns an empty map when git cannot compare (the caller then treats every finding as the
 * pull request's own, which is never laxer). Never throws.
 */
export function gitRenames(root: string, baseRef: string): Map<string, string> {
  const diff = spawnSync('git', ['-C', root, 'diff', '--name-status', '--relative', '-M', '-z', '--end-of-options', baseRef, '--'], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, env: childEnv() });
  const renames = new Map<string, string>();
  if (diff.status !== 0) return renames;
  const fields = diff.stdout.split('\0');
  for (let i = 0; i < fields.length - 1; ) {
    const status = fields[i];
    if (status.startsWith('R') || status.startsWith('C')) {
      if (status.startsWith('R')) renames.set(fields[i + 1], fields[i + 2]);
      i += 3;
    } else i += 2;
  }
  return renames;
}

/**
 * Both revisions, for the pairing by what a finding is about (looseIdentity), and the entities the pull request
 * renamed (base ref → head ref, entityChanges' renames), asked only when a base finding names an entity.
 */
export interface PairedSides {
  head: RevisionSide;
  base: RevisionSide;
  entityRenames?: () => ReadonlyMap<string, string>;
}

/**
 * The head's findings with `alreadyOnBase: true` on each one the base revision's own run of the same gate
 * already reports. A finding is the same, first, when its rule, file, entity ref and message agree, the message
 * with line and column numbers taken out (lineFree: lines move when a pull request edits above them); the line
 * number itself never decides. Findings left unmatched then are matched by what they are about, not by their
 * wording (looseIdentity, when `sides` is given): the structured target of the finding (`unresolvedRef`,
 * `missingTarget`), or, on an entity the pull request did not touch, the text at the finding's place. A message
 * that names other entities (a did-you-mean guess, a count of uses) changes when a pull request adds one
 * elsewhere, and the unchanged legacy finding must not fail that pull request as its own. A file the pull
 * request renamed or moved (`renames`, base → head) is compared under its new path, in the file and where the
 * message or the finding's `group` names it as a path (pathMention); a finding of an entity the pull request
 * renamed (`sides.entityRenames`) under the entity's new ref. A finding said once for a cause at
 * several places (`group`: an action id, a filter, an owning group) is matched by that cause alone: the place
 * it stands at is the first of its places, and a file that sorts earlier moves it. Findings are counted, not merely matched: when the base has one
 * finding of a kind and the head two, one of them is the pull request's (the one further down the file).
 * Severity is compared only as failing or not (`isFailing`): a finding that fails on the head is marked only
 * by one that failed on the base too. One the base knew without failing on it (within the baseline's count
 * there, or at a lower severity) and that fails now fails because of this change (a new finding of the same
 * rule in that file pushed the count past the baseline's, or the file was renamed and lost its counts), so it
 * is the change's to fix, not the base's. Takes the head's and the base's findings (after each side's rule
 * settings and baseline), the renames, the failing test and both revisions; returns new objects only for the
 * marked ones, in the head's order. Reads files only for findings the messages leave unmatched.
 */
export function markAlreadyOnBase(head: readonly Diagnostic[], base: readonly Diagnostic[], renames: ReadonlyMap<string, string> = new Map(), isFailing: (d: Diagnostic) => boolean = d => d.severity === 'error', sides?: PairedSides): Diagnostic[] {
  return pairWithBase(head, base, renames, isFailing, sides).diagnostics;
}

/**
 * markAlreadyOnBase's pairing, with what it leaves over on the base: `diagnostics` are the head's findings
 * marked as markAlreadyOnBase marks them, `fixed` the base's warnings and errors no head finding took (as the
 * base reports them: its file, line and message), which the pull request's head no longer has. A pull
 * request that only fixes findings was reported as "No findings", the same as one that changed a comment.
 */
export function pairWithBase(head: readonly Diagnostic[], base: readonly Diagnostic[], renames: ReadonlyMap<string, string> = new Map(), isFailing: (d: Diagnostic) => boolean = d => d.severity === 'error', sides?: PairedSides): { diagnostics: Diagnostic[]; fixed: Diagnostic[] } {
  const entityRenames = base.some(d => d.entityRef !== undefined) ? sides?.entityRenames?.() : undefined;
  const renamed = base.map(d => {
    let message = d.message;
    let group = d.group;
    for (const [from, to] of renames) {
      if (message.includes(from)) message = message.replace(pathMention(from), () => to);
      if (group?.includes(from)) group = group.replace(pathMention(from), () => to);
    }
    // A finding of an entity the pull request renamed is that entity's under its new ref (and a message naming
    // the old ref names the new one): the rename alone neither fixes it nor brings it in.
    const entityRef = d.entityRef === undefined ? undefined : entityRenames?.get(d.entityRef) ?? d.entityRef;
    if (entityRef !== d.entityRef && message.includes(d.entityRef!)) message = message.replace(pathMention(d.entityRef!), () => entityRef!);
    return { d, as: entityRef === d.entityRef ? d : { ...d, entityRef }, file: renames.get(d.file) ?? d.file, message, group };
  });
  const marked = new Set<Diagnostic>();
  // Each pass pairs head findings with base findings no earlier pass took, by its own key.
  const pass = (left: typeof renamed, unmatched: Diagnostic[], baseKey: (b: (typeof renamed)[number]) => string | undefined, headKey: (d: Diagnostic) => string | undefined) => {
    const failing = new Map<string, (typeof renamed)[number][]>();
    const quiet = new Map<string, (typeof renamed)[number][]>();
    for (const b of left) {
      const key = baseKey(b);
      if (key === undefined) continue;
      const to = isFailing(b.d) ? failing : quiet;
      (to.get(key) ?? to.set(key, []).get(key)!).push(b);
    }
    const taken = new Set<(typeof renamed)[number]>();
    const rest: Diagnostic[] = [];
    for (const d of unmatched) {
      const key = headKey(d);
      // A failing head finding needs a failing twin; a quiet one takes a quiet twin first, then any.
      const twin = key === undefined ? undefined : (isFailing(d) ? [failing] : [quiet, failing]).map(m => m.get(key)).find(list => list?.length)?.shift();
      if (twin) {
        taken.add(twin);
        marked.add(d);
      } else rest.push(d);
    }
    return { left: left.filter(b => !taken.has(b)), rest };
  };
  const first = pass(renamed, sortDiagnostics(head), b => findingIdentity({ ...b.as, file: b.file, message: b.message, group: b.group }), findingIdentity);
  let left = first.left;
  if (sides && first.rest.length && first.left.length) {
    const text = fileTexts();
    left = pass(first.left, first.rest, b => looseIdentity(b.as, b.file, sides.base, sides.head, true, renames, text), d => looseIdentity(d, d.file, sides.head, sides.base, false, renames, text)).left;
  }
  return { diagnostics: head.map(d => (marked.has(d) ? { ...d, alreadyOnBase: true } : d)), fixed: sortDiagnostics(left.map(b => b.d).filter(d => d.severity !== 'info')) };
}

/**
 * Where a message names the repo path `path` as a path: after the start, a space, a quote or bracket, or `./`
 * and `../`, and not followed by more of a path. A substring is not enough: renaming a file `default/team-gone`
 * to `default/team-evil` turned the base's "refers to group:default/team-gone" into the pull request's own
 * "group:default/team-evil" finding, shown (and baselined) as already on the base.
 */
function pathMention(path: string): RegExp {
  const escaped = path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(?<=^|[\\s"'\`([<{,=]|\\.\\/|\\.\\.\\/)${escaped}(?![\\w\\-/]|\\.\\w)`, 'g');
}

/** A finding said once for a cause at several places (`group`) is that cause, wherever it stands and however its message names the other places. */
function findingIdentity(d: Diagnostic): string {
  if (d.group !== undefined) return `group\u0000${d.group}`;
  return `${d.ruleId}\u0000${d.file}\u0000${d.entityRef ?? ''}\u0000${lineFree(d.message)}`;
}

/**
 * The change's own `ref-unresolved` errors about an entity the base defines (`baseEntities`, ref → file):
 * the change removed or renamed it, so the hint says that, not "Did you mean" a similar name (a deleted
 * fraud-svc-11 was offered fraud-svc-71, another team's service). Takes the marked findings, the base's
 * entities and the base's name as given; returns new objects for the changed ones. Pure.
 */
export function removedRefHints(diagnostics: readonly Diagnostic[], baseEntities: ReadonlyMap<string, string>, baseName: string): Diagnostic[] {
  return diagnostics.map(d => {
    const file = d.unresolvedRef !== undefined && !d.alreadyOnBase ? baseEntities.get(d.unresolvedRef) : undefined;
    if (file === undefined) return d;
    return { ...d, hint: `${d.unresolvedRef} is defined in ${file} on ${baseName}, and this change removes or renames it: keep it, or change this reference to what replaces it first (\`report --base\` lists everything that still uses it).` };
  });
}
