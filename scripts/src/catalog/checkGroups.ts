import type { Diagnostic } from '../diagnostic.ts';
import { diagnosticAt, type CatalogEntity } from './catalogEntity.ts';
import type { EntityIndex } from './entityIndex.ts';
import { referencesOf, type Reference } from './checkReferences.ts';

/** Parent/children and membership as both sides declare them; Backstage merges both without complaint. */
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

  for (const group of groups) {
    for (const parent of field(group, 'parent')) {
      addParent(group.ref!, parent.target, parent);
      const other = the(parent.target);
      if (other?.kind === 'Group' && !field(other, 'children').some(c => c.target === group.ref)) {
        diagnostics.push(warn(group, parent, `${group.ref} names ${parent.target} as its parent, but ${parent.target} does not list it in spec.children.`, `Add ${group.name} to the children of ${other.name}, or change the parent.`));
      }
    }
    for (const child of field(group, 'children')) {
      addParent(child.target, group.ref!, child);
      const other = the(child.target);
      if (other?.kind === 'Group' && !field(other, 'parent').some(p => p.target === group.ref)) {
        diagnostics.push(warn(group, child, `${group.ref} lists ${child.target} as a child, but ${child.target} does not name it as spec.parent.`, `Set spec.parent: ${group.name} on ${other.name}.`));
      }
    }
  }

  for (const [child, map] of parents) {
    if (map.size < 2) continue;
    const names = [...map.keys()].join(' and ');
    for (const because of map.values()) {
      diagnostics.push(
        diagnosticAt(because.source, because.path, {
          ruleId: 'group-multiple-parents',
          severity: 'error',
          message: `${child} ends up with more than one parent group: ${names}.`,
          hint: 'A group has exactly one parent in Backstage; keep one parent/children pair.',
        }),
      );
    }
  }

  diagnostics.push(...cycles(parents, the));
  diagnostics.push(...membership(entities, the, field));
  return diagnostics.filter(d => reported.has(d.file));
}

function warn(group: CatalogEntity, at: Reference, message: string, hint: string): Diagnostic {
  return diagnosticAt(group, at.path, { ruleId: 'group-hierarchy-asymmetric', severity: 'warning', message, hint });
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
          severity: 'error',
          message: `The group hierarchy loops: ${[...loop, current].join(' -> ')}.`,
          hint: 'Break the loop by changing one parent; Backstage would show an endless hierarchy.',
        }),
      );
    }
    trail.forEach(t => done.add(t));
  }
  return diagnostics;
}

function membership(
  entities: readonly CatalogEntity[],
  the: (ref: string) => CatalogEntity | undefined,
  field: (e: CatalogEntity, name: string) => Reference[],
): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  for (const user of entities.filter(e => e.kind === 'User' && e.ref)) {
    for (const memberOf of field(user, 'memberOf')) {
      const group = the(memberOf.target);
      if (!group || group.kind !== 'Group') continue;
      const members = field(group, 'members');
      if (members.length > 0 && !members.some(m => m.target === user.ref)) {
        diagnostics.push(
          diagnosticAt(user, memberOf.path, {
            ruleId: 'group-membership-asymmetric',
            severity: 'warning',
            message: `${user.ref} says it is a member of ${group.ref}, whose spec.members list does not include it.`,
            hint: `Add ${user.name} to the members of ${group.name}, or remove the membership.`,
          }),
        );
      }
    }
  }
  return diagnostics;
}
