import { createHash } from 'node:crypto';
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

/** A run of the form: two, each with other answers. */
type Run = 0 | 1;
const RUNS: readonly Run[] = [0, 1];
/**
 * What the runs' answers are drawn from: a hash of the value, its step's `each` and the parameter pages, so
 * that a template cannot tell a run's answer from a real one (red team, session 47: `'payments-core' if
 * (parameters.name | length) > 1 else …` sent a one-character answer elsewhere, and `'choice' in
 * parameters.name` a fixed one), while the same template always gets the same answers (the same findings).
 */
interface Answers {
  seed: string;
}
// Names that reach an object's prototype: a context built from the template's own expressions must never
// write through one (red team, session 47: `user.__proto__['rule-id']` set a severity on every object).
const UNSAFE = new Set(['__proto__', 'constructor', 'prototype']);
const LONE_PARAMETER = /^\$\{\{\s*parameters\.([A-Za-z_$][\w$]*)\s*\}\}$/;
const LONE_RUN_VALUE = /^\$\{\{\s*(?:steps|user|secrets)(?:\s*\.\s*[A-Za-z_$][\w$]*|\s*\[\s*'[^'\\]*'\s*\])+\s*\}\}$/;
// The most items of a step's `each` rendered: a list the author writes is short.
const MAX_EACH_ITEMS = 50;

/**
 * What `value` (a string of template.yaml holding `${{ … }}`) renders to on each of two runs, by the
 * scaffolder's own renderer with its guards (renderWorkflowValue), as the runner renders a step's input:
 * each declared parameter the user fills in gets another answer of its type on each run, like a real one
 * and unforeseeable by the template (Answers: twelve letters, or what its minLength and maxLength allow; a
 * number within its minimum and maximum), one the author lists or fixes its value as `choices` says, a
 * parameter no page declares is undefined, as the form leaves it (unless a page is an unread placeholder:
 * then nothing is known to be undeclared, and it varies too), and what steps, user, secrets, context and
 * environment name differs on each run. With a step's `each`, the value is rendered for each of its items
 * (at most 50): one tuple of the runs' renderings per item. Undefined when a run fails, an expression reads the
 * whole parameters or a name reaching a prototype (`__proto__`, `constructor`, `prototype`), or `each` gives
 * no item: what the value gives cannot be told. Pure but for loading the renderer.
 */
export function renderRuns(value: string, pages: readonly unknown[], options: { each?: unknown; choices?: Choices } = {}): unknown[][] | undefined {
  const { each, choices = 'held' } = options;
  const pagesKnown = pages.every(page => unreadPlaceholder(page) === undefined);
  const eachText = each === undefined ? '' : JSON.stringify(each) ?? '';
  const sources = [...expressionMatches(value), ...expressionMatches(eachText.replace(/\\"/g, '"'))].map(m => m.inner);
  const answers: Answers = { seed: createHash('sha256').update(`${value}\0${eachText}\0${JSON.stringify(pages) ?? ''}`).digest('hex') };
  const byRun: unknown[][] = [];
  for (const run of RUNS) {
    const parameters: Record<string, unknown> = {};
    const context: Record<string, unknown> = { parameters };
    for (const source of sources) {
      const { text, strings } = withoutStrings(source);
      for (const m of text.matchAll(new RegExp(String.raw`(?<![\w$]|[.\])]\s*)(${RUN_CONTEXTS.join('|')})\b(${NAME_OR_INDEX}*)`, 'g'))) {
        const path = [m[1], ...segmentsOf(m[2], strings)];
        if (path.some(key => UNSAFE.has(key))) return undefined;
        setPath(context, path, answer(answers, run, path.join('.')));
      }
      for (const m of text.matchAll(new RegExp(String.raw`${OWN_PARAMETERS}(${NAME_OR_INDEX}?)`, 'g'))) {
        const [name] = segmentsOf(m[1], strings);
        if (name === undefined || UNSAFE.has(name)) return undefined;
        if (Object.hasOwn(parameters, name)) continue;
        const declared = declarations(pages, name);
        parameters[name] = !declared.length ? (pagesKnown ? undefined : answer(answers, run, name)) : formValue(name, declared, run, choices, answers);
      }
    }
    try {
      const items = each === undefined ? [undefined] : eachItems(each, context);
      if (!items.length) return undefined;
      byRun.push(items.map(item => renderWorkflowValue(value, item === undefined ? context : { ...context, each: item })));
    } catch {
      return undefined;
    }
  }
  const count = Math.min(...byRun.map(r => r.length));
  return Array.from({ length: count }, (_, i) => byRun.map(r => r[i]));
}

/** The items a step's `each` gives under `context` (`{ key, value }`, as the runner sets `each`), at most MAX_EACH_ITEMS. */
function eachItems(each: unknown, context: Record<string, unknown>): { key: string; value: unknown }[] {
  const items = typeof each === 'string' ? renderWorkflowValue(each, context) : JSON.parse(JSON.stringify(each), (_key, v) => (typeof v === 'string' ? renderWorkflowValue(v, context) : v));
  const entries = Array.isArray(items) ? items.map((v, key) => [String(key), v] as const) : isRecord(items) ? Object.entries(items) : [];
  return entries.slice(0, MAX_EACH_ITEMS).map(([key, value]) => ({ key, value }));
}

/**
 * Whether the part of `value` that `part` reads from a rendering (a host and owner, a repository name; undefined
 * when the rendering names none) is the same whatever the user enters in the form: `{ fixed }` with that part
 * when every run (renderRuns) gives it alike for some item of the step's `each` (the first item `prefer`
 * accepts, else the first), 'varies' when each item's runs differ, undefined when it cannot be told (a render
 * fails, or a run's rendering names no such part): the caller then judges the value as written.
 */
export function partOnEveryRun<T>(value: string, pages: readonly unknown[], part: (rendered: unknown) => T | undefined, options: { each?: unknown; choices?: Choices; prefer?: (part: T) => boolean } = {}): { fixed: T } | 'varies' | undefined {
  // A lone parameter the user fills in (a RepoUrlPicker's `${{ parameters.repoUrl }}`, the usual case) varies
  // without a render: `check` then loads no scaffolder code for it.
  // So does a lone step output, user or secret (`${{ steps.publish.output.remoteUrl }}`): each run gives another.
  if (LONE_RUN_VALUE.test(value.trim())) return 'varies';
  const lone = options.each === undefined ? LONE_PARAMETER.exec(value.trim()) : null;
  if (lone && !UNSAFE.has(lone[1])) {
    const declared = declarations(pages, lone[1]);
    if (declared.length && !declared.every(schema => fixedBy(schema) !== undefined)) return 'varies';
  }
  const items = renderRuns(value, pages, options);
  if (!items) return undefined;
  const fixed: T[] = [];
  let unknown = false;
  for (const runs of items) {
    const parts = runs.map(part);
    if (parts.some(p => p === undefined)) {
      unknown = true;
      continue;
    }
    if (parts.every(p => JSON.stringify(p) === JSON.stringify(parts[0]))) fixed.push(parts[0]!);
  }
  if (fixed.length) return { fixed: fixed.find(p => options.prefer?.(p)) ?? fixed[0] };
  return unknown ? undefined : 'varies';
}

/** The value a declared parameter gets on run `run`: its fixed or offered value (fixedBy, as `choices` says), else a user's answer of its type. */
function formValue(name: string, declared: readonly Record<string, unknown>[], run: Run, choices: Choices, answers: Answers): unknown {
  const fixed = declared.every(schema => fixedBy(schema) !== undefined);
  if (!fixed) return userValue(declared[0], run, name, 0, choices, answers);
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
  if (offered) return `its ${Array.isArray(schema.allOf) ? 'allOf' : Array.isArray(schema.oneOf) ? 'oneOf' : 'anyOf'} offers only ${boundedText(JSON.stringify(offered), 80)}`;
  const locked = lockedField(schema);
  if (locked) return locked;
  const only = onlyMatch(schema.pattern);
  if (only !== undefined) return `its pattern allows only ${boundedText(JSON.stringify(only), 80)}`;
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

/**
 * The answer run `run` gives the field named `tag` (a parameter, a context path): lowercase letters drawn from
 * the answers' seed, twelve of them or as many as `minLength`/`maxLength` allow; another on each run.
 */
function answer(answers: Answers, run: Run, tag: string, schema?: Record<string, unknown>): string {
  const digest = createHash('sha256').update(`${answers.seed}\0${run}\0${tag}`).digest();
  const min = typeof schema?.minLength === 'number' ? schema.minLength : 0;
  const max = typeof schema?.maxLength === 'number' ? schema.maxLength : Infinity;
  const length = Math.max(1, Math.min(Math.max(12, Math.min(min, 32)), max));
  return Array.from({ length }, (_, i) => String.fromCharCode(97 + (digest[i % digest.length] % 26))).join('');
}

/** A number run `run` answers for a field of `schema`: within its minimum and maximum, drawn like answer's letters. */
function numberAnswer(answers: Answers, run: Run, tag: string, schema: Record<string, unknown>): number {
  const min = typeof schema.minimum === 'number' ? schema.minimum : 1;
  const max = typeof schema.maximum === 'number' ? schema.maximum : min + 10_000;
  const digest = createHash('sha256').update(`${answers.seed}\0${run}\0${tag}`).digest();
  return min + (digest.readUInt32BE(0) % (Math.floor(max - min) + 1));
}

/** Sets `leaf` at `path` under `into`, making the objects on the way; only own properties are followed (renderRuns refuses UNSAFE names before). */
function setPath(into: Record<string, unknown>, path: readonly string[], leaf: unknown): void {
  let at = into;
  path.forEach((key, i) => {
    const own = Object.hasOwn(at, key) ? at[key] : undefined;
    if (i === path.length - 1) {
      if (!isRecord(own)) at[key] = leaf;
      return;
    }
    if (!isRecord(own)) at[key] = {};
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
  const only = onlyMatch(schema.pattern);
  if (only !== undefined) return only;
  if (schema.default !== undefined) return schema.default;
  const types = Array.isArray(schema.type) ? schema.type : [schema.type];
  return types.includes('boolean') ? true : undefined;
}

/**
 * The one string a JSON Schema `pattern` of the form `^literal$` matches (its characters plain or escaped with
 * a backslash), else undefined: `pattern: '^payments-core$'` lets the form and the backend's validation take
 * nothing else (red team, session 47), so the parameter is as fixed as a const.
 */
export function onlyMatch(pattern: unknown): string | undefined {
  if (typeof pattern !== 'string') return undefined;
  // A character plain, escaped, or alone in a class (`^payments-cor[e]$`).
  const match = /^\^((?:[^\\^$.|?*+()[\]{}]|\\[^A-Za-z0-9]|\[(?:[^\\^\]]|\\[^A-Za-z0-9])\])*)\$$/.exec(pattern);
  return match ? match[1].replace(/\[(\\?)(.)\]|\\(.)/g, (_, _e, inClass, escaped) => inClass ?? escaped) : undefined;
}

/**
 * What a parameter whose values the author lists (fixedBy) gives on run `run` when the user picks among them:
 * an enum's or oneOf's first, then last, value; a checkbox ticked, then not; a RepoUrlPicker's first, then last,
 * allowed host, owner and repository. A const, hidden or read-only field gives its one value (fixedValue).
 */
function offeredValue(schema: Record<string, unknown>, run: Run): unknown {
  const options = isRecord(schema['ui:options']) ? schema['ui:options'] : {};
  const pick = <T>(list: readonly T[]) => (run === 1 ? list[list.length - 1] : list[0]);
  if ('const' in schema || lockedField(schema) || onlyMatch(schema.pattern) !== undefined) return fixedValue(schema);
  if (Array.isArray(schema.enum) && schema.enum.length) return pick(schema.enum);
  const offered = constChoices(schema);
  if (offered) return pick(offered);
  if (schema['ui:field'] === 'RepoUrlPicker' && Array.isArray(options.allowedRepos) && options.allowedRepos.length) {
    const listed = (list: unknown, fallback: string) => (Array.isArray(list) && list.length && typeof pick(list) === 'string' ? pick(list) : fallback);
    return `${listed(options.allowedHosts, 'github.com')}?owner=${listed(options.allowedOwners, `owner${run}`)}&repo=${String(pick(options.allowedRepos))}`;
  }
  return run === 0;
}

/**
 * A value of a parameter the user fills in, another on each run (Answers): of its type, an object's properties
 * each judged (a nested field the author lists or fixes as `choices` says).
 */
function userValue(schema: Record<string, unknown>, run: Run, tag: string, depth: number, choices: Choices, answers: Answers): unknown {
  if (depth > 0 && fixedBy(schema) !== undefined) return choices === 'varied' ? offeredValue(schema, run) : fixedValue(schema);
  const types = Array.isArray(schema.type) ? schema.type : [schema.type];
  if (isRecord(schema.properties) && depth < 10) return Object.fromEntries(Object.entries(schema.properties).filter(([key]) => !UNSAFE.has(key)).map(([key, sub]) => [key, isRecord(sub) ? userValue(sub, run, `${tag}.${key}`, depth + 1, choices, answers) : answer(answers, run, `${tag}.${key}`)]));
  if (types.includes('integer') || types.includes('number')) return numberAnswer(answers, run, tag, schema);
  if (types.includes('array')) return [isRecord(schema.items) ? userValue(schema.items, run, `${tag}[]`, depth + 1, choices, answers) : answer(answers, run, `${tag}[]`)];
  if (schema['ui:field'] === 'RepoUrlPicker') return `${run === 0 ? 'github.com' : 'gitlab.com'}?owner=${answer(answers, run, `${tag}.owner`)}&repo=${answer(answers, run, `${tag}.repo`)}`;
  return answer(answers, run, tag, schema);
}

/** The values a oneOf or anyOf of consts alone offers (a select the author writes), else undefined. */
function constChoices(schema: Record<string, unknown>): unknown[] | undefined {
  // allOf: every branch must hold, so one branch that lists the values lists them for the field.
  if (Array.isArray(schema.allOf)) {
    for (const branch of schema.allOf.slice(0, 20)) {
      if (!isRecord(branch)) continue;
      const listed = 'const' in branch ? [branch.const] : Array.isArray(branch.enum) ? branch.enum : constChoices(branch);
      if (listed) return listed;
    }
  }
  for (const key of ['oneOf', 'anyOf']) {
    const branches = schema[key];
    // Each branch a const or an enum (red team, session 47: `oneOf: [{enum: [payments-core]}]`).
    if (Array.isArray(branches) && branches.length && branches.every(b => isRecord(b) && ('const' in b || Array.isArray(b.enum)))) return branches.flatMap(b => ('const' in (b as Record<string, unknown>) ? [(b as Record<string, unknown>).const] : ((b as Record<string, unknown>).enum as unknown[])));
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
