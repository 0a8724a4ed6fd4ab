import { createRequire } from 'node:module';
import { closest, distance } from 'fastest-levenshtein';
import { isRecord } from '../load/loadCatalog.ts';
import type { PathSegment } from '../load/yamlPath.ts';
import { replaceExpressions } from './checkExpressions.ts';
import { integrationEntry, integrationTypeOf } from './deploymentHosts.ts';
import { boundedText } from '../report/safeText.ts';
import { deferUnreadScaffolderModules } from './offlineScaffolder.ts';
import { validateActionInput, type InputRefusal, type KnownAction } from './scaffolderActions.ts';

const require = createRequire(import.meta.url);
// Backstage's own helpers, as the scaffolder-backend this toolkit pins resolves them.
const fromScaffolder = (name: string) => createRequire(require.resolve('@backstage/plugin-scaffolder-backend'))(name);

/** A finding about one step: the path into the template, and whether it names a mapping key. */
export interface StepFinding {
  path: PathSegment[];
  key?: boolean;
  ruleId: 'template-action-unknown' | 'template-action-input' | 'template-repo-url';
  message: string;
  hint: string;
}

const INPUT_HINT = "Fix the step's input in template.yaml: the scaffolder validates it against the action's own schema and fails the task.";

/**
 * What the scaffolder would refuse in each step's input before a single value is known: an action no
 * installed module or gitops.config.yaml provides; the action's own schema (NunjucksWorkflowRunner's
 * check) on the literal input, leaving out what depends on an expression (the rendered check in
 * `templates test` sees those); and a repoUrl built from a RepoUrlPicker value plus text, read through
 * Backstage's own parseRepoUrl with a sample picker value.
 */
export function checkStepInputs(steps: readonly unknown[], actions: ReadonlyMap<string, KnownAction>, pickers: ReadonlySet<string>, parameterKinds?: ReadonlyMap<string, readonly string[]>): StepFinding[] {
  const found: StepFinding[] = [];
  steps.forEach((step, i) => {
    if (!isRecord(step) || typeof step.action !== 'string') return;
    const action = actions.get(step.action);
    if (!action) {
      found.push({ path: ['spec', 'steps', i, 'action'], ruleId: 'template-action-unknown', message: unknownActionMessage(step.action), hint: 'Fix the action id, add the module that provides it to backstageConfig.plugins in gitops.config.yaml (and install it), or declare it under backstageConfig.actions with its input schema.' });
      return;
    }
    const input = step.input ?? {};
    for (const refusal of staticRefusals(action, input, parameterKinds)) found.push({ ...refusalPlace(i, step.input, refusal), ruleId: 'template-action-input', message: refusal.message, hint: refusal.hint ?? unknownInputHint(action, input, refusal) ?? INPUT_HINT });
    for (const { at, value } of workspacePathValues(action, input)) {
      const problem = templatedWorkspacePathProblem(at.map(String).join('.'), value);
      if (problem) found.push({ path: ['spec', 'steps', i, 'input', ...at], ruleId: 'template-action-input', message: problem, hint: 'Keep the path inside the task workspace (e.g. ./service).' });
    }
    // parseRepoUrl runs inside the scaffolder modules' actions; one declared in gitops.config.yaml reads
    // its repoUrl as its own schema says, which the check above already applies.
    if (action.provider !== 'gitops.config.yaml' && isRecord(input) && typeof input.repoUrl === 'string') {
      const problem = staticRepoUrlProblem(input.repoUrl, pickers, integrationTypeOf(action.provider), step.action);
      if (problem) found.push({ path: ['spec', 'steps', i, 'input', 'repoUrl'], ruleId: 'template-repo-url', message: problem, hint: /, missing \w+/.test(problem) ? MISSING_PART_HINT : 'Pass the RepoUrlPicker value as it is (`repoUrl: ${{ parameters.repoUrl }}`): anything appended lands inside its last query parameter. Written by hand it is host?owner=…&repo=… (github.com?owner=acme&repo=${{ parameters.name }}).' });
    }
  });
  return found;
}

const MISSING_PART_HINT = "Give the query every part parseRepoUrl requires for the host's type, as RepoUrlPicker writes it: owner and repo (GitHub), project and repo (Azure DevOps, Bitbucket Server), workspace, project and repo (bitbucket.org), owner or project, and repo (GitLab), repo (Gitea).";

