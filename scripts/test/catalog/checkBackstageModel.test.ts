import { describe, expect, it } from 'vitest';
import { FieldFormatEntityPolicy } from '@backstage/catalog-model';
import { collectEntities } from '../../src/catalog/catalogEntity.ts';
import { checkBackstageModel } from '../../src/catalog/checkBackstageModel.ts';
import { parseYaml } from '../../src/load/parseYaml.ts';

const text = `apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: svc
  tags:
    - JAVA
    - ok
    - Go
  labels:
    Bad Key: x
  links:
    - url: not a url
spec:
  type: service
  lifecycle: production
  owner: team-a
`;

async function rejection(entity: unknown): Promise<string | undefined> {
  try {
    await new FieldFormatEntityPolicy().enforce(entity as never);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

describe('checkBackstageModel field formats', () => {
  it('lists every field Backstage\'s FieldFormatEntityPolicy rejects, each with its own message', async () => {
    const parsed = parseYaml(text, 'svc.yaml');
    const { entities } = collectEntities([{ file: 'svc.yaml', ...parsed }], { placeholderSources: new Map() });
    const limit = Error.stackTraceLimit;
    const found = await checkBackstageModel(entities[0]);
    expect(Error.stackTraceLimit).toBe(limit);
    expect(found.map(d => `${d.ruleId}@${d.range.start.line}:${d.range.start.column}`)).toEqual([
      'entity-field-format@10:5',
      'entity-field-format@6:7',
      'entity-field-format@8:7',
      'entity-field-format@12:12',
    ]);
    // Each message is the policy's own for that field, as it rejects the entity with the earlier ones fixed.
    const entity = structuredClone(entities[0].entity) as any;
    entity.metadata.namespace = 'default';
    expect(found[0].message).toBe(await rejection(entity));
    delete entity.metadata.labels['Bad Key'];
    expect(found[1].message).toBe(await rejection(entity));
    entity.metadata.tags[0] = 'x';
    expect(found[2].message).toBe(await rejection(entity));
    entity.metadata.tags[2] = 'x';
    expect(found[3].message).toBe(await rejection(entity));
    expect(found[3].message).toContain('"links.0.url" is not valid');
    // The entity the gate was given is left as it was.
    expect(entities[0].entity).toEqual(parseYaml(text, 'svc.yaml').documents[0]);
    expect((entities[0].entity.metadata as any).tags).toEqual(['JAVA', 'ok', 'Go']);
    expect((entities[0].entity.metadata as any).links).toEqual([{ url: 'not a url' }]);
    expect((entities[0].entity.metadata as any).labels).toEqual({ 'Bad Key': 'x' });
  });
});
