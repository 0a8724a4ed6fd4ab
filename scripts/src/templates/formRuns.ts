import { unreadPlaceholder } from '../catalog/placeholders.ts';
import { isRecord } from '../load/loadCatalog.ts';
import { boundedText } from '../report/safeText.ts';
import { expressionMatches } from './checkExpressions.ts';
import { OWN_PARAMETERS } from './ownParameters.ts';
import { declarations } from './parameterDeclarations.ts';
import { renderWorkflowValue } from './templateFilters.ts';

/**
 * How the runs give a parameter whose values the template's author lists or fixes (fixedBy): 'held' gives it
 * one of them on every run (template-push-fixed-repo: a repository picked from the author's list is the
 * author's choice), 'varied' gives each run another of the values the form offers (an enum's first and last,
 * a checkbox ticked and not), so that only what no answer to the form changes comes out the same.
 */
export type Choices = 'held' | 'varied';

// The roots of the runner's context whose values the run, the user or the deployment gives (not the form).
const RUN_CONTEXTS = ['steps', 'user', 'secrets', 'context', 'environment'] as const;
/** Regular-expression source for one `.name` or `['…']` (a string written `'i'` by withoutStrings) after a name. */
export const NAME_OR_INDEX = String.raw`(?:\s*\.\s*[A-Za-z_$][\w$]*|\s*\[\s*'\d+'\s*\])`;

