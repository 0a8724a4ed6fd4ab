type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Puts schemas that refer to each other by `$id` into one `definitions` map with plain JSON-pointer
 * `$ref`s, the form every editor resolves (the Red Hat YAML extension, JetBrains): Backstage's own
 * schemas use bare ids (`$ref: Entity`) and draft-07 plain-name anchors (`common#reference`, declared
 * as `$id: '#reference'` inside `common`), which editors resolve inconsistently once embedded.
 *
 * Takes draft-07 schemas, each with a top-level `$id`; returns `{ [id]: schema }` to be placed under
 * the root's `definitions`, with `$id`/`$schema` removed and every `$ref` pointing at
 * `#/definitions/<id>/…`. Throws when a `$ref` names a schema or anchor that is not among them.
 */
export function bundleSchemas(schemas: readonly object[]): Record<string, Json> {
  const bundled: Record<string, Json> = {};
  const anchors = new Map<string, string>();
  for (const schema of schemas) {
    const copy = structuredClone(schema) as Json;
    const id = copy.$id;
    if (typeof id !== 'string' || !id || id.includes('#')) throw new Error(`A schema to bundle has no usable $id: ${JSON.stringify(id)}`);
    delete copy.$id;
    delete copy.$schema;
    collectAnchors(copy, `#/definitions/${escape(id)}`, id, anchors);
    bundled[id] = copy;
  }
  for (const [id, schema] of Object.entries(bundled)) rewriteRefs(schema, id, anchors, bundled);
  return bundled;
}

function collectAnchors(node: unknown, pointer: string, id: string, anchors: Map<string, string>, root = true): void {
  if (Array.isArray(node)) return node.forEach((item, i) => collectAnchors(item, `${pointer}/${i}`, id, anchors, false));
  if (!isObject(node)) return;
  if (!root && typeof node.$id === 'string') {
    if (!node.$id.startsWith('#')) throw new Error(`Nested $id '${node.$id}' in ${id} is not a plain-name anchor`);
    anchors.set(`${id}${node.$id}`, pointer);
    delete node.$id;
  }
  for (const [key, value] of Object.entries(node)) {
    // const/enum/examples hold data, not subschemas.
    if (key === 'const' || key === 'enum' || key === 'examples' || key === 'default') continue;
    collectAnchors(value, `${pointer}/${escape(key)}`, id, anchors, false);
  }
}

function rewriteRefs(node: unknown, id: string, anchors: Map<string, string>, bundled: Record<string, Json>): void {
  if (Array.isArray(node)) return node.forEach(item => rewriteRefs(item, id, anchors, bundled));
  if (!isObject(node)) return;
  if (typeof node.$ref === 'string') node.$ref = resolveRef(node.$ref, id, anchors, bundled);
  for (const [key, value] of Object.entries(node)) {
    if (key === 'const' || key === 'enum' || key === 'examples' || key === 'default') continue;
    rewriteRefs(value, id, anchors, bundled);
  }
}

function resolveRef(ref: string, id: string, anchors: Map<string, string>, bundled: Record<string, Json>): string {
  const hash = ref.indexOf('#');
  const base = hash < 0 ? ref : ref.slice(0, hash) || id;
  const fragment = hash < 0 ? '' : ref.slice(hash + 1);
  if (!(base in bundled)) throw new Error(`$ref '${ref}' in ${id} names a schema that is not bundled`);
  if (fragment === '') return `#/definitions/${escape(base)}`;
  if (fragment.startsWith('/')) return `#/definitions/${escape(base)}${fragment}`;
  const anchor = anchors.get(`${base}#${fragment}`);
  if (!anchor) throw new Error(`$ref '${ref}' in ${id} names an anchor that ${base} does not declare`);
  return anchor;
}

function escape(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}
