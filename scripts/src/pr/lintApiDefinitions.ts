import { createRequire } from 'node:module';
import { OutsideRepositoryError, readRepoFile } from '../load/repoPath.ts';
import { parse } from 'yaml';
import { DEFAULT_API_CHANGE_POLICY, UsageError } from '../config/gitopsConfig.ts';
import type { Diagnostic, Range, Severity } from '../diagnostic.ts';
import { isRecord } from '../load/loadCatalog.ts';
import type { ApiDefinition } from './apiChanges.ts';
import { definitionOverLimit, resolvedTooDeepProblem } from '../catalog/apiRefs.ts';
import { repoRefResolver, uriOfPath, type RepoFiles } from './repoRefResolver.ts';
import { affordableYaml } from '../load/yamlNodeBudget.ts';
import { logText } from '../report/safeText.ts';

const require = createRequire(import.meta.url);
// Spectral numbers its severities error 0, warn 1, info 2, hint 3.
const SEVERITY: Severity[] = ['error', 'warning', 'info', 'info'];
const TUNINGS = new Set(['off', 'error', 'warn', 'info', 'hint', true, false]);

/**
 * Reads the Spectral ruleset kept as policy data (YAML): `extends` may name only Spectral's built-in
 * rulesets (`spectral:oas`, `spectral:asyncapi`, optionally as `[name, recommended|all|off]`) and
 * `rules` may only tune their severities, so a pull request cannot make the linter run code.
 * Without the file at the default path, Spectral's recommended OpenAPI and AsyncAPI rules apply.
 * Throws UsageError when a configured file is missing or asks for more.
 */
