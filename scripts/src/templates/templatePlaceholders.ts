import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { readRepoFile } from '../load/repoPath.ts';
import { findPlaceholders, placeholderTarget, substitutePlaceholders } from '../catalog/placeholders.ts';
import { isRecord } from '../load/loadCatalog.ts';

/**
 * template.yaml as the scaffolder receives it from the catalog: `$yaml`/`$json`/`$text` placeholders
 * (in steps, parameter pages, anywhere) replaced by the files they name, relative to template.yaml or as
 * a URL into this repository (`repoUrl`), exactly as the catalog's PlaceholderProcessor resolves them
 * (scripts/src/catalog/placeholders.ts). Problems with a placeholder are the catalog check's to report;
 * here an unreadable one keeps the catalog's stand-in. Returns the document unchanged without placeholders.
 */
export function resolveTemplatePlaceholders<T>(root: string, file: string, document: T, repoUrl?: string): T {
  if (!isRecord(document)) return document;
  const uses = findPlaceholders(document);
  if (!uses.length) return document;
  const sources = new Map<string, string | null>();
  for (const use of uses) {
    const target = placeholderTarget(file, use.value, repoUrl);
    if (typeof target !== 'string' || sources.has(target)) continue;
    const path = join(root, target);
    sources.set(target, existsSync(path) ? readInside(root, target) : null);
  }
  return substitutePlaceholders(document, file, sources, repoUrl).entity as T;
}

/** A file's text, or null when it is a link that leaves the repository (the gate reports the link). */
function readInside(root: string, target: string): string | null {
  try {
    return readRepoFile(root, target, 'utf8');
  } catch {
    return null;
  }
}
