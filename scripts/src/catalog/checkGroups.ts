import type { Diagnostic } from '../diagnostic.ts';
import { diagnosticAt, type CatalogEntity } from './catalogEntity.ts';
import type { EntityIndex } from './entityIndex.ts';
import { referencesOf, type Reference } from './checkReferences.ts';

/**
 * The group hierarchy as Backstage builds it from both sides (spec.parent and spec.children, merged): a group
 * with two parents, or a loop. One side alone is normal; memberships merge the same way and never conflict.
 * Both are warnings: BuiltinKindsEntityProcessor emits a childOf relation for each parent and the catalog ingests
 * such groups without an error, a loop (even a group that is its own child) too (measured on catalog-backend
 * 4.0.0), so nothing is lost; the Group model's documentation ("Groups may however not have more than one
 * parent") disagrees, and the org plugin's descendant walk keeps a visited set, so a loop does not hang it.
 */
export function checkGroups(entities: readonly CatalogEntity[], index: EntityIndex, reported: ReadonlySet<string>): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const refsOf = new Map<CatalogEntity, Reference[]>();
  const refs = (e: CatalogEntity) => refsOf.get(e) ?? refsOf.set(e, referencesOf(e)).get(e)!;
  const field = (e: CatalogEntity, name: string) => refs(e).filter(r => r.field === name);
  const groups = entities.filter(e => e.kind === 'Group' && e.ref);
  const the = (ref: string) => index.get(ref)?.[0];
  const parents = new Map<string, Map<string, Reference>>();
  const addParent = (child: string, parent: string, because: Reference) => {
    const map = parents.get(child) ?? parents.set(child, new Map()).get(child)!;
    if (!map.has(parent)) map.set(parent, because);
  };

  // Backstage's BuiltinKindsEntityProcessor emits childOf/parentOf from either side, so a parent or a
  // children list alone is a whole hierarchy; what two sides can get wrong is naming two parents.
  for (const group of groups) {
    for (const parent of field(group, 'parent')) addParent(group.ref!, parent.target, parent);
    for (const child of field(group, 'children')) addParent(child.target, group.ref!, child);
  }

  for (const [child, map] of parents) {
    if (map.size < 2) continue;
    const names = [...map.keys()].join(' and ');
    for (const because of map.values()) {
      diagnostics.push(
        diagnosticAt(because.source, because.path, {
          ruleId: 'group-multiple-parents',
          severity: 'warning',
          message: `${child} ends up with more than one parent group: ${names}. Backstage ingests it and relates it as a child of each, so both show as its parents, but Backstage's Group model says a group has at most one parent.`,
          hint: 'Keep one parent, named by spec.parent, by the parent\'s spec.children, or by both; if the group really belongs to both, lower the rule in gitops.config.yaml rules:.',
        }),
      );
    }
  }

  diagnostics.push(...cycles(parents, the));
  return diagnostics.filter(d => reported.has(d.file));
}

function cycles(parents: Map<string, Map<string, Reference>>, the: (ref: string) => CatalogEntity | undefined): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const done = new Set<string>();
  for (const start of parents.keys()) {
    const trail: string[] = [];
    let current: string | undefined = start;
    while (current && !done.has(current) && !trail.includes(current)) {
      trail.push(current);
      current = parents.get(current)?.keys().next().value;
    }
    if (current && trail.includes(current)) {
      const loop = trail.slice(trail.indexOf(current));
      const first = [...loop].sort()[0];
      const because = parents.get(first)!.values().next().value!;
      const owner = the(first) ?? because.source;
      diagnostics.push(
        diagnosticAt(owner === because.source ? because.source : owner, owner === because.source ? because.path : ['spec', 'parent'], {
          ruleId: 'group-cycle',
          severity: 'warning',
          message: `The group hierarchy loops: ${[...loop, current].join(' -> ')}. Backstage ingests these groups and relates each as the next one's child, so this part of the hierarchy has no top group.`,
          hint: 'Break the loop by changing one parent, so that one group of it has none (or one outside the loop).',
        }),
      );
    }
    trail.forEach(t => done.add(t));
  }
  return diagnostics;
}