export async function loadApiRuleset(root: string, path: string): Promise<Record<string, unknown>> {
  let data: unknown;
  try {
    // The ruleset comes with pull requests: a link out of the repository is not read, and a parse error
    // names its place without quoting the text (yaml's pretty errors copy the line).
    const text = readRepoFile(root, path, 'utf8');
    affordableYaml(text);
    data = parse(text, { logLevel: 'error', prettyErrors: false });
  } catch (error) {
    if (error instanceof OutsideRepositoryError) throw new UsageError(error.message);
    // A repo that never wrote a ruleset gets Spectral's recommended rules; a named one must exist.
    if (path === DEFAULT_API_CHANGE_POLICY.ruleset && (error as NodeJS.ErrnoException).code === 'ENOENT') data = { extends: ['spectral:oas', 'spectral:asyncapi'] };
    else throw new UsageError(`Cannot read the API lint ruleset ${path}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const { oas, asyncapi } = require('@stoplight/spectral-rulesets') as Record<string, unknown>;
  const builtIn: Record<string, unknown> = { 'spectral:oas': oas, 'spectral:asyncapi': asyncapi };
  if (!isRecord(data)) throw new UsageError(`${path}: a Spectral ruleset is a mapping with extends and rules`);
  const extendsList = Array.isArray(data.extends) ? data.extends : data.extends === undefined ? [] : [data.extends];
  const resolved = extendsList.map(entry => {
    const [name, mode] = Array.isArray(entry) ? entry : [entry, 'recommended'];
    if (typeof name !== 'string' || !builtIn[name] || !['recommended', 'all', 'off'].includes(String(mode))) throw new UsageError(`${path}: extends may name spectral:oas or spectral:asyncapi (with recommended, all or off), not ${JSON.stringify(entry)}`);
    return [builtIn[name], mode];
  });
  const rules = isRecord(data.rules) ? data.rules : {};
  // Spectral looks a tuned rule up by name in a plain object: a name it does not define ended the gate with
  // "Cannot extend non-existing rule", and `__proto__`, `constructor` or `toString` found Object.prototype's
  // member instead ("rule.formats is not iterable"), both internal errors. Only the extended rulesets' own rules.
  const known = (resolved.map(([set]) => (set as { rules?: Record<string, unknown> }).rules ?? {}));
  for (const [id, value] of Object.entries(rules)) {
    if (!TUNINGS.has(value as string)) throw new UsageError(`${path}: rule ${logText(id)} may only be set to off, error, warn, info or hint`);
    if (!known.some(set => Object.hasOwn(set, id))) throw new UsageError(`${path}: rule ${logText(JSON.stringify(id))} is not a rule of the rulesets extends names (${extendsList.map(entry => String(Array.isArray(entry) ? entry[0] : entry)).join(', ') || 'none'}): a ruleset here may only tune their rules. Fix the name or remove it.`);
  }
  const ruleset = { extends: resolved, rules };
  try {
    // What Spectral refuses otherwise is the ruleset's error too, said here rather than as an internal error of the lint thread.
    const { Ruleset } = require('@stoplight/spectral-core') as { Ruleset: new (definition: unknown) => unknown };
    new Ruleset(ruleset);
  } catch (error) {
    throw new UsageError(`${path}: Spectral refuses this ruleset: ${logText(error instanceof Error ? error.message : String(error)).slice(0, 300)}`);
  }
  return ruleset;
}

/** A definition as the linter takes it (plain data, so it can cross to the lint thread). */
export interface LintTarget {
  text: string;
  file: string;
  /** An inline definition: the range of the entity's `spec.definition`, where its findings land. */
  inlineRange?: Range;
}

/** The LintTarget of a changed definition. */
export function lintTargetOf(definition: ApiDefinition): LintTarget {
  const entity = definition.inlineIn;
  return { text: definition.text, file: definition.file, ...(entity ? { inlineRange: entity.locate(entity.document, ['spec', 'definition']) } : {}) };
}

/**
 * Lints each changed OpenAPI/AsyncAPI definition with Spectral under the given ruleset and returns
 * its findings as Diagnostics (`api-lint`, Spectral's rule code in the message) at the definition
 * file's own lines; an inline definition's findings land on the lines of its block in the entity file.
 * Spectral resolves `$ref`s only through repoRefResolver (files of this repository, never a URL or a
 * host path): each refused `$ref` is an `api-ref-outside-repo` finding. A definition over the parsers'
 * limits (definitionOverLimit) is that one finding and is not linted.
 */
export async function lintApiDefinitions(definitions: readonly LintTarget[], ruleset: Record<string, unknown>, repo: RepoFiles): Promise<Diagnostic[]> {
  if (definitions.length === 0) return [];
  const { Spectral, Document } = require('@stoplight/spectral-core') as typeof import('@stoplight/spectral-core');
  const Parsers = require('@stoplight/spectral-parsers') as typeof import('@stoplight/spectral-parsers');
  const diagnostics: Diagnostic[] = [];
  for (const definition of definitions) {
    const { inlineRange } = definition;
    const over = definitionOverLimit(definition.text, definition.file, repo.limits);
    if (over) {
      diagnostics.push(inlineRange ? { ...over, range: inlineRange } : over);
      continue;
    }
    // One resolver per definition: Spectral caches referenced documents per resolver.
    const { resolver, findings } = repoRefResolver(repo);
    const spectral = new Spectral({ resolver });
    spectral.setRuleset(ruleset as never);
    let results: Awaited<ReturnType<typeof spectral.run>>;
    try {
      results = await spectral.run(new Document(definition.text, Parsers.Yaml, uriOfPath(definition.file)));
    } catch (error) {
      // Each file is within the depth limit, but a chain of $refs can still nest the resolved document past the stack.
      if (!(error instanceof RangeError)) throw error;
      diagnostics.push(...findings, resolvedTooDeepProblem(definition.file, inlineRange ?? { start: { line: 1, column: 1 }, end: { line: 1, column: 2 } }, 'Spectral'));
      continue;
    }
    diagnostics.push(...findings.map(f => (inlineRange && f.file === definition.file ? { ...f, range: inlineRange } : f)));
    const offset = inlineRange ? inlineRange.start.line : 0;
    for (const r of results) {
      const line = (n: number) => (inlineRange ? offset + 1 + n : n + 1);
      const column = (n: number) => (inlineRange ? 1 : n + 1);
      diagnostics.push({
        ruleId: 'api-lint',
        severity: SEVERITY[r.severity] ?? 'info',
        message: `${String(r.code)}: ${r.message}${r.path.length ? ` (at ${r.path.join('.')})` : ''}`,
        hint: `Spectral rule ${String(r.code)}; tune it in the API lint ruleset (apiChanges.ruleset in gitops.config.yaml).`,
        file: definition.file,
        range: { start: { line: line(r.range.start.line), column: column(r.range.start.character) }, end: { line: line(r.range.end.line), column: column(r.range.end.character) } },
      });
    }
  }
  return diagnostics;
}
