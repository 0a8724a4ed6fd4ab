import type { CatalogEntity } from '../catalog/catalogEntity.ts';
import type { Diagnostic } from '../diagnostic.ts';
import type { ApiChange, ApiChangeInput, ApiDiffEntry } from './apiChanges.ts';
import { consumerList, consumerNote, membersByGroup, teamsToProtect } from './apiConsumers.ts';
import { definitionOf, formatOf } from './apiDefinition.ts';
import { lifecycleOf, relaxedNote, verdictOf } from './apiPolicy.ts';
import { ownerOf, type Dependent, type Rename } from './entityChanges.ts';

/**
 * APIs the change removes (no head entity of their name, no rename followed) while a team other than
 * their owner consumed them before the change and, in the head, no longer names them: a removal, or a
 * rename past recognition, whose consumers were repointed or dropped in the same change. Each is one
 * breaking change (`api-breaking-change` by the policy, the lifecycle exemption judged on the base
 * lifecycle). A consumer that still names a removed API is the gate's `ref-unresolved` error and the
 * report's impact section already, so a removal that leaves only those is not counted twice. Takes the
 * base APIs by ref, the followed renames (new name to old) and the consumers by API (consumersByApi).
 */
export function removedApis(input: ApiChangeInput, before: ReadonlyMap<string, CatalogEntity>, oldName: ReadonlyMap<string, string>, consumersOf: ReadonlyMap<string, Dependent[]>): { changes: ApiChange[]; diagnostics: Diagnostic[] } {
  const changes: ApiChange[] = [];
  const diagnostics: Diagnostic[] = [];
  const inHead = new Set(input.head.map(e => e.ref));
  const followed = new Set(oldName.values());
  for (const [ref, was] of before) {
    if (inHead.has(ref) || followed.has(ref)) continue;
    const owner = ownerOf(was);
    const consumers = consumersOf.get(ref) ?? [];
    const otherTeams = teamsToProtect(consumers, owner, membersByGroup(input.base));
    const hidden = consumers.some(c => c.onlyBefore && [c.owner, c.ownerBefore].some(o => o && otherTeams.includes(o)));
    if (!hidden) continue;
    const lifecycle = lifecycleOf(was);
    const diff: ApiDiffEntry[] = [{ type: 'breaking', action: 'remove', description: 'the API is removed from the catalog (or renamed together with other changes, which reads as a removal) while its consumers are repointed or dropped in the same change', path: [] }];
    const [verdict, reason] = verdictOf(input.policy, true, otherTeams, [lifecycle, lifecycle], [undefined, undefined]);
    const file = definitionOf(was, input.repoUrl)?.file ?? was.file;
    changes.push({ api: ref, ...(owner ? { owner } : {}), ...(lifecycle ? { lifecycle } : {}), format: formatOf(was, undefined), file, diff, consumers, otherTeams, verdict, ...(reason ? { reason } : {}) });
    if (verdict !== 'error' && verdict !== 'warning') continue;
    diagnostics.push({
      ruleId: 'api-breaking-change',
      severity: verdict,
      message: `Breaking change to ${ref}: ${diff[0].description}. Consumed by ${consumerList(consumers)}.`,
      hint: `Teams ${otherTeams.join(', ')} consumed it before this change: deprecate it first (spec.lifecycle: deprecated) and remove it only once they have dropped it from spec.consumesApis in their own pull request. To rename it, change only metadata.name (and title), or keep its definition file or its text as they are, so the report follows the rename and diffs the definition.${consumerNote(consumers)}${relaxedNote(input.policyRelaxed)}`,
      file: was.file,
      // The entity is gone from the head: its place in the base revision's file.
      range: was.locate(was.document, ['metadata', 'name']),
      entityRef: ref,
    });
  }
  return { changes, diagnostics };
}

/**
 * Renames entityChanges cannot see (the entity changed besides its name: moved to another folder, so its
 * `$text` path differs, or its definition changed): an API removed and an API added in the same change
 * whose definitions are read from the same repo file, or, failing that, whose definitions are the same
 * text (the definition file moved or renamed with it, or an inline definition kept as it was). Followed
 * so the definition is still diffed, and a rename that leaves the definition as it was is no removal.
 */
export function sameDefinitionFile(input: ApiChangeInput): Rename[] {
  const matched = new Set(input.renamed.flatMap(r => [r.from, r.to]));
  const refs = (list: readonly CatalogEntity[]) => new Set(list.map(e => e.ref));
  const [baseRefs, headRefs] = [refs(input.base), refs(input.head)];
  const byFile = new Map<string, CatalogEntity[]>();
  const byText = new Map<string, CatalogEntity[]>();
  const push = (map: Map<string, CatalogEntity[]>, key: string, e: CatalogEntity) => (map.get(key) ?? map.set(key, []).get(key)!).push(e);
  for (const e of input.base) {
    if (e.kind !== 'API' || !e.ref || headRefs.has(e.ref) || matched.has(e.ref)) continue;
    const definition = definitionOf(e, input.repoUrl);
    if (definition && !definition.inlineIn) push(byFile, definition.file, e);
    if (definition?.text.trim()) push(byText, definition.text, e);
  }
  const added = input.head.filter(e => e.kind === 'API' && e.ref && !baseRefs.has(e.ref) && !matched.has(e.ref));
  const found: Rename[] = [];
  const used = new Set<CatalogEntity>();
  const take = (list: CatalogEntity[] | undefined) => list?.find(e => !used.has(e));
  const follow = (e: CatalogEntity, from: CatalogEntity | undefined) => {
    if (!from) return false;
    used.add(from);
    found.push({ from: from.ref!, to: e.ref!, fromFile: from.file, toFile: e.file });
    return true;
  };
  const unmatched = added.filter(e => {
    const definition = definitionOf(e, input.repoUrl);
    return !follow(e, definition && !definition.inlineIn ? take(byFile.get(definition.file)) : undefined);
  });
  for (const e of unmatched) {
    const definition = definitionOf(e, input.repoUrl);
    if (definition?.text.trim()) follow(e, take(byText.get(definition.text)));
  }
  return found;
}
