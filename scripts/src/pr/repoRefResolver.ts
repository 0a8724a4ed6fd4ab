import { createRequire } from 'node:module';
import type { Resolver } from '@stoplight/spectral-ref-resolver';
import { DEFAULT_DEFINITION_LIMITS, definitionOverLimit, refOutsideProblem, refTarget, type DefinitionLimits } from '../catalog/apiRefs.ts';
import type { Diagnostic } from '../diagnostic.ts';
import { parseYaml } from '../load/parseYaml.ts';
import type { PathSegment } from '../load/yamlPath.ts';

const require = createRequire(import.meta.url);

/** The repository as the `$ref` resolver may see it: the files git lists, and a reader for them. */
export interface RepoFiles {
  repoFileSet: ReadonlySet<string>;
  /** The text of a listed repo file (symbolic links out refused), or null when it cannot be read. */
  read(path: string): string | null;
  limits?: DefinitionLimits;
}

/** A URI-ish name for a repo path that urijs parses back to the same path (no scheme, so never a URL). */
export const uriOfPath = (path: string) => path.split('/').map(encodeURIComponent).join('/');
const pathOfUri = (uri: string) => {
  try {
    return uri.split('/').map(decodeURIComponent).join('/');
  } catch {
    return undefined;
  }
};

interface UriLike {
  toString(): string;
  path(): string;
  fragment(): string;
}

/**
 * A Spectral `Resolver` (@stoplight/spectral-ref-resolver, given to `new Spectral({ resolver })`) that
 * resolves `$ref`s only to files of this repository, under refTarget's rules: its `transformRef` judges
 * each `$ref` as written, from the file that writes it (documents are named by uriOfPath of their repo
 * path), and leaves any that leaves the repository, that names a missing file or one over the definition
 * limits unresolved (Spectral then sees the plain `{ $ref }` object). Its `file` resolver serves only the
 * texts transformRef approved, and its `http`/`https` resolvers refuse: nothing is fetched, and no path
 * of the host is ever read. Every refusal is a Diagnostic in `findings` (api-ref-outside-repo, or the
 * limit's rule for a referenced file over it).
 */
export function repoRefResolver(repo: RepoFiles): { resolver: Resolver; findings: Diagnostic[] } {
  const { Resolver: SpectralResolver } = require('@stoplight/spectral-ref-resolver') as typeof import('@stoplight/spectral-ref-resolver');
  const limits = repo.limits ?? DEFAULT_DEFINITION_LIMITS;
  const approved = new Map<string, string>();
  const refused = new Map<string, true>();
  const findings: Diagnostic[] = [];
  const texts = new Map<string, string | null>();
  const textOf = (path: string) => {
    if (!texts.has(path)) texts.set(path, repo.read(path));
    return texts.get(path)!;
  };
  const refuse = (file: string, pointer: string, ref: string, reason: string) => {
    const key = `${file}|${pointer}`;
    if (refused.has(key)) return;
    refused.set(key, true);
    const text = textOf(file);
    findings.push(refOutsideProblem(file, ref, reason, locatePointer(file, text, pointer)));
  };
  const never = {
    resolve: (ref: UriLike) => Promise.reject(new Error(`$ref ${String(ref).slice(0, 200)} is not fetched: API $refs are resolved only inside this repository`)),
  };
  const resolver = new SpectralResolver({
    resolvers: {
      http: never,
      https: never,
      // Every other scheme, and a plain path, reaches this one (json-ref-resolver's isFile): it serves approved repo texts only.
      file: {
        resolve: (ref: UriLike) => {
          const path = pathOfUri(ref.path());
          const text = path === undefined ? undefined : approved.get(path);
          return text === undefined ? never.resolve(ref) : Promise.resolve(text);
        },
      },
    },
    transformRef: (opts: { ref?: UriLike; uri: UriLike; val?: unknown; jsonPointer?: string }) => {
      const raw = typeof opts.val === 'object' && opts.val !== null ? (opts.val as { $ref?: unknown }).$ref : undefined;
      if (typeof raw !== 'string' || !opts.ref) return opts.ref;
      if (raw.startsWith('#')) return opts.ref;
      const from = pathOfUri(opts.uri.path());
      const Uri = opts.ref.constructor as new (value: string) => UriLike;
      if (from === undefined || !repo.repoFileSet.has(from)) return undefined;
      const target = refTarget(from, raw, repo.repoFileSet);
      if (target.kind === 'local') return new Uri(raw.slice(raw.indexOf('#')));
      if (target.kind === 'outside') {
        refuse(from, opts.jsonPointer ?? '#', raw, target.reason);
        return undefined;
      }
      if (target.kind === 'missing') return undefined;
      const hash = target.fragment ? `#${target.fragment}` : '';
      if (target.path === from) return new Uri(hash || '#');
      if (!approved.has(target.path)) {
        const text = textOf(target.path);
        if (text === null) return undefined;
        const over = definitionOverLimit(text, target.path, limits);
        if (over) {
          if (!refused.has(target.path)) findings.push(over);
          refused.set(target.path, true);
          return undefined;
        }
        approved.set(target.path, text);
      }
      return new Uri(uriOfPath(target.path) + hash);
    },
  } as never);
  return { resolver, findings };
}

/** The range of the `$ref` at JSON pointer `pointer` (of the object that holds it) in repo file `file`. */
function locatePointer(file: string, text: string | null, pointer: string) {
  const fallback = { start: { line: 1, column: 1 }, end: { line: 1, column: 2 } };
  if (text === null) return fallback;
  const parsed = parseYaml(text, file);
  let node: unknown = parsed.documents[0];
  const path: PathSegment[] = [];
  for (const raw of pointer.replace(/^#\/?/, '').split('/').filter(s => s !== '')) {
    let segment: string;
    try {
      segment = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
    } catch {
      return fallback;
    }
    const step: PathSegment = Array.isArray(node) ? Number(segment) : segment;
    path.push(step);
    node = node && typeof node === 'object' ? (node as Record<PathSegment, unknown>)[step] : undefined;
  }
  return parsed.locate(0, [...path, '$ref']);
}
