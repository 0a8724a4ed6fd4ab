import { posix } from 'node:path';
import type { Diagnostic, Range } from '../diagnostic.ts';
import { DEFAULT_YAML_LIMITS, parseYaml, yamlLimitsFor } from '../load/parseYaml.ts';
import type { PathSegment } from '../load/yamlPath.ts';
import { depthExceeded, depthLimitProblem, nodeBudgetExceeded, nodeBudgetProblem } from '../load/yamlNodeBudget.ts';

/** Where a `$ref` of an API definition leads, judged from its text alone (nothing is read). */
export type RefTarget =
  | { kind: 'local' }
  | { kind: 'file'; path: string; fragment: string }
  | { kind: 'outside'; reason: string; remote?: boolean }
  | { kind: 'missing'; path: string };

/** What the API tooling may read of one definition: bytes, YAML values and nesting levels. */
export interface DefinitionLimits {
  maxBytes: number;
  maxNodes: number;
  maxDepth: number;
}

export const DEFAULT_DEFINITION_LIMITS: DefinitionLimits = { maxBytes: 1024 * 1024, maxNodes: DEFAULT_YAML_LIMITS.maxNodes, maxDepth: DEFAULT_YAML_LIMITS.maxDepth ?? 128 };

/**
 * The limits for API definitions in a catalog whose files may hold `maxFileBytes` (catalog.maxFileBytes):
 * that many bytes, and YAML values in proportion to the default budget (100,000 for 1 MiB: an honest
 * definition holds one value for every ten-odd bytes or more; a 2.1 MB OpenAPI file of 6,000 paths ≈250,000,
 * while a packed "[a, a, a, …]" holds one for every two), never fewer. So raising catalog.maxFileBytes (a
 * change config-weakened puts before the platform team) lets a large definition, which Backstage reads
 * whatever its size, be linted and diffed too.
 */
export function definitionLimits(maxFileBytes: number): DefinitionLimits {
  return { ...DEFAULT_DEFINITION_LIMITS, maxBytes: maxFileBytes, maxNodes: yamlLimitsFor(maxFileBytes).maxNodes };
}

// Backstage reads a definition of any size; only the toolkit's lint and diff stop at its limits.
const DEFINITION_LIMIT_HINT = "Backstage reads it as it is. To have it linted and diffed too, raise catalog.maxFileBytes in gitops.config.yaml (the YAML values a definition may hold grow with it; the platform team reviews the change), or split it into files joined by relative $refs and read it with $openapi or $asyncapi, which bundle them for Backstage.";

const SCHEME = /^[a-z][a-z0-9+.-]*:/i;
const NO_LINKS: ReadonlySet<string> = new Set();

/**
 * Where `ref` (a JSON Reference written in repo file `fromFile`) leads, under the containment rules of the
 * catalog's placeholders and nothing looser: a relative path to a file this repository lists (symbolic
 * links are never listed), resolved from the file that writes it. Any URL (http, https, file, any other
 * scheme), an absolute path, a backslash, a NUL, a `..` that climbs above the root or a path in `links`
 * (the repo's symbolic links) is `outside`: the
 * toolkit neither reads nor fetches it. `%`-escapes are decoded first, as a URI reader would.
 * Takes repo-relative POSIX paths; returns the judgement; never throws.
 */
export function refTarget(fromFile: string, ref: string, repoFileSet: ReadonlySet<string>, links: ReadonlySet<string> = NO_LINKS): RefTarget {
  const hash = ref.indexOf('#');
  const target = hash < 0 ? ref : ref.slice(0, hash);
  const fragment = hash < 0 ? '' : ref.slice(hash + 1);
  if (target === '') return { kind: 'local' };
  // A web address is how OpenAPI files share schemas: Backstage's $openapi bundler reads it through its URL
  // reader, and the API docs page in the browser. Not fetched here, and said (info), but no error.
  if (/^https?:/i.test(target) || target.startsWith('//')) return { kind: 'outside', remote: true, reason: 'it is a web address; the toolkit resolves API $refs only inside this repository and never fetches one' };
  if (SCHEME.test(target)) return { kind: 'outside', reason: 'it is a URL of another scheme (file: and the like name files of the machine that reads it); API $refs are resolved only inside this repository' };
  if (target.startsWith('/')) return { kind: 'outside', reason: 'it is an absolute path, which names a file of the machine that runs the check, not of this repository' };
  let decoded: string;
  try {
    decoded = decodeURIComponent(target);
  } catch {
    return { kind: 'outside', reason: 'it holds a malformed %-escape, so it names no file of this repository' };
  }
  if (decoded.includes('\\') || decoded.includes('\0')) return { kind: 'outside', reason: 'it holds a backslash or a NUL, which some resolvers read as a path separator or the end of the path' };
  if (decoded.startsWith('/')) return { kind: 'outside', reason: 'it is an absolute path once its %-escapes are decoded' };
  const path = posix.normalize(posix.join(posix.dirname(fromFile), decoded));
  if (path === '..' || path.startsWith('../')) return { kind: 'outside', reason: 'it climbs above the root of this repository' };
  if (links.has(path)) return { kind: 'outside', reason: 'it names a symbolic link, which the toolkit never follows (it can lead to any file of the machine)' };
  return repoFileSet.has(path) ? { kind: 'file', path, fragment } : { kind: 'missing', path };
}

