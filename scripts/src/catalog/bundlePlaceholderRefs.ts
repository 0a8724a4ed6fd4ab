import { createRequire } from 'node:module';
import type { Diagnostic } from '../diagnostic.ts';
import { parseYaml } from '../load/parseYaml.ts';
import { resolveRelative } from './locationTargets.ts';
import { definitionOverLimit, refsIn } from './apiRefs.ts';

/** The placeholders catalog-backend-module-openapi registers; both bundle the file's `$ref`s. */
export const BUNDLING_RESOLVERS: ReadonlySet<string> = new Set(['openapi', 'asyncapi']);

// Repo files stand in for Backstage's URL reader under a base no real reader has.
const REPO = 'https://repo.invalid/';
const OUTSIDE = 'https://outside.invalid/';

type Resolver = (params: {
  key: string;
  value: unknown;
  baseUrl: string;
  read(url: string): Promise<Buffer>;
  resolveUrl(url: string, base: string): string;
  emit(result: unknown): void;
}) => Promise<string>;

export interface BundledPlaceholder {
  /** The entity file that holds the placeholder. */
  file: string;
  key: string;
  value: string;
}

export interface BundleResult {
  diagnostics: Diagnostic[];
  /** Every repo file the bundler read: they are part of the entity, not stray files. */
  readFiles: Set<string>;
}

/**
 * Bundles each `$openapi`/`$asyncapi` placeholder with catalog-backend-module-openapi's own resolver, as
 * the managed Backstage does at ingestion, reading this repo's files instead of URLs. A `$ref` to a file
 * that does not exist, or that climbs above the repo, fails the placeholder there (and Backstage refuses
 * the entity); each is reported on the `$ref` line of the file that writes it. Absolute URLs outside the
 * repo are left to Backstage (read as an empty document here).
 *
 * Takes the placeholders and a reader of repo files (null when absent); returns the findings and the files read.
 */
export async function bundlePlaceholderRefs(uses: readonly BundledPlaceholder[], readRepoFile: (path: string) => string | null, repoUrl?: string): Promise<BundleResult> {
  const resolver = createRequire(import.meta.url)('@backstage/plugin-catalog-backend-module-openapi').jsonSchemaRefPlaceholderResolver as Resolver;
  const readFiles = new Set<string>();
  const failed = new Map<string, 'missing' | 'outside'>();
  const toRepoUrl = (path: string) => `${REPO}${path.split('/').map(encodeURIComponent).join('/')}`;
  const fromRepoUrl = (url: string) => url.slice(REPO.length).split('#')[0].split('/').map(decodeURIComponent).join('/');
  const resolveUrl = (url: string, base: string): string => {
    if (!base.startsWith(REPO)) return url;
    const [target, fragment] = splitFragment(url);
    const path = resolveRelative(fromRepoUrl(base), target, repoUrl);
    if (path === undefined) return url;
    return (path === null ? `${OUTSIDE}${encodeURIComponent(target)}` : toRepoUrl(path)) + fragment;
  };
  const read = async (url: string): Promise<Buffer> => {
    if (url.startsWith(OUTSIDE)) {
      failed.set(decodeURIComponent(url.slice(OUTSIDE.length).split('#')[0]), 'outside');
      throw new Error(`${url} is outside the repository`);
    }
    if (!url.startsWith(REPO)) return Buffer.from('{}');
    const path = fromRepoUrl(url);
    const text = readRepoFile(path);
    if (text === null) {
      failed.set(path, 'missing');
      throw new Error(`${path} does not exist`);
    }
    // A file the parsers behind the bundler would recurse into without end is never handed to them (scanApiRefs reports it).
    if (definitionOverLimit(text, path)) throw new Error(`${path} is over the definition limits`);
    readFiles.add(path);
    return Buffer.from(text);
  };
  for (const use of uses) {
    try {
      await resolver({ key: use.key, value: use.value, baseUrl: toRepoUrl(use.file), read, resolveUrl, emit: () => {} });
    } catch {
      // The failed reads say where; a failure that is not a read (a bad pointer) is the placeholder check's.
    }
  }
  const diagnostics: Diagnostic[] = [];
  for (const file of [...readFiles].sort()) {
    const parsed = parseYaml(readRepoFile(file) ?? '', file);
    parsed.documents.forEach((doc, document) => {
      for (const { path, ref } of refsIn(doc)) {
        const [target] = splitFragment(ref);
        if (!target) continue;
        const resolved = resolveRelative(file, target, repoUrl);
        const problem = resolved === null ? 'outside' : resolved === undefined ? undefined : failed.get(resolved);
        if (!problem) continue;
        diagnostics.push({
          ruleId: problem === 'outside' ? 'placeholder-outside-repo' : 'placeholder-target-missing',
          severity: 'error',
          message: problem === 'outside'
            ? `$ref ${ref} climbs above this repository; catalog-backend-module-openapi cannot bundle ${file}, so Backstage refuses every entity whose definition uses it.`
            : `$ref ${ref} points at ${resolved}, which does not exist; catalog-backend-module-openapi cannot bundle ${file}, so Backstage refuses every entity whose definition uses it.`,
          hint: 'A relative $ref is resolved from the file that writes it; keep referenced files inside this repository.',
          file,
          range: parsed.locate(document, [...path, '$ref']),
        });
      }
    });
  }
  return { diagnostics, readFiles };
}

function splitFragment(ref: string): [string, string] {
  const hash = ref.indexOf('#');
  return hash < 0 ? [ref, ''] : [ref.slice(0, hash), ref.slice(hash)];
}
