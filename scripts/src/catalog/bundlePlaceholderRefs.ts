import { createRequire } from 'node:module';
import { posix } from 'node:path';
import type { Diagnostic } from '../diagnostic.ts';
import { parseYaml } from '../load/parseYaml.ts';
import { resolveRelative } from './locationTargets.ts';
import { definitionOverLimit, refsIn } from './apiRefs.ts';
import { otherRepository } from './placeholders.ts';

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

// The module's own bundling step (what its resolver runs after reading the placeholder's file): called
// directly only to see the error object the resolver turns into a sentence.
type Bundle = (text: string, baseUrl: string, read: (url: string) => Promise<Buffer>, resolveUrl: (url: string, base: string) => string) => Promise<string>;

/** A `$ref` pointer the module's bundler could not find: the file it looks in, and the pointer (`#/…`; undefined when malformed). */
interface PointerFailure {
  target: string;
  pointer: string | undefined;
  /** The definition file the placeholder names, where the finding goes when no written $ref matches. */
  root: string;
  message: string;
}

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
 * repo are left to Backstage (read as an empty document here), except one into another git repository
 * (Backstage's assertSameRepository, judged against `repoUrl`): the module reads every `$ref` with the
 * backend's own URL reader, its integration credentials and no same-repository check (catalog-backend
 * refuses exactly that for $text, $json and $yaml), so that repository's file would be bundled into this
 * API's definition for every reader of the catalog. It is placeholder-outside-repo, as for $text.
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
  let readFailed = false;
  const pointerFailures: PointerFailure[] = [];
  for (const use of uses) {
    readFailed = false;
    try {
      await resolver({ key: use.key, value: use.value, baseUrl: toRepoUrl(use.file), read: url => read(url).catch(error => { readFailed = true; throw error; }), resolveUrl, emit: () => {} });
    } catch {
      // The failed reads say where. Anything else is the bundler's own refusal: a pointer it cannot find.
      if (readFailed) continue;
      const failure = await pointerFailure(use, { read, resolveUrl, toRepoUrl, fromRepoUrl, readRepoFile });
      if (failure && !pointerFailures.some(f => f.target === failure.target && f.pointer === failure.pointer)) pointerFailures.push(failure);
    }
  }
  const diagnostics: Diagnostic[] = [];
  const matched = new Set<PointerFailure>();
  for (const file of [...readFiles].sort()) {
    const parsed = parseYaml(readRepoFile(file) ?? '', file);
    parsed.documents.forEach((doc, document) => {
      for (const { path, ref } of refsIn(doc)) {
        const [target, fragment] = splitFragment(ref);
        const failure = pointerFailures.find(f => f.target === (target ? resolveRelative(file, target, repoUrl) : file) && samePointer(f.pointer, fragment));
        if (failure) {
          matched.add(failure);
          diagnostics.push(pointerDiagnostic(failure, ref, file, parsed.locate(document, [...path, '$ref'])));
          continue;
        }
        if (!target) continue;
        const resolved = resolveRelative(file, target, repoUrl);
        const web = resolved === undefined ? webUrl(target) : undefined;
        if (web && repoUrl && otherRepository(web, `${repoUrl}${file}`)) {
          diagnostics.push({
            ruleId: 'placeholder-outside-repo',
            severity: 'error',
            message: `$ref ${ref.length > 200 ? `${ref.slice(0, 200)}…` : ref} names a file of another git repository: catalog-backend-module-openapi bundles ${file} with Backstage's own URL reader and integration credentials, without the same-repository check Backstage makes for $text, so that repository's file would be published in this API's definition to everyone who can read the catalog.`,
            hint: 'Copy the schema into this repository and refer to it with a relative path (a plain web URL outside any git repository stays allowed).',
            file,
            range: parsed.locate(document, [...path, '$ref']),
          });
          continue;
        }
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
          ...(problem === 'outside' || typeof resolved !== 'string' ? {} : { missingTarget: { via: '$ref', value: ref, path: resolved } }),
        });
      }
    });
  }
  for (const failure of pointerFailures.filter(f => !matched.has(f))) {
    diagnostics.push(pointerDiagnostic(failure, undefined, failure.root, parseYaml(readRepoFile(failure.root) ?? '', failure.root).locate(0, [])));
  }
  return { diagnostics, readFiles };
}

