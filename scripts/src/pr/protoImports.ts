import { posix } from 'node:path';
import type { RevisionFiles } from './resolveRepoRefs.ts';

/** The files a .proto imports, read from one revision of the repository, and the imports it does not hold. */
export interface ProtoImports {
  /** Import path (as written in `import "…";`) to the text of the repository file it names. */
  files: Map<string, string>;
  /** The repository paths of those files. */
  paths: Set<string>;
  /**
   * Import paths no file of the repository ends with (googleapis' `google/api/annotations.proto` kept as a buf
   * dependency, say); one that is no plain relative path is given quoted, as JSON writes it.
   */
  missing: string[];
}

// buf compiles the well-known types itself; a vendored copy must not shadow them.
const WELL_KNOWN = 'google/protobuf/';
const MAX_FILES = 200;
const MAX_BYTES = 8 * 1024 * 1024;

/**
 * `text` with each `/* … *\/` comment replaced by a space, as `/\/\*[\s\S]*?\*\//g` replaces them, found with
 * indexOf in one pass: the pattern rescans the rest of the text from every `/*` that has no `*\/` after it,
 * so a .proto of 300,000 `/* ` held the report for minutes. Pure.
 */
function withoutBlockComments(text: string): string {
  let out = '';
  let from = 0;
  for (let at = text.indexOf('/*'); at >= 0; at = text.indexOf('/*', from)) {
    const end = text.indexOf('*/', at + 2);
    // No `*/` after this `/*`: none after any later one either, and the rest stays as written.
    if (end < 0) break;
    out += `${text.slice(from, at)} `;
    from = end + 2;
  }
  return out + text.slice(from);
}

/** Comments and string literals other than import paths cannot hold an import: drop comments before matching. */
function importsOf(text: string): string[] {
  const code = withoutBlockComments(text).replace(/\/\/[^\n]*/g, '');
  return [...code.matchAll(/(?:^|[;}\s])import\s+(?:(?:public|weak)\s+)?["']([^"'\n]{1,500})["']\s*;/g)].map(m => m[1]);
}

/** Whether an import path is one buf could read from a module root: relative, forward slashes, plain characters, no `.`/`..` segment. */
export const safeImport = (path: string) => /^[A-Za-z0-9_.+@-][A-Za-z0-9_./+@-]*\.proto$/.test(path) && path.split('/').every(s => s !== '' && s !== '.' && s !== '..');

/**
 * The repository file an import names: protoc and buf resolve `import "a/b.proto"` against an include root,
 * so any file whose path is the import path or ends with `/` + it may be meant. The one under the importing
 * file's own root wins (the nearest such root first), then the shortest path, then the first in sort order.
 */
function resolveImport(path: string, importer: string, files: RevisionFiles): string | undefined {
  const candidates = [...files.repoFileSet].filter(f => f === path || f.endsWith(`/${path}`));
  if (!candidates.length) return undefined;
  const rootOf = (f: string) => f.slice(0, f.length - path.length);
  const under = candidates.filter(f => importer.startsWith(rootOf(f))).sort((a, b) => rootOf(b).length - rootOf(a).length);
  return under[0] ?? candidates.sort((a, b) => a.length - b.length || (a < b ? -1 : 1))[0];
}

/**
 * Every file a .proto imports, directly or through the files it imports, as one revision of the repository
 * holds them, so that `buf breaking` can compile the API's file the way its own build does (its include
 * roots are not written down anywhere the gate reads, so each import is matched by the path it ends with).
 * Takes the proto's text, its repository path (undefined for an inline definition) and the revision's files;
 * returns the files by import path and the imports the repository does not hold. The well-known types
 * (`google/protobuf/…`) are left to buf. Bounded: at most 200 files and 8 MB are read; past that the rest
 * count as missing.
 */
export function protoImports(text: string, file: string | undefined, files: RevisionFiles): ProtoImports {
  const found = new Map<string, string>();
  const paths = new Set<string>();
  const missing: string[] = [];
  let bytes = 0;
  const queue: { text: string; importer: string }[] = [{ text, importer: file ?? '' }];
  for (let next = queue.shift(); next; next = queue.shift()) {
    for (const path of importsOf(next.text)) {
      if (path.startsWith(WELL_KNOWN) || found.has(path) || missing.includes(path) || missing.includes(JSON.stringify(path))) continue;
      const normal = posix.normalize(path);
      const target = safeImport(path) && normal === path ? resolveImport(path, next.importer, files) : undefined;
      const content = target && target !== file && found.size < MAX_FILES ? files.read(target) : null;
      if (content === null || bytes + content.length > MAX_BYTES) {
        // Pull-request text on its way to a message: anything but a plain path is shown quoted and escaped.
        missing.push(safeImport(path) ? path : JSON.stringify(path));
        continue;
      }
      bytes += content.length;
      found.set(path, content);
      paths.add(target!);
      queue.push({ text: content, importer: target! });
    }
  }
  return { files: found, paths, missing };
}
