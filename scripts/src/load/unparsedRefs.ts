import { yamlPackage } from './lazyPackages.ts';
import { affordableYaml } from './yamlNodeBudget.ts';

// Each line matches one way only: the fallback must stay linear on hostile text.
const KIND = /^kind:[ \t]*['"]?([\w.-]+)/m;
const NAME = /^metadata:[ \t]*\r?\n(?:[ \t][^\n]*\n)*?[ \t]+name:[ \t]*['"]?([\w.-]+)/m;
const NAMESPACE = /^metadata:[ \t]*\r?\n(?:[ \t][^\n]*\n)*?[ \t]+namespace:[ \t]*['"]?([\w.-]+)/m;

/**
 * The lower-cased `kind:namespace/name` refs that the documents of `text` which do not parse would
 * define (their kind and metadata.name read from what the parser could build, else from the lines);
 * for saying "defined in X, which does not parse" instead of "not defined". Documents that parse are
 * not included. Never throws.
 */
export function unparsedRefs(text: string): string[] {
  const refs: string[] = [];
  let documents;
  try {
    affordableYaml(text);
    documents = yamlPackage().parseAllDocuments(text, { logLevel: 'silent' });
  } catch {
    return refs;
  }
  for (const doc of Array.isArray(documents) ? documents : [documents]) {
    if (doc.errors.length === 0) continue;
    const source = text.slice(doc.range[0], doc.range[2]);
    const read = (path: string[], pattern: RegExp): string | undefined => {
      let value: unknown;
      try {
        value = doc.getIn(path);
      } catch {
        value = undefined;
      }
      return typeof value === 'string' && value ? value : pattern.exec(source)?.[1];
    };
    const kind = read(['kind'], KIND);
    const name = read(['metadata', 'name'], NAME);
    if (kind && name) refs.push(`${kind}:${read(['metadata', 'namespace'], NAMESPACE) ?? 'default'}/${name}`.toLowerCase());
  }
  return refs;
}
