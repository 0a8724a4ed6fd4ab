import type { Diagnostic } from '../diagnostic.ts';
import { parseYaml } from '../load/parseYaml.ts';
import { catalogText, readSource } from '../load/readSource.ts';
import { realRepoPath } from '../load/repoPath.ts';
import { refOf } from './catalogEntity.ts';
import { findPlaceholders, placeholderTarget } from './placeholders.ts';

/** What the catalog files no Location reaches would define, were they reached. */
export interface UnreachableDefinitions {
  /** Entity ref (lower-cased `kind:namespace/name`) → the unreachable file that defines it. */
  refs: Map<string, string>;
  /** Files those files' placeholders name (`$text`, `$openapi`, …): unreachable only because they are. */
  targets: Set<string>;
  /**
   * Unreachable files none of whose documents has an apiVersion or a kind (an API definition, a schema
   * fragment): no Location could read them as entities. File → what it reads as (stray definitions).
   */
  dataFiles: Map<string, string>;
}

// A typo in a Location strands a folder or two; a repo whose roots reach nothing is one finding per file
// anyway: past this many files the consequences are not worked out.
const MAX_FILES = 200;

/**
 * Reads the files `location-unreachable` findings name (under `root`, each at most `maxBytes`, parsed
 * with the gate's own YAML limits) for the entities they define and the files their placeholders name,
 * so that findings which only follow from a file no Location reaches can say so: a reference to an entity
 * defined there (ref-unresolved) and the definition files only that file points at (location-unreachable).
 * Resolvers: every placeholder key Backstage or its modules resolve (`$text`, `$json`, `$yaml`, `$openapi`,
 * `$asyncapi`). A file that cannot be read or parsed defines nothing here (its own finding says why once
 * it is reached). Returns undefined when there is no such finding.
 */
export function unreachableDefinitions(diagnostics: readonly Diagnostic[], root: string, maxBytes: number, repoUrl?: string): UnreachableDefinitions | undefined {
  const files = [...new Set(diagnostics.filter(d => d.ruleId === 'location-unreachable').map(d => d.file))];
  if (files.length === 0 || files.length > MAX_FILES) return undefined;
  const refs = new Map<string, string>();
  const targets = new Set<string>();
  const dataFiles = new Map<string, string>();
  for (const file of files.sort()) {
    let text: string;
    try {
      // Bytes that are not UTF-8 define what the text Backstage reads from them defines (catalogText).
      const read = catalogText(readSource(realRepoPath(root, file), file, maxBytes));
      if (read === undefined) continue;
      text = read;
    } catch {
      continue;
    }
    const parsed = parseYaml(text, file);
    const readsAs = parsed.problems.length === 0 ? dataShape(parsed.documents) : undefined;
    if (readsAs) dataFiles.set(file, readsAs);
    for (const doc of parsed.documents) {
      if (!doc || typeof doc !== 'object' || Array.isArray(doc)) continue;
      const { kind, metadata } = doc as { kind?: unknown; metadata?: { name?: unknown; namespace?: unknown } };
      const ref = refOf(kind, metadata?.namespace, metadata?.name);
      if (ref && !refs.has(ref)) refs.set(ref, file);
      for (const use of findPlaceholders(doc, RESOLVERS)) {
        const target = placeholderTarget(file, use.value, repoUrl);
        if (typeof target === 'string') targets.add(target);
      }
    }
  }
  return { refs, targets, dataFiles };
}

/**
 * What a parsed file reads as when none of its documents carries an apiVersion or a kind (undefined when
 * one does, or when it has no document): the API specification its top key names, else data.
 */
function dataShape(documents: readonly unknown[]): string | undefined {
  const present = documents.filter(doc => doc !== undefined && doc !== null);
  if (present.length === 0) return undefined;
  if (present.some(doc => typeof doc === 'object' && !Array.isArray(doc) && ('apiVersion' in doc || 'kind' in doc))) return undefined;
  const first = present[0] as Record<string, unknown>;
  if (typeof first !== 'object' || Array.isArray(first)) return 'data, not an entity';
  if ('openapi' in first) return 'an OpenAPI definition';
  if ('swagger' in first) return 'a Swagger definition';
  if ('asyncapi' in first) return 'an AsyncAPI definition';
  if ('$schema' in first || 'properties' in first || 'type' in first) return 'a JSON Schema (a definition part a $ref could name)';
  return 'data, not an entity';
}

const RESOLVERS: ReadonlySet<string> = new Set(['openapi', 'asyncapi']);

/**
 * The findings without the `location-unreachable` ones on files that an unreachable file's placeholders
 * name and that define no entity themselves (an API definition, a `$text` document): they are read once
 * the file that names them is, so the finding on that file is the one to fix.
 */
export function withoutFollowingUnreachable(diagnostics: readonly Diagnostic[], definitions: UnreachableDefinitions): Diagnostic[] {
  const entityFiles = new Set(definitions.refs.values());
  return diagnostics.filter(d => !(d.ruleId === 'location-unreachable' && definitions.targets.has(d.file) && !entityFiles.has(d.file)));
}
