import { createRequire } from 'node:module';
import { yamlPackage } from '../load/lazyPackages.ts';
import { selfAlias } from '../load/acyclicYaml.ts';
import { depthExceeded, mappingKeysExceeded, MAX_MAPPING_KEYS } from '../load/yamlNodeBudget.ts';
import { MAX_DOCUMENT_DEPTH } from '../load/tooDeep.ts';
import type { PathSegment } from '../load/yamlPath.ts';
import type { MissingTarget } from '../diagnostic.ts';
import { backstageResolveUrl, integrationResolveUrl, resolveRelative } from './locationTargets.ts';

const RESOLVERS = new Set(['text', 'json', 'yaml']);
const NONE: ReadonlySet<string> = new Set();
type GitUrl = { resource: string; owner: string; name: string; full_name: string; filepath: string };
// The URL parser Backstage's PlaceholderProcessor uses to tell repositories apart, loaded when a URL needs it.
const parseGitUrl = (url: string): GitUrl => (createRequire(import.meta.url)('git-url-parse') as (url: string) => GitUrl)(url);

export interface PlaceholderUse {
  path: PathSegment[];
  key: string;
  value: unknown;
}

// Loading reads every document's placeholders to know which files to read, and collecting entities
// substitutes them: the walk over each document is done once and remembered for the same document.
const seen = new WeakMap<object, Map<string, readonly PlaceholderUse[]>>();

/**
 * Whether YAML `text` cannot hold a placeholder: no key of it can start with `$` when the text has no `$`
 * and no backslash (a double-quoted key could write one as `\x24` or `\u0024`). Most catalog files; their
 * documents need no walk (SourceFile.placeholderFree, CatalogEntity.placeholderFree).
 */
export function textHasNoPlaceholders(text: string): boolean {
  return !text.includes('$') && !text.includes('\\');
}

/** Placeholders as Backstage's PlaceholderProcessor finds them: single-key objects `{$text|$json|$yaml: …}`. */
export function findPlaceholders(data: unknown, extraResolvers: ReadonlySet<string> = NONE): PlaceholderUse[] {
  if (!data || typeof data !== 'object') return [];
  const resolvers = [...extraResolvers].sort().join(',');
  const known = seen.get(data)?.get(resolvers);
  if (known) return [...known];
  const found = walkPlaceholders(data, extraResolvers);
  (seen.get(data) ?? seen.set(data, new Map()).get(data)!).set(resolvers, found);
  return [...found];
}

function walkPlaceholders(data: unknown, extraResolvers: ReadonlySet<string>): PlaceholderUse[] {
  const found: PlaceholderUse[] = [];
  // One path stack for the whole walk, copied only for a hit: this runs on every document of the catalog.
  const path: PathSegment[] = [];
  const visit = (node: unknown): void => {
    if (!node || typeof node !== 'object') return;
    if (Array.isArray(node)) {
      for (let index = 0; index < node.length; index++) {
        path.push(index);
        visit(node[index]);
        path.pop();
      }
      return;
    }
    const keys = Object.keys(node);
    if (keys.some(key => key.startsWith('$'))) {
      if (collectorWidened(path)) return;
      if (keys.length === 1 && (RESOLVERS.has(keys[0].slice(1)) || extraResolvers.has(keys[0].slice(1)))) found.push({ path: [...path], key: keys[0].slice(1), value: (node as Record<string, unknown>)[keys[0]] });
      return;
    }
    for (const key of keys) {
      path.push(key);
      visit((node as Record<string, unknown>)[key]);
      path.pop();
    }
  };
  visit(data);
  return found;
}

/**
 * Whether Backstage's ProcessorOutputCollector adds keys to the map at `path` before any processor sees the
 * entity: every entity a Location emits gets `metadata.annotations` copied with managed-by-location and
 * managed-by-origin-location added (so `metadata` gains `annotations` too). A `{$json: …}` written there is no
 * single-key map by the time PlaceholderProcessor looks ("more than one key, some dollar-prefixed: left
 * alone"), so it is never resolved: the policies then judge `$json` as an annotation key, or find no name.
 */
function collectorWidened(path: readonly PathSegment[]): boolean {
  return (path[0] === 'metadata' && (path.length === 1 || (path.length === 2 && path[1] === 'annotations'))) || envelopeField(path);
}

/**
 * Whether `path` is a field of the entity envelope (apiVersion, kind, metadata.name, metadata.namespace),
 * which ProcessorOutputCollector validates as strings when the entity is emitted, before any processor:
 * a placeholder there drops the entity (the error lands on the Location that read the file).
 */