/**
 * Why the module's bundler refuses the definition `use` names, when it is a pointer (json-schema-ref-parser's
 * MissingPointerError or InvalidPointerError): bundles the file again with the module's own bundleFileWithRefs to
 * get the error object, whose `source` (a path under the process's folder standing for the definition's folder)
 * names the file it looked in. Undefined for any other failure, and for a pointer into a web address (read here
 * as an empty document, so whether it has the key is Backstage's to find out).
 */
async function pointerFailure(use: BundledPlaceholder, io: { read(url: string): Promise<Buffer>; resolveUrl(url: string, base: string): string; toRepoUrl(path: string): string; fromRepoUrl(url: string): string; readRepoFile(path: string): string | null }): Promise<PointerFailure | undefined> {
  const rootUrl = io.resolveUrl(use.value, io.toRepoUrl(use.file));
  if (!rootUrl.startsWith(REPO)) return undefined;
  const root = io.fromRepoUrl(rootUrl);
  const text = io.readRepoFile(root);
  if (text === null) return undefined;
  const bundle = createRequire(import.meta.url)('@backstage/plugin-catalog-backend-module-openapi/dist/lib/bundle.cjs.js').bundleFileWithRefs as Bundle;
  try {
    await bundle(text, rootUrl, io.read, io.resolveUrl);
    return undefined;
  } catch (error) {
    const { name, source, targetRef, message } = (error ?? {}) as { name?: unknown; source?: unknown; targetRef?: unknown; message?: unknown };
    if ((name !== 'MissingPointerError' && name !== 'InvalidPointerError') || typeof source !== 'string') return undefined;
    // A pointer into a web address: read here as an empty document, so its keys are unknown (Backstage reads it).
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(source)) return undefined;
    // json-schema-ref-parser places a definition parsed from text at the process's folder and resolves its $refs from there.
    const relative = posix.relative(process.cwd().split('\\').join('/'), source.split('#')[0]);
    const target = relative === '' ? root : posix.normalize(posix.join(posix.dirname(root), relative));
    return { target, pointer: name === 'MissingPointerError' && typeof targetRef === 'string' ? targetRef : undefined, root, message: String(message).slice(0, 300) };
  }
}

/** Whether a $ref's fragment (`#/…`, or '' for none) is the pointer the bundler failed on (undefined: a malformed one). */
function samePointer(pointer: string | undefined, fragment: string): boolean {
  if (pointer === undefined) return fragment.length > 1 && !fragment.startsWith('#/');
  return fragment !== '' && safeDecode(fragment) === safeDecode(pointer);
}

function safeDecode(text: string): string {
  try {
    return decodeURI(text);
  } catch {
    return text;
  }
}

function pointerDiagnostic(failure: PointerFailure, ref: string | undefined, file: string, range: Diagnostic['range']): Diagnostic {
  const what = failure.pointer === undefined ? 'a pointer that does not start with #/' : `${failure.pointer.slice(0, 200)}, which ${failure.target} does not have`;
  return {
    ruleId: 'placeholder-target-missing',
    severity: 'error',
    message: `${ref === undefined ? `A $ref in ${failure.root} or a file it reaches` : `$ref ${ref.slice(0, 200)}`} points at ${what}: catalog-backend-module-openapi cannot bundle the definition (${failure.message}), so Backstage refuses every entity whose definition uses it.`,
    hint: 'Point the $ref at a key the file has (#/components/schemas/Name), or add that key; pointers are JSON pointers from the top of the file.',
    file,
    range,
  };
}

function splitFragment(ref: string): [string, string] {
  const hash = ref.indexOf('#');
  return hash < 0 ? [ref, ''] : [ref.slice(0, hash), ref.slice(hash)];
}

/**
 * The http(s) URL Backstage reads for an absolute `$ref`, as its URL reader parses it (WHATWG `new URL`:
 * leading blanks and controls trimmed, `HTTPS:`, `https:/host`, `https:\\host` and `https:host` all
 * `https://host/`), so a spelling that only looks unlike a URL is judged as the one read. Undefined for
 * anything that is not an absolute http(s) URL.
 */
function webUrl(target: string): string | undefined {
  try {
    const url = new URL(target);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : undefined;
  } catch {
    return undefined;
  }
}
