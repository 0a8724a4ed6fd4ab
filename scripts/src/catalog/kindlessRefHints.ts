import type { Diagnostic } from '../diagnostic.ts';
import type { CatalogEntity } from './catalogEntity.ts';
import type { EntityIndex } from './entityIndex.ts';
import { entityReferences } from './relationFields.ts';

// The kinds a dependsOn/dependencyOf target is usually one of, in the order a hint tries them.
const KINDS = ['component', 'resource', 'api', 'system', 'domain', 'group', 'user', 'template', 'location'];

/**
 * A dependsOn/dependencyOf written without a kind (entity-ref-format) is hinted per entity with a generic
 * "component:x or resource:x", since the model check sees one entity. When the catalog defines the name
 * under one or more kinds, the hint names those refs instead (a workshop catalog's `dependsOn:
 * [acme.webshop.account.db]` is resource:acme.webshop.account.db, which it defines). Takes the reported
 * entities, the whole catalog's index and the diagnostics; returns them with those hints replaced (new
 * objects: the model findings are kept in the per-file cache as the model check made them).
 */
export function withKindlessRefHints(entities: readonly CatalogEntity[], index: EntityIndex, diagnostics: Diagnostic[]): Diagnostic[] {
  const hints = new Map<string, string>();
  for (const entity of entities) {
    for (const { field, key, path, written } of entityReferences(entity).malformed) {
      if (field.defaultKind || written.includes(':')) continue;
      const slash = written.indexOf('/');
      const [namespace, name] = slash < 0 ? [entity.namespace, written] : [written.slice(0, slash), written.slice(slash + 1)];
      if (!name) continue;
      const defined = KINDS.filter(kind => index.has(`${kind}:${namespace}/${name}`.toLowerCase()));
      if (defined.length === 0) continue;
      const start = entity.locate(entity.document, path).start;
      const refs = defined.map(kind => `${kind}:${written}`);
      hints.set(`${entity.file}\0${start.line}:${start.column}`, `${key} has no default kind: write ${refs.join(' or ')}, which this catalog defines${defined.length > 1 ? ' (choose the one meant)' : ''}.`);
    }
  }
  if (hints.size === 0) return diagnostics;
  return diagnostics.map(d => {
    if (d.ruleId !== 'entity-ref-format') return d;
    const hint = hints.get(`${d.file}\0${d.range.start.line}:${d.range.start.column}`);
    return hint === undefined ? d : { ...d, hint };
  });
}
