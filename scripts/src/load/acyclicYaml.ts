import type { Document, DocumentOptions, ParseOptions, SchemaOptions, ToJSOptions } from 'yaml';
import { yamlPackage } from './lazyPackages.ts';

/**
 * A YAML document whose alias stands inside the node its own anchor names (`nav: &n [{Loop: *n}]`):
 * `yaml` (and js-yaml) turn it into a value that contains itself, which every walk over the values
 * would follow for ever. `range` is the alias's [start, end) offsets in the text.
 */
export class SelfAliasError extends Error {
  constructor(readonly alias: string, readonly range: [number, number]) {
    super(`The alias *${alias.slice(0, 60)} stands inside the value its anchor names, so the value contains itself without end`);
  }
}

/**
 * The first alias of `doc` that stands inside the node its own anchor names (`a: &r {b: *r}`), with its
 * source range, or undefined. Read from the document's nodes, not its values (those would be circular).
 */
export function selfAlias(doc: Document | Document.Parsed): { name: string; range: [number, number] } | undefined {
  let found: { name: string; range: [number, number] } | undefined;
  const { visit } = yamlPackage();
  visit(doc, {
    Alias(_, alias, path) {
      // The node the alias resolves to (the latest anchor of that name before it) is one of its own ancestors.
      const target = alias.resolve(doc);
      if (target && path.includes(target)) {
        const start = doc.range?.[0] ?? 0;
        found = { name: alias.source, range: alias.range ? [alias.range[0], alias.range[1]] : [start, start] };
        return visit.BREAK;
      }
      return undefined;
    },
  });
  return found;
}

/**
 * `doc.toJS(options)`, refusing a document that would contain itself. Every value the toolkit builds from
 * a `yaml` Document goes through here (or through parseYaml, which reports the same as yaml-syntax).
 * Throws SelfAliasError for a self-alias, and what toJS throws (alias count over `maxAliasCount`, an
 * unresolved alias).
 */
export function acyclicValue(doc: Document | Document.Parsed, options?: ToJSOptions): unknown {
  const loop = selfAlias(doc);
  if (loop) throw new SelfAliasError(loop.name, loop.range);
  return doc.toJS(options);
}

/**
 * `yaml`'s `parse(text, options)` (the same errors, the same `logLevel: 'silent'` leniency, the same
 * value), except that a document that contains itself throws SelfAliasError instead of giving a circular
 * value. For callers that read one YAML document the way Backstage or TechDocs reads it with `yaml.parse`.
 */
export function parseAcyclic(text: string, options: ParseOptions & DocumentOptions & SchemaOptions & ToJSOptions = {}): unknown {
  const doc = yamlPackage().parseDocument(text, options);
  if (doc.errors.length > 0) {
    if (options.logLevel !== 'silent') throw doc.errors[0];
    doc.errors = [];
  }
  return acyclicValue(doc, options);
}