/**
 * The hint for an input key the action's schema does not have: the action's input of that name in
 * another spelling, else what it takes. Scaffolder versions before the actions' zod schemas ignored such
 * keys, so templates copied from older examples carry them (create-app's publish:github with
 * `allowedHosts`, which only RepoUrlPicker's ui:options read). Undefined for any other refusal.
 */
export function unknownInputHint(action: KnownAction, input: unknown, refusal: Pick<InputRefusal, 'path' | 'property' | 'keyword'>): string | undefined {
  if (refusal.keyword !== 'additionalProperties' || refusal.property === undefined) return undefined;
  let schema: unknown = action.inputSchema;
  let value: unknown = input;
  for (const segment of refusal.path) {
    schema = isRecord(schema) ? (typeof segment === 'number' ? schema.items : isRecord(schema.properties) ? schema.properties[segment] : undefined) : undefined;
    value = isRecord(value) || Array.isArray(value) ? (value as Record<string | number, unknown>)[segment] : undefined;
  }
  const taken = isRecord(schema) && isRecord(schema.properties) ? Object.keys(schema.properties) : [];
  const where = refusal.path.length ? ` at ${refusal.path.join('.')}` : '';
  // The key is the template's own text: bounded before it reaches a hint.
  const key = refusal.property.length > 100 ? `${refusal.property.slice(0, 100)}…` : refusal.property;
  const free = taken.filter(name => !(isRecord(value) && name in value));
  const meant = free.length ? closest(key.toLowerCase(), free.map(n => n.toLowerCase())) : undefined;
  const named = meant !== undefined && distance(key.toLowerCase(), meant) <= Math.max(2, Math.floor(key.length / 3)) ? free.find(n => n.toLowerCase() === meant) : undefined;
  if (named) return `Did you mean ${named}? ${action.id} takes no input ${key}${where}, and the scaffolder refuses what its schema does not name.`;
  const picker = key === 'allowedHosts' && refusal.path.length === 0 ? " allowedHosts is an option of the RepoUrlPicker field (ui:options under the repoUrl parameter), not of the step; older scaffolders ignored it here, this one fails the task." : '';
  const list = taken.length ? ` Its inputs${where}: ${taken.slice(0, 12).join(', ')}${taken.length > 12 ? ` and ${taken.length - 12} more` : ''}.` : '';
  return `Remove ${key} from the step's input${where}.${picker}${list}`;
}

/** What `check` and `templates render` both say of an action no installed module or gitops.config.yaml provides. */
export function unknownActionMessage(action: string): string {
  return `No installed scaffolder module provides the action ${action}: the managed Backstage would fail the task with "Template action with ID '${action}' is not registered."`;
}

/**
 * Where a refusal shows: an additional property on its key, a missing one on the key of the mapping
 * that lacks it (the step's action line when the step has no input at all), anything else on the value.
 */
export function refusalPlace(stepIndex: number, input: unknown, refusal: Pick<InputRefusal, 'path' | 'property' | 'keyword'>): { path: PathSegment[]; key: boolean } {
  const path: PathSegment[] = ['spec', 'steps', stepIndex, 'input', ...refusal.path];
  if (refusal.property) return { path: [...path, refusal.property], key: true };
  if (refusal.keyword === 'required') return input === undefined ? { path: ['spec', 'steps', stepIndex, 'action'], key: false } : { path, key: true };
  return { path, key: false };
}

/**
 * The refusals of a literal input that hold whatever its expressions render to (keys are never rendered).
 * With `parameterKinds` (declaredParameterKinds), a lone `${{ parameters.x }}` is judged with a value of
 * the one kind the form declares for x.
 */
export function staticRefusals(action: KnownAction, input: unknown, parameterKinds?: ReadonlyMap<string, readonly string[]>): (InputRefusal & { hint?: string })[] {
  return [...literalRefusals(action, input), ...parameterTypeRefusals(action, input, parameterKinds)];
}