/** An expression's text with each string literal written `'i'` (its index in `strings`). */
export function withoutStrings(expression: string): { text: string; strings: string[] } {
  const strings: string[] = [];
  const text = expression.replace(/'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"/g, s => `'${strings.push(s.slice(1, -1)) - 1}'`);
  return { text, strings };
}

/** The names a path of NAME_OR_INDEX steps reads, its `'i'` strings given back from `strings`. */
export const segmentsOf = (path: string, strings: readonly string[]): string[] =>
  [...path.matchAll(/\.\s*([A-Za-z_$][\w$]*)|\[\s*'(\d+)'\s*\]/g)].map(m => m[1] ?? strings[Number(m[2])]);

/**
 * What `value` (a string of template.yaml holding `${{ … }}`) renders to on each of two runs, by the
 * scaffolder's own renderer with its guards (renderWorkflowValue), as the runner renders a step's input:
 * each declared parameter the user fills in gets a different value of its type on each run, one the author
 * lists or fixes its value as `choices` says, a parameter no page declares is undefined, as the form leaves
 * it (unless a page is an unread placeholder: then nothing is known to be undeclared, and it varies too), and
 * what steps, user, secrets, context and environment name differs on each run. A step's `each` is rendered
 * the same way and its first item is `each.value`. Undefined when a render fails, reads the whole parameters
 * or `each` gives no item: what the value gives cannot be told. Pure but for loading the renderer.
 */
export function renderRuns(value: string, pages: readonly unknown[], options: { each?: unknown; choices?: Choices } = {}): [unknown, unknown] | undefined {
  const { each, choices = 'held' } = options;
  const pagesKnown = pages.every(page => unreadPlaceholder(page) === undefined);
  const eachText = each === undefined ? '' : JSON.stringify(each) ?? '';
  const sources = [...expressionMatches(value), ...expressionMatches(eachText.replace(/\\"/g, '"'))].map(m => m.inner);
  const rendered: unknown[] = [];
  for (const run of [0, 1] as const) {
    const context: Record<string, unknown> = { parameters: {} };
    const parameters = context.parameters as Record<string, unknown>;
    for (const source of sources) {
      const { text, strings } = withoutStrings(source);
      for (const m of text.matchAll(new RegExp(String.raw`(?<![\w$]|[.\])]\s*)(${RUN_CONTEXTS.join('|')})\b(${NAME_OR_INDEX}*)`, 'g'))) {
        setPath(context, [m[1], ...segmentsOf(m[2], strings)], sentinel(run, `${m[1]}${m[2].length}`));
      }
      for (const m of text.matchAll(new RegExp(String.raw`${OWN_PARAMETERS}(${NAME_OR_INDEX}?)`, 'g'))) {
        const [name] = segmentsOf(m[1], strings);
        if (name === undefined) return undefined;
        if (Object.hasOwn(parameters, name)) continue;
        const declared = declarations(pages, name);
        parameters[name] = !declared.length ? (pagesKnown ? undefined : sentinel(run, name)) : formValue(name, declared, run, choices);
      }
    }
    try {
      if (each !== undefined) {
        const items = typeof each === 'string' ? renderWorkflowValue(each, context) : JSON.parse(JSON.stringify(each), (_key, v) => (typeof v === 'string' ? renderWorkflowValue(v, context) : v));
        const entries = Array.isArray(items) ? items.map((v, key) => [String(key), v] as const) : isRecord(items) ? Object.entries(items) : [];
        if (!entries.length) return undefined;
        context.each = { key: entries[0][0], value: entries[0][1] };
      }
      rendered.push(renderWorkflowValue(value, context));
    } catch {
      return undefined;
    }
  }
  return [rendered[0], rendered[1]];
}

/**
 * Whether the part of `value` that `part` reads from a rendering (a host and owner, a repository name; undefined
 * when the rendering names none) is the same whatever the user enters in the form: `{ fixed }` with that part
 * when both runs (renderRuns) give it alike, 'varies' when they differ, undefined when it cannot be told (a
 * render fails, or a run's rendering names no such part): the caller then judges the value as written.
 */
export function partOnEveryRun<T>(value: string, pages: readonly unknown[], part: (rendered: unknown) => T | undefined, options: { each?: unknown; choices?: Choices } = {}): { fixed: T } | 'varies' | undefined {
  const runs = renderRuns(value, pages, options);
  if (!runs) return undefined;
  const [first, second] = runs.map(part);
  if (first === undefined || second === undefined) return undefined;
  return JSON.stringify(first) === JSON.stringify(second) ? { fixed: first } : 'varies';
}

/** The value a declared parameter gets on run `run`: its fixed or offered value (fixedBy, as `choices` says), else a user's answer of its type. */
function formValue(name: string, declared: readonly Record<string, unknown>[], run: 0 | 1, choices: Choices): unknown {
  const fixed = declared.every(schema => fixedBy(schema) !== undefined);
  if (!fixed) return userValue(declared[0], run, name, 0);
  return choices === 'varied' ? offeredValue(declared[0], run) : fixedValue(declared[0]);
}

/**
 * How the template's author fixes what a parameter declared by `schema` gives, in words, or undefined when the
 * user fills it in: a const, an enum or a oneOf/anyOf of consts, a hidden or read-only field, a RepoUrlPicker
 * limited to allowedRepos, a checkbox.
 */
export function fixedBy(schema: Record<string, unknown>): string | undefined {
  const options = isRecord(schema['ui:options']) ? schema['ui:options'] : {};
  if ('const' in schema) return `its const is ${boundedText(JSON.stringify(schema.const) ?? '', 80)}`;
  if (Array.isArray(schema.enum)) return `its enum is ${boundedText(JSON.stringify(schema.enum), 80)}`;
  const offered = constChoices(schema);
  if (offered) return `its ${Array.isArray(schema.oneOf) ? 'oneOf' : 'anyOf'} offers only ${boundedText(JSON.stringify(offered), 80)}`;
  const locked = lockedField(schema);
  if (locked) return locked;
  if (schema['ui:field'] === 'RepoUrlPicker' && Array.isArray(options.allowedRepos) && options.allowedRepos.length) return `a RepoUrlPicker offering only allowedRepos ${boundedText(JSON.stringify(options.allowedRepos), 80)}`;
  const types = Array.isArray(schema.type) ? schema.type : [schema.type];
  if (types.every(t => t === 'boolean' || t === 'null')) return 'a checkbox';
  return undefined;
}

/** 'a hidden field' or 'a read-only field' when the form shows the user no way to change the parameter, else undefined. */
function lockedField(schema: Record<string, unknown>): string | undefined {
  const options = isRecord(schema['ui:options']) ? schema['ui:options'] : {};
  // rjsf reads ui:options.widget and .disabled as it reads ui:widget and ui:disabled.
  if (schema['ui:widget'] === 'hidden' || options.widget === 'hidden') return 'a hidden field';
  if (schema['ui:readonly'] === true || schema['ui:disabled'] === true || options.readonly === true || options.disabled === true || schema.readOnly === true) return 'a read-only field';
  return undefined;
}

/** A value that differs between the two runs (and in length, so no length or comparison hides it). */
const sentinel = (run: 0 | 1, tag: string) => (run === 0 ? `u${tag.replace(/\W/g, '')}a` : `choice-${tag.replace(/\W/g, '')}-other`);

function setPath(into: Record<string, unknown>, path: readonly string[], leaf: unknown): void {
  let at = into;
  path.forEach((key, i) => {
    if (i === path.length - 1) {
      if (!isRecord(at[key])) at[key] = leaf;
      return;
    }
    if (!isRecord(at[key])) at[key] = {};
    at = at[key] as Record<string, unknown>;
  });
}

/** What a parameter the template fixes (fixedBy) gives on every run. */
export function fixedValue(schema: Record<string, unknown>): unknown {
  const options = isRecord(schema['ui:options']) ? schema['ui:options'] : {};
  if ('const' in schema) return schema.const;
  if (Array.isArray(schema.enum)) return schema.enum[0];
  const offered = constChoices(schema);
  if (offered) return offered[0];
  if (schema['ui:field'] === 'RepoUrlPicker' && Array.isArray(options.allowedRepos) && options.allowedRepos.length) {
    const first = (list: unknown, fallback: string) => (Array.isArray(list) && typeof list[0] === 'string' ? list[0] : fallback);
    return `${first(options.allowedHosts, 'github.com')}?owner=${first(options.allowedOwners, 'acme')}&repo=${String(options.allowedRepos[0])}`;
  }
  if (schema.default !== undefined) return schema.default;
  const types = Array.isArray(schema.type) ? schema.type : [schema.type];
  return types.includes('boolean') ? true : undefined;
}

/**
 * What a parameter whose values the author lists (fixedBy) gives on run `run` when the user picks among them:
 * an enum's or oneOf's first, then last, value; a checkbox ticked, then not; a RepoUrlPicker's first, then last,
 * allowed host, owner and repository. A const, hidden or read-only field gives its one value (fixedValue).
 */
function offeredValue(schema: Record<string, unknown>, run: 0 | 1): unknown {
  const options = isRecord(schema['ui:options']) ? schema['ui:options'] : {};
  const pick = <T>(list: readonly T[]) => (run === 0 ? list[0] : list[list.length - 1]);
  if ('const' in schema || lockedField(schema)) return fixedValue(schema);
  if (Array.isArray(schema.enum) && schema.enum.length) return pick(schema.enum);
  const offered = constChoices(schema);
  if (offered) return pick(offered);
  if (schema['ui:field'] === 'RepoUrlPicker' && Array.isArray(options.allowedRepos) && options.allowedRepos.length) {
    const listed = (list: unknown, fallback: string) => (Array.isArray(list) && list.length && typeof pick(list) === 'string' ? pick(list) : fallback);
    return `${listed(options.allowedHosts, 'github.com')}?owner=${listed(options.allowedOwners, `owner${run}`)}&repo=${String(pick(options.allowedRepos))}`;
  }
  return run === 0;
}

/** A value of a parameter the user fills in, different in each run: of its type, an object's properties each judged. */
function userValue(schema: Record<string, unknown>, run: 0 | 1, tag: string, depth: number): unknown {
  if (depth > 0 && fixedBy(schema) !== undefined) return fixedValue(schema);
  const types = Array.isArray(schema.type) ? schema.type : [schema.type];
  if (isRecord(schema.properties) && depth < 10) return Object.fromEntries(Object.entries(schema.properties).map(([key, sub]) => [key, isRecord(sub) ? userValue(sub, run, `${tag}${key}`, depth + 1) : sentinel(run, key)]));
  if (types.includes('integer') || types.includes('number')) return run === 0 ? 7 : 1234;
  if (types.includes('array')) return [isRecord(schema.items) ? userValue(schema.items, run, tag, depth + 1) : sentinel(run, tag)];
  if (schema['ui:field'] === 'RepoUrlPicker') return run === 0 ? `github.com?owner=uowner&repo=u${tag}a` : `gitlab.com?owner=choice-owner&repo=choice-${tag}-other`;
  return sentinel(run, tag);
}

/** The values a oneOf or anyOf of consts alone offers (a select the author writes), else undefined. */
function constChoices(schema: Record<string, unknown>): unknown[] | undefined {
  for (const key of ['oneOf', 'anyOf']) {
    const branches = schema[key];
    if (Array.isArray(branches) && branches.length && branches.every(b => isRecord(b) && 'const' in b)) return branches.map(b => (b as Record<string, unknown>).const);
  }
  return undefined;
}

/**
 * The host and first path segment (a GitHub owner, a GitLab group, an Azure DevOps organisation) of the URL
 * `url` renders to, as `https://host/segment/`, when they are the same on every run (partOnEveryRun, choices
 * varied): what outsideOrganisation needs to judge a url whose organisation an expression writes
 * (`${{ 'https://github.com/evil-org/x/blob/main/' if parameters.name else '…' }}catalog-info.yaml`).
 * Read through WHATWG URL, as Backstage's readers read it (`..` resolved). Undefined when it varies, names no
 * host, or cannot be rendered.
 */
export function organisationOnEveryRun(url: string, pages: readonly unknown[], each?: unknown): string | undefined {
  const verdict = partOnEveryRun(url, pages, rendered => {
    if (typeof rendered !== 'string') return undefined;
    try {
      const parsed = new URL(rendered.trim());
      const [, segment] = parsed.pathname.split('/');
      return parsed.host && segment ? `https://${parsed.host}/${segment}/` : undefined;
    } catch {
      return undefined;
    }
  }, { each, choices: 'varied' });
  return typeof verdict === 'object' ? verdict.fixed : undefined;
}