/**
 * The finding for a definition text over `limits` (`yaml-file-too-large`, `yaml-node-limit` or
 * `yaml-depth-limit`), or undefined when the recursive parsers may read it. Runs no recursive parser itself.
 */
export function definitionOverLimit(text: string, file: string, limits: DefinitionLimits = DEFAULT_DEFINITION_LIMITS): Diagnostic | undefined {
  const bytes = Buffer.byteLength(text);
  if (bytes > limits.maxBytes) {
    return {
      ruleId: 'yaml-file-too-large',
      severity: 'error',
      message: `This API definition is ${bytes} bytes, over the ${limits.maxBytes}-byte cap; it is not linted, diffed or resolved.`,
      hint: DEFINITION_LIMIT_HINT,
      file,
      range: { start: { line: 1, column: 1 }, end: { line: 1, column: 2 } },
    };
  }
  const deep = depthExceeded(text, limits.maxDepth);
  if (deep) return depthLimitProblem(file, deep, limits.maxDepth);
  const many = nodeBudgetExceeded(text, limits.maxNodes);
  return many ? { ...nodeBudgetProblem(file, many, limits.maxNodes), message: `This API definition holds more than ${limits.maxNodes} YAML values (passed here); it is not linted, diffed or resolved.`, hint: DEFINITION_LIMIT_HINT } : undefined;
}

/** The finding for a `$ref` that leaves the repository: `ref` written in `file` at `range`. */
export function refOutsideProblem(file: string, ref: string, reason: string, range: Range, remote = false): Diagnostic {
  return {
    ruleId: 'api-ref-outside-repo',
    severity: remote ? 'info' : 'error',
    message: `$ref ${JSON.stringify(ref.length > 200 ? `${ref.slice(0, 200)}…` : ref)} leaves this repository: ${reason}. It is not read; Spectral and the breaking-change diff see the $ref as written.`,
    hint: remote
      ? 'Nothing to fix if the address is meant: Backstage reads it when it bundles the definition ($openapi/$asyncapi, hosts allowed by backend.reading.allow). To have the toolkit lint and diff the schema too, copy it into this repository and refer to it with a relative path.'
      : 'Copy the referenced schema into this repository and refer to it with a relative path (./schemas/common.yaml#/Money).',
    file,
    range,
  };
}

/**
 * The finding for a definition that is within the limits file by file but nests too deep once its `$ref`s
 * are resolved (a chain of files, or of local refs, each under the limit): the recursive reader ran out
 * of stack (a RangeError, caught) and the definition is not linted or diffed.
 */
export function resolvedTooDeepProblem(file: string, range: Range, what: string): Diagnostic {
  return {
    ruleId: 'yaml-depth-limit',
    severity: 'error',
    message: `With its $refs resolved, this definition nests too deep for ${what} (a chain of $refs, each target nested deep); it is not ${what === 'Spectral' ? 'linted' : 'diffed'}.`,
    hint: 'Shorten the chain: refer to shared schemas from components/schemas instead of nesting each referenced file inside the previous one.',
    file,
    range,
  };
}

// `$ref` as written, or any escape that can spell one of its letters in a YAML or JSON double-quoted key
// (`"\x24ref"`, `"$\u0072ef"`, `"\U00000024ref"`, or `"$r\` and `ef"` joined by an escaped line break).
const MAY_HOLD_REF = /\$ref|\\[xuU]|\\\r?\n/;

/**
 * Whether a definition text may hold a `$ref` key once parsed: it writes `$ref`, or an escape that could
 * spell it. A cheap superset, so a text that skips the `$ref` walk (and the breaking-change diff of the
 * files it reaches) can hold none; the parsers (yaml, JSON, Spectral, the $openapi bundler) all unescape keys.
 */
export const mayHoldRef = (text: string): boolean => MAY_HOLD_REF.test(text);

/** Every `$ref` string in `value` with the path of the object that holds it; iterative, so depth costs no stack. */
export function refsIn(value: unknown): { path: PathSegment[]; ref: string }[] {
  const found: { path: PathSegment[]; ref: string }[] = [];
  const stack: { node: unknown; path: PathSegment[] }[] = [{ node: value, path: [] }];
  while (stack.length) {
    const { node, path } = stack.pop()!;
    if (!node || typeof node !== 'object') continue;
    if (Array.isArray(node)) {
      node.forEach((item, i) => stack.push({ node: item, path: [...path, i] }));
      continue;
    }
    for (const [key, item] of Object.entries(node)) {
      if (key === '$ref' && typeof item === 'string') found.push({ path, ref: item });
      else stack.push({ node: item, path: [...path, key] });
    }
  }
  return found.reverse();
}

