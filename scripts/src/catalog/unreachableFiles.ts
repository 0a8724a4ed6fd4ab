import type { Diagnostic } from '../diagnostic.ts';
import { parseYaml } from '../load/parseYaml.ts';
import { readSource } from '../load/readSource.ts';
import { realRepoPath } from '../load/repoPath.ts';
import { refOf } from './catalogEntity.ts';
import { findPlaceholders, placeholderTarget } from './placeholders.ts';

/** What the catalog files no Location reaches would define, were they reached. */
export interface UnreachableDefinitions {
  /** Entity ref (lower-cased `kind:namespace/name`) → the unreachable file that defines it. */
  refs: Map<string, string>;
  /** Files those files' placeholders name (`$text`, `$openapi`, …): unreachable only because they are. */
  targets: Set<string>;
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
  for (const file of files.sort()) {
    let text: string;
    try {
      const read = readSource(realRepoPath(root, file), file, maxBytes);
      if (!('text' in read)) continue;
      text = read.text;
    } catch {
      continue;
    }
    for (const doc of parseYaml(text, file).documents) {
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
  return { refs, targets };
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
