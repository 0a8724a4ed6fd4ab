import type { ErrorObject } from 'ajv';
import type { PathSegment } from '../load/yamlPath.ts';

/** The YAML path an ajv error is about: the missing or extra property itself where there is one. */
export function errorPath(error: ErrorObject): { path: PathSegment[]; key: boolean } {
  const path: PathSegment[] = error.instancePath
    .split('/')
    .slice(1)
    .map(part => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map(part => (/^\d+$/.test(part) ? Number(part) : part));
  if (error.keyword === 'additionalProperties') {
    return { path: [...path, String(error.params.additionalProperty)], key: true };
  }
  if (error.keyword === 'required') {
    return { path: [...path, String(error.params.missingProperty)], key: false };
  }
  return { path, key: false };
}

/** Backstage's own wording of an ajv error (catalog-model's throwAjvError), so users recognise it. */
export function backstageAjvMessage(error: ErrorObject): string {
  const params = error.params ? ` - ${Object.entries(error.params).map(([k, v]) => `${k}: ${v}`).join(', ')}` : '';
  return `${error.instancePath || '<root>'} ${error.message}${params}`;
}

/** ajv reports every failed branch of anyOf/oneOf/if; the leaf errors are the ones worth reading. */
export function leafErrors(errors: readonly ErrorObject[]): ErrorObject[] {
  const leaves = errors.filter(e => !['anyOf', 'oneOf', 'if', 'allOf', 'not'].includes(e.keyword));
  return leaves.length > 0 ? leaves : [...errors];
}