/** One API definition the gate starts from: its text, the repo file its relative `$ref`s resolve from. */
export interface DefinitionRoot {
  /** The file the text lives in: the placeholder's target, or the entity file for an inline definition. */
  file: string;
  text: string;
  /** Inline definitions: the range of `spec.definition` in the entity file, where every finding of the text lands. */
  inlineAt?: Range;
  /**
   * How Backstage reads the definition when it hands the text over as written, without bundling the files
   * its `$ref`s name (`$text`, `$json`, `$yaml`, or `an inline definition`); absent for `$openapi`/`$asyncapi`.
   */
  unbundled?: string;
}

/**
 * Follows the `$ref`s of API definitions through the repo files they reach, without resolving any: each
 * file over `limits` is one finding (and is not parsed), each `$ref` that leaves the repository one
 * `api-ref-outside-repo` finding on the line that writes it. Targets that do not exist are left to the
 * placeholder checks and to Spectral. A root read `unbundled` that names other files with relative `$ref`s
 * is one `api-ref-unbundled` warning at its first such `$ref`: Backstage hands that text to the API docs as
 * written, and the browser cannot resolve a path relative to a file it never saw (backstage/backstage#12687).
 * `repo` lists the repo's files and symbolic links; `read` returns a listed repo file's text, or null.
 * Returns the findings, the set of files (roots included) that are over the limits, and `reached`: every
 * repo file the definitions are made of (the roots that are files, and each file a `$ref` reaches).
 */
export function scanApiRefs(roots: readonly DefinitionRoot[], repo: { repoFileSet: ReadonlySet<string>; links?: ReadonlySet<string> }, read: (path: string) => string | null, limits: DefinitionLimits = DEFAULT_DEFINITION_LIMITS): { diagnostics: Diagnostic[]; overLimit: Set<string>; reached: Set<string> } {
  const diagnostics: Diagnostic[] = [];
  const overLimit = new Set<string>();
  const reached = new Set<string>();
  const seen = new Set<string>();
  const queue: DefinitionRoot[] = [...roots];
  const seenFinding = new Set<string>();
  const push = (d: Diagnostic) => {
    const key = `${d.ruleId}|${d.file}|${d.range.start.line}|${d.range.start.column}`;
    if (seenFinding.has(key)) return;
    seenFinding.add(key);
    diagnostics.push(d);
  };
  while (queue.length) {
    const item = queue.shift()!;
    const key = item.inlineAt ? `${item.file}@${item.inlineAt.start.line}` : item.file;
    if (seen.has(key)) continue;
    seen.add(key);
    if (!item.inlineAt) reached.add(item.file);
    const over = definitionOverLimit(item.text, item.file, limits);
    if (over) {
      overLimit.add(item.file);
      push(item.inlineAt ? { ...over, range: item.inlineAt } : over);
      continue;
    }
    if (!mayHoldRef(item.text)) continue;
    const parsed = parseYaml(item.text, item.file);
    const unbundled: { ref: string; range: Range }[] = [];
    parsed.documents.forEach((doc, document) => {
      for (const { path, ref } of refsIn(doc)) {
        const target = refTarget(item.file, ref, repo.repoFileSet, repo.links);
        const at = () => item.inlineAt ?? parsed.locate(document, [...path, '$ref']);
        if (target.kind === 'outside') push(refOutsideProblem(item.file, ref, target.reason, at(), target.remote));
        if (item.unbundled && (target.kind === 'file' || target.kind === 'missing') && unbundled.length < 2) unbundled.push({ ref, range: at() });
        if (target.kind === 'file' && !seen.has(target.path)) {
          const text = read(target.path);
          if (text !== null) queue.push({ file: target.path, text });
        }
      }
    });
    if (item.unbundled && unbundled.length) push(unbundledProblem(item.file, item.unbundled, unbundled[0], unbundled.length > 1));
  }
  return { diagnostics, overLimit, reached };
}

/** The `api-ref-unbundled` finding: `first` is the root's first `$ref` to another file, `more` whether it has others. */
function unbundledProblem(file: string, via: string, first: { ref: string; range: Range }, more: boolean): Diagnostic {
  const ref = JSON.stringify(first.ref.length > 200 ? `${first.ref.slice(0, 200)}…` : first.ref);
  return {
    ruleId: 'api-ref-unbundled',
    severity: 'warning',
    message: `This API definition is read with ${via}, which hands Backstage the text as written: its $ref ${ref}${more ? ' and its other $refs to files stay' : ' stays'} unresolved, and the API docs page cannot load a file given by a path relative to a definition the browser never saw. The toolkit's own lint and diff resolve them, so only Backstage's view is incomplete.`,
    hint: 'Read the definition with $openapi (or $asyncapi), which bundles the files its $refs name into one document, as the managed Backstage does with @backstage/plugin-catalog-backend-module-openapi; add openapi/asyncapi to catalog.placeholderResolvers in gitops.config.yaml when that module runs. Or keep the whole definition in one file.',
    file,
    range: first.range,
  };
}
