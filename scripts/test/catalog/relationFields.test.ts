import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { builtinModelKinds } from '../../src/backstage.ts';
import { referencesOf } from '../../src/catalog/checkReferences.ts';
import { relationFieldsOf } from '../../src/catalog/relationFields.ts';
import type { CatalogEntity } from '../../src/catalog/catalogEntity.ts';

const require = createRequire(import.meta.url);
const { BuiltinKindsEntityProcessor } = require('@backstage/plugin-catalog-backend');
const { ScaffolderEntitiesProcessor } = require('@backstage/plugin-catalog-backend-module-scaffolder-entity-model');

/** An entity of `kind` in namespace `ns` with every relation field the gate reads set to a bare name (full ref where no default kind). */
function everyField(kind: string, apiVersion: string): CatalogEntity {
  const spec: Record<string, unknown> = {};
  for (const field of relationFieldsOf(kind)) spec[field.path.replace(/^spec\./, '')] = field.defaultKind ? 'x' : 'component:x';
  const entity = { apiVersion, kind, metadata: { name: 'self', namespace: 'ns' }, spec };
  return { file: 'f.yaml', document: 0, locate: () => ({ start: { line: 1, column: 1 }, end: { line: 1, column: 1 } }), raw: entity, entity, kind, namespace: 'ns', name: 'self', ref: `${kind.toLowerCase()}:ns/self` };
}

/** The outgoing relations a real processor emits for the entity, as `type -> kind:namespace/name`. */
async function emitted(processor: { postProcessEntity(e: unknown, l: unknown, emit: (r: unknown) => void): Promise<unknown> }, entity: CatalogEntity): Promise<string[]> {
  const found: string[] = [];
  await processor.postProcessEntity(structuredClone(entity.entity), { type: 'url', target: 'https://x/f.yaml' }, (result: unknown) => {
    const r = result as { type: string; relation?: { source: { name: string }; type: string; target: { kind: string; namespace: string; name: string } } };
    if (r.type === 'relation' && r.relation!.source.name === 'self') found.push(`${r.relation!.type} -> ${r.relation!.target.kind}:${r.relation!.target.namespace}/${r.relation!.target.name}`.toLowerCase());
  });
  return found.sort();
}

/** The same relations as the gate derives them from the model layers' relation fields. */
function gateRelations(entity: CatalogEntity): string[] {
  const fields = new Map(relationFieldsOf(entity.kind).map(f => [f.path.replace(/^spec\./, ''), f.relation]));
  return referencesOf(entity).map(r => `${fields.get(r.field)} -> ${r.target}`.toLowerCase()).sort();
}

describe("relation fields read from catalog-model's layers", () => {
  it.each(builtinModelKinds().map(k => [k.kind, k.apiVersions[0]]))('agree with the backend\'s BuiltinKindsEntityProcessor for %s', async (kind, apiVersion) => {
    const entity = everyField(kind, apiVersion);
    expect(gateRelations(entity)).toEqual(await emitted(new BuiltinKindsEntityProcessor(), entity));
  });

  it("the Template's owner (not in the layers) agrees with the scaffolder entity-model module", async () => {
    const entity = everyField('Template', 'scaffolder.backstage.io/v1beta3');
    expect(gateRelations(entity)).toEqual(['ownedby -> group:ns/x']);
    expect(gateRelations(entity)).toEqual(await emitted(new ScaffolderEntitiesProcessor(), entity));
  });
});