// A lone `${{ parameters.name }}` (or parameters['name']): the runner keeps its value's type (a string stays one).
export const LONE_PARAMETER = /^\s*\$\{\{\s*parameters(?:\.([A-Za-z_$][\w$]*)|\[\s*(['"])([^'"\\]{1,200})\2\s*\])\s*\}\}\s*$/;

/** A value of each kind declaredParameterKinds names (null left out: no form field gives one). */
const KIND_SAMPLES: Record<string, () => unknown> = { string: () => 'sample', number: () => 1, boolean: () => true, array: () => [], record: () => ({}) };

/**
 * The type refusals of inputs that are one lone `${{ parameters.x }}`, x declared with one kind. The
 * backend validates the values against the pages first and NunjucksWorkflowRunner passes a lone
 * expression's value on as it is, so a number, boolean, array or object parameter given to an input that
 * takes a string (targetPath, url, message, filePath), or a string one given to one that takes an object
 * (values), is refused whenever the form gives it: `templates test` saw it only with a case's values.
 * Only `type` refusals at the sample itself: the sample stands for the kind, not for the value.
 */
function parameterTypeRefusals(action: KnownAction, input: unknown, kinds: ReadonlyMap<string, readonly string[]> | undefined): (InputRefusal & { hint?: string })[] {
  if (kinds === undefined || kinds.size === 0) return [];
  const sampled = new Map<string, { name: string; kind: string }>();
  const visit = (value: unknown, path: (string | number)[]): unknown => {
    if (typeof value === 'string') {
      const match = LONE_PARAMETER.exec(value);
      const name = match?.[1] ?? match?.[3];
      const declared = name === undefined ? undefined : [...new Set(kinds.get(name) ?? [])];
      if (name === undefined || declared?.length !== 1 || !KIND_SAMPLES[declared[0]]) return value;
      sampled.set(JSON.stringify(path), { name, kind: declared[0] });
      return KIND_SAMPLES[declared[0]]();
    }
    if (Array.isArray(value)) return value.map((v, i) => visit(v, [...path, i]));
    if (isRecord(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, visit(v, [...path, k])]));
    return value;
  };
  const judged = visit(input, []);
  if (sampled.size === 0) return [];
  return validateActionInput(action, judged).flatMap(r => {
    const sample = r.keyword === 'type' ? sampled.get(JSON.stringify(r.path)) : undefined;
    if (!sample) return [];
    const kind = sample.kind === 'record' ? 'an object' : sample.kind === 'array' ? 'an array' : `a ${sample.kind}`;
    const name = boundedText(sample.name, 80);
    return [{ ...r, hint: `The form declares parameters.${name} as ${sample.kind === 'record' ? 'object' : sample.kind}, and the runner passes a lone \${{ parameters.${name} }} on as it is, so this input gets ${kind}, which the action refuses whenever the form gives it a value. ${sample.kind === 'string' ? 'Give this input the mapping it takes (e.g. a mapping of values that reads the parameter).' : sample.kind === 'record' || sample.kind === 'array' ? `Make it text the action takes: \${{ parameters.${name} | dump }} (JSON; | string gives ${sample.kind === 'record' ? '"[object Object]"' : 'its items joined by commas'}), or one of its fields in text.` : `Make it text the action takes: \${{ parameters.${name} | string }}, or text around the expression.`}` }];
  });
}

function literalRefusals(action: KnownAction, input: unknown): (InputRefusal & { hint?: string })[] {
  // A value that is one expression ending in parseRepoUrl or parseEntityRef renders an object, whatever
  // the parameters: the runner keeps a lone expression's type. Judged with that object (Backstage's own
  // parse of a sample), so a string input given one is refused now, not only when a case renders it.
  const typed = new Map<(string | number)[], string>();
  const judged = withTypedSamples(input, [], typed);
  return validateActionInput(action, judged).flatMap(r => {
    // The sample at the refused value, inside it, or (for a refusal of the whole input, as oneOf gives) under it.
    const prefix = (a: readonly unknown[], b: readonly unknown[]) => a.every((segment, i) => segment === b[i]);
    const filter = [...typed].find(([path]) => prefix(r.path, path) || prefix(path, r.path))?.[1];
    if (filter) return [{ ...r, hint: `${filter} turns the value into an object (${filter === 'parseRepoUrl' ? '{host, owner, repo…}' : '{kind, namespace, name}'}), and the runner passes a lone expression's result on as it is: give this input the string it takes (the picker value itself, or ${filter === 'parseRepoUrl' ? "(… | parseRepoUrl).repo" : "(… | parseEntityRef).name"}).` }];
    return r.keyword === 'additionalProperties' || r.keyword === 'required' || !templated(valueAt(judged, r.path)) ? [r] : [];
  });
}

/** Filters whose result is an object, with the sample Backstage's own parse gives for one. */
const OBJECT_FILTERS: Record<string, () => unknown> = {
  parseRepoUrl: () => {
    deferUnreadScaffolderModules();
    const { parseRepoUrl } = fromScaffolder('@backstage/plugin-scaffolder-node');
    const { ScmIntegrations } = require('@backstage/integration');
    const { ConfigReader } = require('@backstage/config');
    return parseRepoUrl(`${SAMPLE.host}?owner=${SAMPLE.owner}&repo=${SAMPLE.repo}`, ScmIntegrations.fromConfig(new ConfigReader({})));
  },
  parseEntityRef: () => (require('@backstage/catalog-model') as typeof import('@backstage/catalog-model')).parseEntityRef('component:default/sample'),
};

/**
 * `value` with each string that is a lone `${{ … | parseRepoUrl }}` or `| parseEntityRef` expression
 * replaced by a sample of the object it renders; `typed` gets each replaced path and its filter.
 */
function withTypedSamples(value: unknown, path: (string | number)[], typed: Map<(string | number)[], string>): unknown {
  if (typeof value === 'string') {
    const lone = /^\s*\$\{\{([\s\S]*)\}\}\s*$/.exec(value);
    const filter = lone && !lone[1].includes('${{') && !lone[1].includes('}}') ? /\|\s*(parseRepoUrl|parseEntityRef)\s*(?:\([^()]*\))?$/.exec(lone[1].trimEnd())?.[1] : undefined;
    if (!filter) return value;
    typed.set(path, filter);
    return OBJECT_FILTERS[filter]();
  }
  if (Array.isArray(value)) return value.map((v, i) => withTypedSamples(v, [...path, i], typed));
  if (isRecord(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withTypedSamples(v, [...path, k], typed)]));
  return value;
}

function valueAt(value: unknown, path: readonly (string | number)[]): unknown {
  return path.reduce<unknown>((v, segment) => (v && typeof v === 'object' ? (v as Record<string | number, unknown>)[segment] : undefined), value);
}

function templated(value: unknown): boolean {
  if (typeof value === 'string') return value.includes('${{');
  if (Array.isArray(value)) return value.some(templated);
  if (isRecord(value)) return Object.values(value).some(templated);
  return false;
}

/**
 * The inputs of an action that name a path inside the task workspace: `sourcePath`/`targetPath` where the
 * action's own input schema describes them so ("Target path within the working directory…" of fetch:*,
 * "Path within the workspace…" of publish:*, "Subdirectory of working directory…" of the pull-request
 * actions), which are the ones their handlers pass to resolveSafeChildPath or getRepoSourceDirectory.
 * Others of that name are no workspace path: github:pages:enable's sourcePath is "/" or "/docs" in the
 * published repository, publish:github:pull-request's targetPath a folder of the target repository.
 * Returns the input keys (none for an action without an input schema).
 */
export function workspacePathInputs(action: KnownAction): string[] {
  const properties = isRecord(action.inputSchema) && isRecord(action.inputSchema.properties) ? action.inputSchema.properties : {};
  return ['targetPath', 'sourcePath'].filter(key => {
    const description = isRecord(properties[key]) ? properties[key].description : undefined;
    return typeof description === 'string' && /\b(workspace|working directory)\b/i.test(description);
  });
}

// Inputs of scaffolder-backend's built-in actions that their handlers pass to resolveSafeChildPath, read from
// its dist (filesystem/rename, delete, read; catalog/write): their schemas do not call them workspace paths.
// `*` is each item of a list.
const BUILTIN_WORKSPACE_PATHS: Record<string, (string | '*')[][]> = {
  'fs:rename': [['files', '*', 'from'], ['files', '*', 'to']],
  'fs:delete': [['files', '*']],
  'fs:readdir': [['paths', '*']],
  'catalog:write': [['filePath']],
};

/**
 * Every string of a step's input that the action resolves inside the task workspace (workspacePathInputs,
 * and BUILTIN_WORKSPACE_PATHS for scaffolder-backend's own actions), with its place in the input.
 */
export function workspacePathValues(action: KnownAction, input: unknown): { at: (string | number)[]; value: string }[] {
  const patterns: (string | '*')[][] = workspacePathInputs(action).map(key => [key]);
  if (action.provider === '@backstage/plugin-scaffolder-backend') patterns.push(...(BUILTIN_WORKSPACE_PATHS[action.id] ?? []));
  const found: { at: (string | number)[]; value: string }[] = [];
  const visit = (value: unknown, rest: (string | '*')[], at: (string | number)[]) => {
    if (rest.length === 0) {
      if (typeof value === 'string') found.push({ at, value });
      return;
    }
    const [head, ...tail] = rest;
    if (head === '*') {
      if (Array.isArray(value)) value.forEach((item, i) => visit(item, tail, [...at, i]));
    } else if (isRecord(value) && Object.hasOwn(value, head)) visit(value[head], tail, [...at, head]);
  };
  for (const pattern of patterns) visit(input, pattern, []);
  return found;
}

/**
 * A workspace path as the actions resolve it (resolveSafeChildPath from @backstage/backend-plugin-api):
 * its error when the path leaves the task workspace, else undefined.
 */
export function workspacePathProblem(key: string, value: string): string | undefined {
  const { resolveSafeChildPath } = fromScaffolder('@backstage/backend-plugin-api');
  try {
    resolveSafeChildPath('/task/workspace', value);
    return undefined;
  } catch (error) {
    return `${key} ${JSON.stringify(value)}: ${(error as Error).message}`;
  }
}

/**
 * workspacePathProblem for a path as a template writes it: a literal as it is; one holding `\${{ … }}` by
 * its literal folders before the first expression (`../../tmp/\${{ parameters.name }}`, `/etc/\${{ … }}`), which
 * leave the workspace whatever the expressions give (the workspace's own folder name is the task's id).
 * A path that starts with an expression depends on its value and is not judged here.
 */
function templatedWorkspacePathProblem(key: string, value: string): string | undefined {
  const start = value.indexOf('${{');
  if (start < 0) return workspacePathProblem(key, value);
  const folders = value.slice(0, value.lastIndexOf('/', start) + 1);
  if (folders === '') return undefined;
  const problem = workspacePathProblem(key, `${folders}sample`);
  return problem && `${key} ${JSON.stringify(value)} leaves the task workspace whatever its expressions give (its literal start ${JSON.stringify(folders)}): ${problem.slice(problem.indexOf(': ') + 2)}`;
}

/** What parseRepoUrl makes of a repoUrl as written: a literal as it is, one built from RepoUrlPicker values with a sample value. */
export function staticRepoUrlProblem(repoUrl: string, pickers: ReadonlySet<string>, type?: string, action?: string): string | undefined {
  // parseRepoUrl reads `https://${repoUrl}`: a URL's scheme becomes the host, and no integration is named https.
  const scheme = /^\s*([a-z][a-z0-9+.-]*):\/\//i.exec(repoUrl);
  if (scheme) return `parseRepoUrl refuses ${quoted(repoUrl)}: it reads host?owner=…&repo=… (as RepoUrlPicker writes it), not a URL, so it takes "${scheme[1]}" for the host (No matching integration configuration for host ${scheme[1]}).`;
  if (!repoUrl.includes('${{')) return repoUrlProblem(repoUrl, type, action);
  // Built from RepoUrlPicker values only, the value brings its own query (`github.com/acme/${{ parameters.repoUrl }}`
  // is `github.com/acme/github.com?owner=…&repo=…`, which parseRepoUrl reads by its host and query): judged
  // with a sample picker value, never as a value without a query.
  if (builtFromPickers(repoUrl, pickers)) return pickerRepoUrlProblem(repoUrl, pickers);
  return queryValuesRepoUrlProblem(repoUrl, type, action) ?? queryLessRepoUrlProblem(repoUrl, type, action);
}

/**
 * A repoUrl whose host and query keys are literal, its expressions only in query values
 * (`dev.azure.com?organization=acme&owner=x&repo=${{ parameters.name }}`): which parts parseRepoUrl gets is
 * fixed by the text, so a part the host's type requires and the query lacks (Azure's project) is refused
 * whatever the expressions give. Read with `sample` for each expression.
 */
function queryValuesRepoUrlProblem(repoUrl: string, type?: string, action?: string): string | undefined {
  const marked = replaceExpressions(repoUrl, '\u0000');
  const at = marked.indexOf('?');
  if (at < 0 || marked.includes('${{') || marked.slice(0, at).includes('\u0000')) return undefined;
  if (marked.slice(at + 1).split('&').some(pair => !pair.includes('=') || pair.slice(0, pair.indexOf('=')).includes('\u0000'))) return undefined;
  const problem = repoUrlProblem(marked.split('\u0000').join('sample'), type, action);
  return problem && `parseRepoUrl refuses ${quoted(repoUrl)} whatever its expressions give: its host and query keys are written out, and ${problem.replace(/^parseRepoUrl refuses "[^"]*": /, '').replace(/^parseRepoUrl reads "[^"]*" as/, 'it reads as')} (with "sample" for each expression).`;
}

/** Whether every expression of `repoUrl` is a RepoUrlPicker parameter written alone (`${{ parameters.repoUrl }}`). */
function builtFromPickers(repoUrl: string, pickers: ReadonlySet<string>): boolean {
  const parts = [...repoUrl.matchAll(/\$\{\{\s*parameters\.([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g)];
  return parts.length > 0 && parts.every(p => pickers.has(p[1])) && !repoUrl.replace(/\$\{\{\s*parameters\.([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g, '').includes('${{');
}

/**
 * A repoUrl built from expressions and literal text with no `?` (`github.com/acme/${{ parameters.name }}`):
 * parseRepoUrl takes the owner and repo from the query only, so it refuses the value whatever the
 * expressions give, short of a value that brings the query itself. Read with `sample` for each expression.
 */
function queryLessRepoUrlProblem(repoUrl: string, type?: string, action?: string): string | undefined {
  const literal = replaceExpressions(repoUrl, '');
  if (literal.trim() === '' || literal.includes('?') || literal.includes('${{') || !hostLikeFirstSegment(repoUrl)) return undefined;
  const problem = repoUrlProblem(replaceExpressions(repoUrl, 'sample'), type, action);
  return problem && `parseRepoUrl refuses ${quoted(repoUrl)} whatever its expressions give: it takes the owner and repo from the query (?owner=…&repo=…), which this value never has (with "sample" for each expression: ${problem.replace(/^parseRepoUrl refuses "[^"]*": /, '')}).`;
}

/**
 * Whether `value` matches `/^[^/]+\.[^/]+\//` (a first path segment with a `.` inside it, as a host has), found
 * with indexOf: the pattern itself backtracked quadratically on a long run of dots with no `/` after it. Pure.
 */
function hostLikeFirstSegment(value: string): boolean {
  const slash = value.indexOf('/');
  return slash > 0 && value.slice(1, slash - 1).includes('.');
}

const SAMPLE = { host: 'github.com', owner: 'sample-owner', repo: 'sample-repo' };

/**
 * A repoUrl made of RepoUrlPicker values and literal text, rendered with a sample picker value and read
 * by Backstage's parseRepoUrl: `${{ parameters.repoUrl }}?owner=x` keeps the owner and makes the repo
 * `sample-repo?owner=x`. Undefined when the value is the picker value alone or not built from one.
 */
export function pickerRepoUrlProblem(repoUrl: string, pickers: ReadonlySet<string>): string | undefined {
  const parts = [...repoUrl.matchAll(/\$\{\{\s*parameters\.([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g)];
  if (!parts.length || !parts.every(p => pickers.has(p[1]))) return undefined;
  const rest = repoUrl.replace(/\$\{\{\s*parameters\.([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g, '');
  if (rest.includes('${{') || rest === '') return undefined;
  const sample = repoUrl.replace(/\$\{\{\s*parameters\.([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g, `${SAMPLE.host}?owner=${SAMPLE.owner}&repo=${SAMPLE.repo}`);
  const problem = repoUrlProblem(sample);
  return problem && `${problem} (with the RepoUrlPicker value ${SAMPLE.host}?owner=${SAMPLE.owner}&repo=${SAMPLE.repo}).`;
}

/**
 * What Backstage's parseRepoUrl (from @backstage/plugin-scaffolder-node, with the default integrations, or
 * `deployment`'s: the managed Backstage's own, from its app-config) makes of a rendered repoUrl: its
 * InputError, or a repository or owner that carries URL syntax, which no SCM accepts as a name. Undefined
 * when it reads cleanly or, without `deployment`, names a host only the deployment's own integrations know.
 */
export function repoUrlProblem(repoUrl: string, type?: string, action?: string, deployment?: object): string | undefined {
  deferUnreadScaffolderModules();
  const { parseRepoUrl } = fromScaffolder('@backstage/plugin-scaffolder-node');
  const { ScmIntegrations } = require('@backstage/integration');
  const { ConfigReader } = require('@backstage/config');
  let parsed: Record<string, string | undefined>;
  const integrations = deployment ?? ScmIntegrations.fromConfig(new ConfigReader({}));
  try {
    parsed = parseRepoUrl(repoUrl, integrations);
  } catch (error) {
    const message = (error as Error).message;
    if (!/No matching integration/.test(message) || deployment) return `parseRepoUrl refuses ${quoted(repoUrl)}: ${message}`;
    // A host only the deployment configures: of the type the action requires of it (typedRepoUrlProblem), else unknown here.
    return type ? typedRepoUrlProblem(repoUrl, type, action) : undefined;
  }
  return partProblem(repoUrl, parsed, parsed.host ? integrations.byHost(parsed.host)?.type : undefined);
}

/**
 * parseRepoUrl of a repoUrl on a host the deployment configures, read as `type`: the integration an action of
 * a typed module requires (publish:github looks the host up among the github integrations), so a GitHub
 * Enterprise value without its owner is refused as the task refuses it.
 */
function typedRepoUrlProblem(repoUrl: string, type: string, action: string | undefined): string | undefined {
  const { parseRepoUrl } = fromScaffolder('@backstage/plugin-scaffolder-node');
  const { ScmIntegrations } = require('@backstage/integration');
  const { ConfigReader } = require('@backstage/config');
  let host: string;
  try {
    host = new URL(`https://${repoUrl}`).host;
  } catch {
    return undefined;
  }
  const entry = integrationEntry(type, host);
  if (!entry) return undefined;
  try {
    return partProblem(repoUrl, parseRepoUrl(repoUrl, ScmIntegrations.fromConfig(new ConfigReader({ integrations: { [type]: [entry] } }))), type);
  } catch (error) {
    return `parseRepoUrl refuses ${quoted(repoUrl)}: ${(error as Error).message} (${boundedText(host, 100)} read as a ${type} host${action ? `, as ${action} requires of it` : ''}).`;
  }
}

// What a name may not hold, by integration type and part: URL syntax never, and `/` or white space where the
// SCM refuses them. GitLab's owner is a group path (group/subgroup, as publish:gitlab takes it), Gerrit's repo a
// project path (platform/build); Azure DevOps project and repository names may hold spaces (Fabrikam Fiber).
const NOT_IN_NAME = /[?&=#/\s]/;
const NOT_IN_PART: Record<string, Record<string, RegExp>> = {
  gitlab: { owner: /[?&=#\s]/ },
  gerrit: { repo: /[?&=#\s]/ },
  // Plain spaces inside only: no other white space, no control or format character, none at either end.
  azure: { project: /[?&=#/\p{Cc}\p{Cf}]|[^\S ]|^ | $/u, repo: /[?&=#/\p{Cc}\p{Cf}]|[^\S ]|^ | $/u },
};

/**
 * A repository, owner, organization, workspace or project parseRepoUrl read (`parsed`) that holds what the
 * SCM of integration `type` accepts in no such name (URL syntax; `/` or white space where it refuses them:
 * NOT_IN_PART). Returns the problem as a sentence, or undefined.
 */
function partProblem(repoUrl: string, parsed: Record<string, string | undefined>, type: string | undefined): string | undefined {
  for (const part of ['owner', 'repo', 'organization', 'workspace', 'project']) {
    const value = parsed[part];
    const refused = (type && NOT_IN_PART[type]?.[part]) || NOT_IN_NAME;
    if (value !== undefined && refused.test(value)) return `parseRepoUrl reads ${quoted(repoUrl)} as ${part} ${JSON.stringify(value)}, which is not a valid name`;
  }
  return undefined;
}

/** A value from template.yaml as a message quotes it: JSON-quoted, cut to 200 characters. */
function quoted(value: string): string {
  return JSON.stringify(value.length > 200 ? `${value.slice(0, 199)}…` : value);
}