function envelopeField(path: readonly PathSegment[]): boolean {
  return (path.length === 1 && (path[0] === 'apiVersion' || path[0] === 'kind')) || (path.length === 2 && path[0] === 'metadata' && (path[1] === 'name' || path[1] === 'namespace'));
}

/**
 * placeholder-invalid findings for placeholders written where Backstage never resolves them
 * (collectorWidened: the whole `metadata` or `metadata.annotations`, and the envelope's fields). Takes the
 * entity as written; returns one finding per such placeholder.
 */
function unresolvedPlaceholders(raw: Record<string, unknown>, extraResolvers: ReadonlySet<string>): PlaceholderProblem[] {
  const problems: PlaceholderProblem[] = [];
  const metadata = raw.metadata;
  const at = (node: unknown, path: PathSegment[]) => {
    if (!node || typeof node !== 'object' || Array.isArray(node)) return;
    const keys = Object.keys(node);
    const key = keys.length === 1 && keys[0].startsWith('$') ? keys[0].slice(1) : undefined;
    if (key === undefined || !(RESOLVERS.has(key) || extraResolvers.has(key))) return;
    if (envelopeField(path)) {
      problems.push({
        path: [...path, keys[0]],
        ruleId: 'placeholder-invalid',
        message: `$${key} as ${path.join('.')} is never resolved: Backstage checks apiVersion, kind, metadata.name and metadata.namespace as strings when a Location emits the entity, before any placeholder is read, and drops it with every entity of its file (the error goes to the Location).`,
        hint: `Write ${path.join('.')} out in the file.`,
      });
      return;
    }
    problems.push({
      path: [...path, keys[0]],
      ruleId: 'placeholder-invalid',
      message: `$${key} as the whole ${path.join('.')} is never resolved: Backstage adds its own location annotations to metadata.annotations before any placeholder is read, and a map with more keys than the placeholder is left as written (so ${path.length === 1 ? 'the entity has no metadata.name and is dropped' : `\`$${key}\` is judged as an annotation key and refused`}).`,
      hint: path.length === 1 ? 'Write metadata out in the file; use a placeholder for one field\'s value (description: {$text: ./description.md}).' : 'Write the annotations out in the file; a placeholder can give one annotation\'s value.',
    });
  };
  at(metadata, ['metadata']);
  at(raw.apiVersion, ['apiVersion']);
  at(raw.kind, ['kind']);
  if (metadata && typeof metadata === 'object' && !Array.isArray(metadata)) {
    for (const field of ['annotations', 'name', 'namespace']) at((metadata as Record<string, unknown>)[field], ['metadata', field]);
  }
  return problems;
}

/** File contents by repo-relative path; `null` when the file does not exist. */
export type PlaceholderSources = ReadonlyMap<string, string | null>;

export interface PlaceholderProblem {
  path: PathSegment[];
  ruleId: 'placeholder-invalid' | 'placeholder-target-missing' | 'placeholder-outside-repo' | 'placeholder-other-revision';
  message: string;
  hint: string;
  /** For placeholder-target-missing: the placeholder, its value and the path it names (Diagnostic.missingTarget). */
  missingTarget?: MissingTarget;
  /**
   * Backstage reads it, and only a config's repoUrl makes it the gate's to refuse: placeholder-outside-repo
   * through a module's resolver (which reads the other repository), placeholder-other-revision. A warning
   * without gitops.config.yaml.
   */
  readByModule?: true;
}

export function placeholderTarget(file: string, value: unknown, repoUrl?: string): string | null | undefined {
  return typeof value === 'string' ? resolveRelative(file, value, repoUrl) : null;
}

// Marks the stand-in object of a `$json`/`$yaml` placeholder whose value the gate does not have: a symbol
// key, which JSON, ajv and Object.keys never see.
const UNREAD = Symbol('placeholder not read offline');

/**
 * Whether `value` stands in for a `$json`/`$yaml` placeholder the gate has no value for: a URL Backstage's
 * PlaceholderProcessor resolves at ingestion and the gate cannot read offline, or one with a finding of its
 * own (placeholder-other-revision, -target-missing, -outside-repo, -invalid). Its real value is unknown, so
 * nothing may be concluded from the empty stand-in (no schema, kind or template finding): before, a step
 * read from another branch was "missing property 'action'" and every reference to its id "no step".
 * Returns the value the placeholder names (as text), else undefined.
 */
export function unreadPlaceholder(value: unknown): string | undefined {
  return typeof value === 'object' && value !== null ? ((value as { [UNREAD]?: string })[UNREAD]) : undefined;
}

/**
 * The entity as Backstage sees it after preprocessing, and what went wrong on the way. `unread` lists the
 * placeholders at URLs the gate cannot read offline (a `$json`/`$yaml` one's stand-in: unreadPlaceholder;
 * a `$text` one's is a string, which every text field takes).
 */
export function substitutePlaceholders(raw: Record<string, unknown>, file: string, sources: PlaceholderSources, repoUrl?: string, extraResolvers: ReadonlySet<string> = NONE, readFromDisk = false) {
  const uses = findPlaceholders(raw, extraResolvers);
  const problems: PlaceholderProblem[] = unresolvedPlaceholders(raw, extraResolvers);
  const unread: PlaceholderUse[] = [];
  if (uses.length === 0) return { entity: raw, problems, unread };
  const entity = structuredClone(raw);
  for (const use of uses) {
    const result = resolveUse(use, file, sources, repoUrl, readFromDisk);
    if ('problem' in result) problems.push({ path: use.path, ...result.problem });
    // A stand-in of the right type, marked as unknown, keeps one broken (or unread) placeholder from also
    // failing the kind schema and the template checks: its own finding (or the unread info) says it all.
    const object = use.key === 'json' || use.key === 'yaml';
    if ('unread' in result) unread.push(use);
    setAt(entity, use.path, 'value' in result ? result.value : object ? standIn(String(use.value)) : UNAVAILABLE_TEXT);
    if (!('value' in result) && !object) (unavailableTexts.get(entity) ?? unavailableTexts.set(entity, new Set()).get(entity)!).add(JSON.stringify(use.path));
  }
  return { entity, problems, unread };
}

/** What a `$text` placeholder the gate has no value for stands in with: a string, which every text field takes. */
export const UNAVAILABLE_TEXT = '(unavailable)';

// The paths of an entity (as substitutePlaceholders returns it) where a `$text` placeholder without a value
// stands in: a string cannot carry unreadPlaceholder's mark, and a file may hold the stand-in's very text.
const unavailableTexts = new WeakMap<object, Set<string>>();

/** Whether `entity` (as substitutePlaceholders returns it) holds at `path` the stand-in of a `$text` placeholder the gate has no value for. */
export function unavailableText(entity: object, path: readonly PathSegment[]): boolean {
  return unavailableTexts.get(entity)?.has(JSON.stringify(path)) ?? false;
}

function standIn(written: string): Record<string, unknown> {
  return Object.defineProperty({}, UNREAD, { value: written });
}

function resolveUse(use: PlaceholderUse, file: string, sources: PlaceholderSources, repoUrl?: string, readFromDisk = false) {
  const label = `$${use.key}`;
  if (typeof use.value !== 'string') {
    return fail('placeholder-invalid', `Placeholder ${label} expected a string value parameter, in the form of an absolute URL or a relative path`, `Write ${label}: ./relative/path/to/file`);
  }
  // PlaceholderProcessor resolves the value against the entity's location target with the integrations'
  // resolveUrl; a file location's target is a path, no URL, so only an absolute URL survives it.
  if (readFromDisk && RESOLVERS.has(use.key)) {
    try {
      integrationResolveUrl({ url: use.value, base: `/${file}` });
    } catch (error) {
      const shown = use.value.length > 200 ? `${use.value.slice(0, 200)}…` : use.value;
      return fail('placeholder-invalid', `Placeholder ${label} could not form a URL out of ${file} and ${shown}, ${String(error)}: Backstage reads this file from disk (a file location), and resolves a placeholder against its location as a URL, which a file path is not, so the entity fails.`, 'Register the catalog as a url location (catalog.rootLocationType: url), or write the placeholder as an absolute URL.');
    }
  }
  // catalog-backend's assertSameRepository compares the resolved URL's host, owner and name exactly, though
  // the host reads them in any capitals: for $text, $json and $yaml, this repository in other capitals (also
  // reached by a relative path that climbs into them) is another one.
  const base = `${repoUrl ?? ''}${file}`;
  const resolved = repoUrl === undefined ? use.value : resolvedAgainst(use.value, base);
  const refused = RESOLVERS.has(use.key) && repoUrl !== undefined && otherRepository(resolved, base);
  const target = refused ? undefined : placeholderTarget(file, use.value, repoUrl);
  // A URL into this very repository that names another branch, tag or commit than the one the catalog is
  // read from: Backstage's assertSameRepository compares only host and repository, so it reads that
  // revision at every refresh, a file no pull request of this branch shows or any push there changes.
  if (target === undefined && repoUrl && sameRepository(use.value, base)) {
    const url = use.value.length > 200 ? `${use.value.slice(0, 200)}…` : use.value;
    const { problem } = fail('placeholder-other-revision', `Placeholder ${label} names a file of this repository at another revision than the one the catalog is read from (${repoUrl}): ${url}. Backstage reads it there at every refresh, so what it gives changes with every push to that branch without a review here, and the gate cannot read it to judge this entity.`, 'Refer to the file with a relative path (./file), so it is read from the same revision as this entity and each change to it is reviewed.');
    return { problem: { ...problem, readByModule: true as const } };
  }
  // An absolute URL elsewhere is read by Backstage at ingestion; it refuses only another git repository.
  if (target === undefined && !(repoUrl && otherRepository(resolved, base))) return { unread: true as const };
  // A module's resolver (openapi, asyncapi) reads the URL without catalog-backend's assertSameRepository:
  // Backstage does not refuse it, but reads another repository with its own credentials (see bundlePlaceholderRefs).
  if (target === undefined && !RESOLVERS.has(use.key)) {
    const reader = use.key === 'openapi' || use.key === 'asyncapi' ? 'catalog-backend-module-openapi' : `The module that resolves ${label}`;
    const url = use.value.length > 200 ? `${use.value.slice(0, 200)}…` : use.value;
    const { problem } = fail('placeholder-outside-repo', `Placeholder ${label} names a file of another git repository: ${url}. ${reader} reads it with Backstage's own URL reader and integration credentials, without the same-repository check Backstage makes for $text, $json and $yaml, so that repository's file would be published in this entity to everyone who can read the catalog.`, 'Copy the file into this repository and refer to it with a relative path (a plain web URL outside any git repository stays allowed).');
    return { problem: { ...problem, readByModule: true as const } };
  }
  if (refused && typeof placeholderTarget(file, use.value, repoUrl) === 'string') {
    const url = use.value.length > 200 ? `${use.value.slice(0, 200)}…` : use.value;
    return fail('placeholder-outside-repo', `Placeholder ${label} names this repository in other capitals than repoUrl (${repoUrl}): ${url}. The git host reads it alike, but Backstage compares host, owner and name exactly with the URL it read the entity from ("Placeholder may only reference files from the same repository as the entity") and fails the entity.`, `Refer to the file with a relative path (./file), or write the URL as ${repoUrl} spells it.`);
  }
  if (target === null || target === undefined) {
    return fail('placeholder-outside-repo', `Placeholder ${label} reaches outside this repository: ${use.value}. Placeholder may only reference files from the same repository as the entity.`, 'Copy the file into this repo and refer to it with a relative path.');
  }
  const content = sources.get(target);
  if (content === null || content === undefined) {
    return fail('placeholder-target-missing', `Placeholder ${label} could not read location ${use.value}: ${target} does not exist.`, 'Check the path; it is resolved relative to the file that contains the placeholder.', { via: label, value: use.value, path: target });
  }
  if (use.key === 'text') return { value: content };
  // Backstage reads $yaml (and a module's YAML) with `yaml`, quadratic in one mapping's keys: as for catalog files.
  const wide = use.key === 'json' ? undefined : mappingKeysExceeded(content);
  if (wide) return fail('placeholder-invalid', `Placeholder $${use.key} reads ${use.value}, which holds a mapping of more than ${MAX_MAPPING_KEYS} keys (line ${wide.line}): Backstage's YAML parser compares each key of a mapping with every earlier one, so reading it holds the catalog's only thread for seconds at every refresh.`, `Split ${target}, or read it as text ($text).`);
  const deep = depthExceeded(content, MAX_DOCUMENT_DEPTH);
  if (deep) return fail('placeholder-invalid', `Placeholder $${use.key} reads ${use.value}, which nests mappings or lists more than ${MAX_DOCUMENT_DEPTH} levels deep (line ${deep.line}), the gate's own limit: a file this deep is almost always generated by mistake or hostile (Backstage's parser, which recurses once per level, runs out of stack somewhere past 800 to 1,000 levels).`, `Flatten ${target}, or read it as text ($text).`);
  // Resolvers a module adds (openapi, asyncapi) read a YAML or JSON document and give the entity text.
  if (!RESOLVERS.has(use.key)) {
    const documents = yamlPackage().parseAllDocuments(content, { merge: false, logLevel: 'error' });
    const list = Array.isArray(documents) ? documents : [];
    if (list.length !== 1 || list[0].errors.length) return fail('placeholder-invalid', `Placeholder $${use.key} needs one YAML or JSON document at ${use.value}${list[0]?.errors.length ? `: ${list[0].errors[0].message}` : `, found ${list.length}`}`, `Fix ${target}.`);
    return { value: content };
  }
  if (use.key === 'json') {
    try {
      return { value: JSON.parse(content) as unknown };
    } catch (error) {
      return fail('placeholder-invalid', `Placeholder $json failed to parse JSON data at ${use.value}, ${error}`, `Fix the JSON in ${target}.`);
    }
  }
  const documents = yamlPackage().parseAllDocuments(content, { merge: false, logLevel: 'error' });
  const list = Array.isArray(documents) ? documents : [];
  if (list.length !== 1) {
    return fail('placeholder-invalid', `Placeholder $yaml expected to find exactly one document of data at ${use.value}, found ${list.length}`, `Keep one YAML document in ${target}.`);
  }
  if (list[0].errors.length) {
    return fail('placeholder-invalid', `Placeholder $yaml found an error in the data at ${use.value}, ${list[0].errors[0].message}`, `Fix the YAML in ${target}.`);
  }
  // A document that contains itself: Backstage's toJSON() gives a circular value, and storing the entity (JSON) fails.
  const loop = selfAlias(list[0]);
  if (loop) return fail('placeholder-invalid', `Placeholder $yaml found a value that contains itself at ${use.value}: the alias *${loop.name.slice(0, 60)} stands inside the value its anchor names, so Backstage cannot store the entity (turning it into JSON fails).`, `Write the nested value out in ${target}, or point the alias at an anchor outside it.`);
  // Backstage's toJSON() keeps yaml's alias limit (100 expansions, billion-laughs protection): a document past
  // it fails the entity's processing with yaml's ReferenceError.
  try {
    return { value: list[0].toJSON() as unknown };
  } catch (error) {
    const reason = error instanceof Error ? error.message.slice(0, 200) : 'its value cannot be built';
    if (!/alias count/i.test(reason)) return fail('placeholder-invalid', `Placeholder $yaml could not read the data at ${use.value}: ${reason}. Backstage's reader fails the entity on it too.`, `Fix the YAML in ${target}.`);
    return fail('placeholder-invalid', `Placeholder $yaml could not read the data at ${use.value}: ${reason}. Its anchors and aliases expand beyond what Backstage's reader allows (more than 100 alias expansions is treated as a resource-exhaustion attack), so Backstage fails the entity.`, `Write the values out in ${target} instead of aliasing them.`);
  }
}

