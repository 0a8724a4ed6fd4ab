import { isRecord } from '../load/loadCatalog.ts';

/** A template's parameter pages (spec.parameters, a list or one page). */
export function parameterPages(template: unknown): unknown[] {
  const spec = isRecord(template) && isRecord(template.spec) ? template.spec : undefined;
  return Array.isArray(spec?.parameters) ? spec.parameters : spec?.parameters !== undefined ? [spec.parameters] : [];
}

/** Every schema declaring `name` on the template's pages: their properties, and those of allOf/anyOf/oneOf, if/then/else and dependencies. */
export function declarations(pages: readonly unknown[], name: string): Record<string, unknown>[] {
  const found: Record<string, unknown>[] = [];
  const visit = (schema: unknown, depth: number): void => {
    if (!isRecord(schema) || depth > 20) return;
    if (isRecord(schema.properties) && Object.hasOwn(schema.properties, name) && isRecord(schema.properties[name])) found.push(schema.properties[name] as Record<string, unknown>);
    for (const key of ['allOf', 'anyOf', 'oneOf']) if (Array.isArray(schema[key])) for (const branch of schema[key] as unknown[]) visit(branch, depth + 1);
    for (const key of ['if', 'then', 'else']) visit(schema[key], depth + 1);
    if (isRecord(schema.dependencies)) for (const dependent of Object.values(schema.dependencies)) visit(dependent, depth + 1);
  };
  for (const page of pages) visit(page, 0);
  return found;
}
