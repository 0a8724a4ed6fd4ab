import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { readRepoFile } from '../load/repoPath.ts';
import { findPlaceholders, placeholderTarget, substitutePlaceholders, type PlaceholderUse } from '../catalog/placeholders.ts';
import { isRecord } from '../load/loadCatalog.ts';
import { boundedText, logText } from '../report/safeText.ts';

/**
 * template.yaml as the scaffolder receives it from the catalog: `$yaml`/`$json`/`$text` placeholders
 * (in steps, parameter pages, anywhere) replaced by the files they name, relative to template.yaml or as
 * a URL into this repository (`repoUrl`), exactly as the catalog's PlaceholderProcessor resolves them
 * (scripts/src/catalog/placeholders.ts). Problems with a placeholder are the catalog check's to report;
 * here an unreadable one keeps the catalog's stand-in. Returns the document unchanged without placeholders.
 */
export function resolveTemplatePlaceholders<T>(root: string, file: string, document: T, repoUrl?: string): T {
  return resolveWithUnread(root, file, document, repoUrl).document;
}

/**
 * What an offline render cannot run as Backstage would: the first placeholder in `spec.steps` or
 * `spec.output` (the list itself, a step, or a value inside one) at a URL the gate cannot read. Backstage's
 * PlaceholderProcessor reads that URL when the catalog ingests the template, so the task runs what the file
 * holds; offline the step would be an empty stand-in (a step with no action, an input with no value).
 * Takes the template as written; returns a one-sentence reason naming the path and URL, or undefined.
 */
export function unreadStepsProblem(root: string, file: string, document: unknown, repoUrl?: string): string | undefined {
  const use = resolveWithUnread(root, file, document, repoUrl).unread.find(u => u.path[0] === 'spec' && (u.path[1] === 'steps' || u.path[1] === 'output'));
  if (!use) return undefined;
  const where = use.path.map((segment, index) => (typeof segment === 'number' ? `[${segment}]` : `${index ? '.' : ''}${segment}`)).join('');
  return `${where} is $${use.key}: ${logText(boundedText(String(use.value)))}, which Backstage reads when the catalog ingests the template; it cannot be read offline, so a render here would not run what Backstage runs and the template is not rendered.`;
}

/** What to do about an unreadStepsProblem. */
export const UNREAD_STEPS_HINT = 'Refer to a file in this repository with a relative path (or set repoUrl in gitops.config.yaml when the URL points into this repository).';
function resolveWithUnread<T>(root: string, file: string, document: T, repoUrl?: string): { document: T; unread: PlaceholderUse[] } {
  if (!isRecord(document)) return { document, unread: [] };
  const uses = findPlaceholders(document);
  if (!uses.length) return { document, unread: [] };
  const sources = new Map<string, string | null>();
  for (const use of uses) {
    const target = placeholderTarget(file, use.value, repoUrl);
    if (typeof target !== 'string' || sources.has(target)) continue;
    const path = join(root, target);
    sources.set(target, existsSync(path) ? readInside(root, target) : null);
  }
  const { entity, unread } = substitutePlaceholders(document, file, sources, repoUrl);
  return { document: entity as T, unread };
}

/** A file's text, or null when it is a link that leaves the repository (the gate reports the link). */
function readInside(root: string, target: string): string | null {
  try {
    return readRepoFile(root, target, 'utf8');
  } catch {
    return null;
  }
}