/**
 * Backstage's assertSameRepository (PlaceholderProcessor): both URLs name a file in a git repository (as
 * git-url-parse reads them), and not the same one. Takes the URL and the base it is judged against; never throws.
 */
export function otherRepository(url: string, base: string): boolean {
  let resolved;
  let from;
  try {
    resolved = parseGitUrl(url);
    from = parseGitUrl(base);
  } catch {
    return false;
  }
  if (!resolved.owner || !resolved.name || !resolved.filepath || !from.owner || !from.name || !from.filepath) return false;
  return resolved.resource !== from.resource || resolved.full_name !== from.full_name;
}

/**
 * `value` resolved against `base` as PlaceholderProcessor resolves it (defaultScmResolveUrl, as GitHub's and
 * GitLab's integrations do); a relative path that cannot climb (no `..`, plain or %-escaped) stays in base's
 * repository, so base stands for it; `value` itself when resolving throws.
 */
function resolvedAgainst(value: string, base: string): string {
  if (/^[a-z][a-z0-9+.-]*:/i.test(value)) return value;
  if (!/\.\.|%2e/i.test(value)) return base;
  try {
    return backstageResolveUrl({ url: value, base });
  } catch {
    return value;
  }
}

/**
 * Both URLs name a file in one git repository (as git-url-parse reads them: same host and owner/name,
 * compared as Backstage's assertSameRepository compares them), whatever revision each names. Never throws.
 */
export function sameRepository(url: string, base: string): boolean {
  try {
    const resolved = parseGitUrl(url);
    const from = parseGitUrl(base);
    if (!resolved.owner || !resolved.name || !resolved.filepath || !from.owner || !from.name) return false;
    return resolved.resource === from.resource && resolved.full_name === from.full_name;
  } catch {
    return false;
  }
}

function fail(ruleId: PlaceholderProblem['ruleId'], message: string, hint: string, missingTarget?: MissingTarget): { problem: Omit<PlaceholderProblem, 'path'> } {
  return { problem: missingTarget ? { ruleId, message, hint, missingTarget } : { ruleId, message, hint } };
}

function setAt(target: Record<string, unknown>, path: PathSegment[], value: unknown): void {
  if (path.length === 0) return;
  let node = target as Record<PathSegment, unknown>;
  for (const segment of path.slice(0, -1)) node = node[segment] as Record<PathSegment, unknown>;
  node[path[path.length - 1]] = value;
}
