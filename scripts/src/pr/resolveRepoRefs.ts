import { parseDefinition } from './parseDefinition.ts';
import { DEFAULT_DEFINITION_LIMITS, definitionOverLimit, refTarget, type DefinitionLimits } from '../catalog/apiRefs.ts';

/** One revision of the repository as the resolver may read it: the files git lists there, and a reader. */
export interface RevisionFiles {
  repoFileSet: ReadonlySet<string>;
  /** The text of a listed file of this revision (symbolic links out refused), or null. */
  read(path: string): string | null;
}

/** A definition with its repo-local `$ref`s resolved, and the repo files it was read from. */
export interface ResolvedDefinition {
  /** The document; undefined when resolving it went over the limits (`overLimit` says why). */
  document: unknown;
  /** Every repo file its `$ref` closure reached (the definition's own file included). */
  files: Set<string>;
  /**
   * Set when the closure went over the definition limits: a referenced file over the size, node or depth
   * limits (`file`) or the alias budget (`aliases`), the node budget of the whole (`nodes`) or the ref depth.
   */
  overLimit?: 'file' | 'aliases' | 'nodes' | 'depth';
}

const unescape = (segment: string) => {
  try {
    return decodeURIComponent(segment).replace(/~1/g, '/').replace(/~0/g, '~');
  } catch {
    return undefined;
  }
};

/** The node at JSON pointer `fragment` (without `#`) in `document`, or undefined. */
export function atPointer(document: unknown, fragment: string): unknown {
  let node = document;
  for (const raw of fragment.replace(/^\//, '').split('/').filter(s => s !== '')) {
    const segment = unescape(raw);
    if (segment === undefined || !node || typeof node !== 'object' || !Object.prototype.hasOwnProperty.call(node, segment)) return undefined;
    node = (node as Record<string, unknown>)[segment];
  }
  return node;
}

class OverLimit extends Error {
  constructor(readonly why: 'file' | 'aliases' | 'nodes' | 'depth') {
    super(why);
  }
}

/**
 * Resolves the `$ref`s of API definition `document` (the parsed text of repo file `file`) that lead to
 * other files of this revision, as Backstage's `$openapi`/`$asyncapi` bundler would: each such `$ref`
 * object is replaced by the node it names (the whole file without a fragment), and that node's own
 * `$ref`s are resolved from its file, local ones (`#/…`) included. The root's local `$ref`s stay as
 * written (the diff resolves them itself). A `$ref` that refTarget judges outside the repository or
 * missing, and one that closes a cycle, stays as written. Targets are read only through `files.read`
 * (so each side of a comparison reads its own revision), each checked by definitionOverLimit first;
 * the whole result may hold at most `limits.maxNodes` values and follow at most `limits.maxDepth`
 * `$ref`s in a chain, else `overLimit` is set and `document` is undefined. Never throws.
 */
export function resolveRepoRefs(document: unknown, file: string, files: RevisionFiles, limits: DefinitionLimits = DEFAULT_DEFINITION_LIMITS): ResolvedDefinition {
  const reached = new Set<string>([file]);
  const parsed = new Map<string, unknown>();
  let budget = limits.maxNodes;
  const load = (path: string): unknown => {
    if (parsed.has(path)) return parsed.get(path);
    const text = files.read(path);
    if (text === null) {
      parsed.set(path, undefined);
      return undefined;
    }
    if (definitionOverLimit(text, path, limits)) throw new OverLimit('file');
    const read = parseDefinition(text);
    if ('refused' in read && read.refused === 'aliases') throw new OverLimit('aliases');
    const value = 'value' in read ? read.value : undefined;
    parsed.set(path, value);
    return value;
  };
  // `from` is the file the node was written in; `chain` the ref targets being resolved (a cycle guard).
  const walk = (node: unknown, from: string, root: boolean, chain: string[]): unknown => {
    if (--budget < 0) throw new OverLimit('nodes');
    if (Array.isArray(node)) return node.map(item => walk(item, from, root, chain));
    if (!node || typeof node !== 'object') return node;
    const ref = (node as { $ref?: unknown }).$ref;
    if (typeof ref === 'string') {
      const target = refTarget(from, ref, files.repoFileSet);
      const resolvedTarget = target.kind === 'file' ? { path: target.path, fragment: target.fragment } : target.kind === 'local' && !root ? { path: from, fragment: ref.slice(ref.indexOf('#') + 1) } : undefined;
      if (resolvedTarget) {
        const key = `${resolvedTarget.path}#${resolvedTarget.fragment}`;
        if (chain.includes(key)) return node;
        if (chain.length >= limits.maxDepth) throw new OverLimit('depth');
        reached.add(resolvedTarget.path);
        const value = atPointer(load(resolvedTarget.path), resolvedTarget.fragment);
        if (value !== undefined) return walk(value, resolvedTarget.path, false, [...chain, key]);
        return node;
      }
    }
    const out: Record<string, unknown> = {};
    // defineProperty: a `__proto__` key from a PR stays a plain key, never the object's prototype.
    for (const [key, value] of Object.entries(node)) Object.defineProperty(out, key, { value: walk(value, from, root, chain), enumerable: true, writable: true, configurable: true });
    return out;
  };
  try {
    return { document: walk(document, file, true, []), files: reached };
  } catch (error) {
    if (error instanceof OverLimit) return { document: undefined, files: reached, overLimit: error.why };
    // A chain deep enough to exhaust the stack before maxDepth: reported like any depth overrun.
    if (error instanceof RangeError) return { document: undefined, files: reached, overLimit: 'depth' };
    throw error;
  }
}
