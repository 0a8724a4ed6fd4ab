import { posix } from 'node:path';
import { FILE_START, type Diagnostic, type Severity } from '../diagnostic.ts';
import { DEFAULT_API_CHANGE_POLICY, type GitopsConfig } from '../config/gitopsConfig.ts';
import { LOCKED_RULES } from '../config/lockedRules.ts';
import { catalogRules } from '../catalog/catalogRules.ts';
import { templateRules } from '../templates/templateRules.ts';
import { configRules } from '../backstageConfig/configRules.ts';
import { scorecardRules } from '../scorecards/scorecardRules.ts';
import { apiRules } from './apiRules.ts';
import { trimTrailingSlashes } from '../load/trailingSlashes.ts';

const RANK: Record<Severity | 'off', number> = { off: 0, info: 1, warning: 2, error: 3 };
const shown = (value: unknown) => JSON.stringify(value ?? null).slice(0, 120);
const gained = (before: readonly string[], after: readonly string[]) => after.filter(item => !before.includes(item));

/**
 * What a pull request's gitops.config.yaml turns off or loosens compared with the base revision's: the
 * gate judges a pull request by the pull request's own config, so a change there can silence the checks a
 * reviewer relies on while the verdict stays green (a removed `codeowners` section or `catalog.roots` stops
 * the CODEOWNERS, editor schema, Backstage config and scorecard gates; a rule set lower, a laxer failOn, a
 * wider adoptFrom; by default any other setting changed, see otherLoosening). Each is a `config-weakened`
 * finding on gitops.config.yaml (locked: the config it judges cannot lower it). `configAlone`: the pull request
 * changes no file but gitops.config.yaml and the policy files (changedPolicyFiles), so nothing is judged under
 * the loosened config and the platform team's review of those files (CODEOWNERS) is the whole decision: a
 * warning. Otherwise an error: the rest of the change would pass under a config nobody has approved yet.
 * Locked rules are left to config-rule-locked. `policies`: each org policy's rule id and its own severity
 * (x-severity), so a `rules:` setting of a policy or of its family (`policy` for `policy/…`) is compared with
 * what the policy reports without it. Pure.
 */
// Lists whose new items loosen the gate (more entities, locations, actions, filters taken as known), and lists
// whose removed items do (fewer globs that must be reachable, fewer root Locations the gate reads from, fewer
// paths the platform team owns, fewer plugin config schemas; a root added only reads more), or both. Any other setting is compared whole: every change to it is named, since each one decides
// what a gate checks or against what (another ruleset, app-config, policies folder, roots, repoUrl...).
const GAINS_LOOSEN = new Set(['catalog.adoptFrom', 'catalog.allowedLocationTypes', 'catalog.external', 'catalog.placeholderResolvers', 'catalog.apiGroups', 'catalog.modules', 'apiChanges.allowWhenLifecycle', 'backstageConfig.additionalTemplateFilters', 'backstageConfig.additionalTemplateGlobals']);
const LOSSES_LOOSEN = new Set(['catalog.include', 'catalog.roots', 'codeowners.platformPaths', 'backstageConfig.plugins']);
// Lists where an item gained loosens too: a plugin named makes its scaffolder actions and config known, as if
// the managed Backstage ran it (fewer plugins: fewer config schemas).
const GAINS_ALSO_LOOSEN = new Set(['backstageConfig.plugins']);
const isMap = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const key = (value: unknown) => JSON.stringify(value ?? null);

// Maps of named things the gate then takes as known (a custom scaffolder action): a new name loosens.
const NAMED_MAPS = new Set(['backstageConfig.actions']);
const SECTIONS = new Set(['codeowners', 'editorSchema', 'backstageConfig']);

/**
 * Every setting under `path` of the base and head configs (defaults applied) that the head changes in a way
 * that may loosen a gate, as sentences: items gained or lost by the lists above, names gained by a named map,
 * and any other value changed, set or removed. Default-deny: a setting not known to be tightening is named.
 * A section added turns a gate on (nothing to say); one removed is said by configWeakened. Pure.
 */
function otherLoosening(base: unknown, head: unknown, path: string, skip: ReadonlySet<string>): string[] {
  if (skip.has(path)) return [];
  if (SECTIONS.has(path) && (base === undefined || head === undefined)) return [];
  if (GAINS_LOOSEN.has(path) || LOSSES_LOOSEN.has(path)) {
    const [before, after] = [Array.isArray(base) ? base.map(key) : [], Array.isArray(head) ? head.map(key) : []];
    const say = (verb: string, items: string[]) => (items.length ? [`${path} ${verb} ${shown(items.map(item => JSON.parse(item) as unknown))}`] : []);
    return [...(GAINS_LOOSEN.has(path) || GAINS_ALSO_LOOSEN.has(path) ? say('gains', gained(before, after)) : []), ...(LOSSES_LOOSEN.has(path) ? say('no longer lists', gained(after, before)) : [])];
  }
  if (isMap(base) || isMap(head)) {
    const [before, after] = [isMap(base) ? base : {}, isMap(head) ? head : {}];
    const names = Object.keys(after).filter(k => !Object.hasOwn(before, k));
    const gainedNames = NAMED_MAPS.has(path) && names.length ? [`${path} gains ${shown(names)}`] : [];
    const keys = NAMED_MAPS.has(path) ? Object.keys(before) : [...new Set([...Object.keys(before), ...Object.keys(after)])];
    return [...gainedNames, ...keys.flatMap(k => (NAMED_MAPS.has(path) ? scalarChange(before[k], after[k], `${path}.${k}`) : otherLoosening(before[k], after[k], path ? `${path}.${k}` : k, skip)))];
  }
  return scalarChange(base, head, path);
}

/** A value compared whole: what it changes from and to, or nothing when equal. */
function scalarChange(base: unknown, head: unknown, path: string): string[] {
  if (key(base) === key(head)) return [];
  return [head === undefined ? `${path} is removed (was ${shown(base)})` : base === undefined ? `${path} is set to ${shown(head)}` : `${path} changes from ${shown(base)} to ${shown(head)}`];
}

export function configWeakened(base: GitopsConfig, head: GitopsConfig, configAlone = false, policies: ReadonlyMap<string, Severity> = new Map()): Diagnostic[] {
  const finding = (what: string) => weakening(what, configAlone);
  const found: string[] = [];
  // A pull request that adds the first config (or a base config this toolkit no longer loads): the rules it
  // turns off or lowers below Backstage's own defaults are what it loosens; its other sections add gates.
  if (!base.found) return loweredRules({}, head.rules, policies).slice(0, 20).map(finding);
  if (!head.found) return [finding('gitops.config.yaml is removed: the gate judges the repository as a folder without a config (no org policies, CODEOWNERS, editor schema, Backstage config or scorecards)')];
  if (base.catalog.roots.length > 0 && head.catalog.roots.length === 0) found.push(`catalog.roots is removed (was ${shown(base.catalog.roots)}): without roots the CODEOWNERS, editor schema, Backstage config and scorecard gates do not run`);
  for (const section of ['codeowners', 'editorSchema', 'backstageConfig'] as const) {
    if (base[section] && !head[section]) found.push(`the ${section} section is removed: its gate no longer runs`);
  }
  if (base.codeowners && head.codeowners) {
    for (const key of ['file', 'platformTeam'] as const) {
      if (base.codeowners[key] !== head.codeowners[key]) found.push(`codeowners.${key} changes from ${shown(base.codeowners[key])} to ${shown(head.codeowners[key])}: it decides who reviews what`);
    }
    const dropped = (base.codeowners.platformPaths ?? []).filter(path => !(head.codeowners!.platformPaths ?? []).includes(path));
    if (dropped.length) found.push(`codeowners.platformPaths no longer lists ${shown(dropped)}: the platform team stops owning them`);
  }
  if (RANK[head.failOn] > RANK[base.failOn]) found.push(`failOn changes from ${shown(base.failOn)} to ${shown(head.failOn)}: fewer findings fail the gate`);
  found.push(...loweredRules(base.rules, head.rules, policies));
  if (RANK[head.apiChanges.breakingWithOtherConsumers === 'allowed' ? 'off' : head.apiChanges.breakingWithOtherConsumers] < RANK[base.apiChanges.breakingWithOtherConsumers === 'allowed' ? 'off' : base.apiChanges.breakingWithOtherConsumers]) found.push(`apiChanges.breakingWithOtherConsumers changes from ${shown(base.apiChanges.breakingWithOtherConsumers)} to ${shown(head.apiChanges.breakingWithOtherConsumers)}`);
  if (!base.apiChanges.allowWhenMajorVersion && head.apiChanges.allowWhenMajorVersion) found.push('apiChanges.allowWhenMajorVersion is turned on');
  if (head.catalog.maxFileBytes > base.catalog.maxFileBytes) found.push(`catalog.maxFileBytes changes from ${base.catalog.maxFileBytes} to ${head.catalog.maxFileBytes}: larger files are read`);
  const skip = new Set(['root', 'found', 'failOn', 'rules', 'codeowners.file', 'codeowners.platformTeam', 'codeowners.platformPaths', 'apiChanges.breakingWithOtherConsumers', 'apiChanges.allowWhenMajorVersion', 'catalog.maxFileBytes', ...(head.catalog.roots.length ? [] : ['catalog.roots'])]);
  found.push(...otherLoosening(base, head, '', skip));
  return found.slice(0, 20).map(finding);
}

/**
 * The files a pull request changes (adds, edits, removes) that the gate reads its own rules from, besides
 * gitops.config.yaml: schemas/techdocs-policy.json (plugins, tags, diagramServers), schemas/template-policy/,
 * the org policies (the `*.json` files directly in catalog.policies) and the Spectral ruleset file
 * (apiChanges.ruleset, whose `extends` may name only Spectral's built-in rulesets) and the baseline (its counts
 * lower findings to info: a pull request growing it would pass its own new errors), of each config given
 * (the base's and the head's for the findings; the base's alone to decide whether a pull request changes only
 * config and policy files: a location the pull request itself names, `apiChanges.ruleset: .github/ruleset.yaml`
 * or a ruleset's folder, would otherwise make a hand-edited CODEOWNERS or catalog file count as policy). The
 * gate judges the pull request by the files as it writes them, so a wider allow-list there passes its own
 * change; returned as repo paths. Pure.
 */
export function changedPolicyFiles(changedFiles: readonly string[], ...configs: GitopsConfig[]): string[] {
  const folder = (path: string | undefined) => (path ? `${trimTrailingSlashes(posix.normalize(path))}/` : undefined);
  const policyFolders = configs.flatMap(c => (c.found ? [folder(c.catalog.policies)] : [])).filter((f): f is string => f !== undefined && f !== './');
  const files = new Set(['schemas/techdocs-policy.json', DEFAULT_API_CHANGE_POLICY.ruleset, ...configs.flatMap(c => (c.found ? [posix.normalize(c.apiChanges.ruleset), ...(c.baseline ? [posix.normalize(c.baseline)] : [])] : []))]);
  const inPolicies = (file: string) => file.endsWith('.json') && policyFolders.some(f => file.startsWith(f) && !file.slice(f.length).includes('/'));
  return changedFiles.filter(file => files.has(file) || file.startsWith('schemas/template-policy/') || inPolicies(file));
}

/**
 * One `config-weakened` finding on each changed policy file (changedPolicyFiles; at most 20): a warning when
 * the pull request changes only config and policy files (`configAlone`), else an error. Pure.
 */
export function policyFilesChanged(policyFiles: readonly string[], configAlone = false): Diagnostic[] {
  return policyFiles.slice(0, 20).map(file => ({
    ruleId: 'config-weakened',
    severity: configAlone ? ('warning' as const) : ('error' as const),
    message: configAlone
      ? 'This pull request changes a file the gate reads its own rules from (TechDocs, template, org or API lint policy, or the baseline of known findings), and nothing else: once merged, every later pull request is judged by it as written here.'
      : 'This pull request changes a file the gate reads its own rules from (TechDocs, template, org or API lint policy, or the baseline of known findings) and other files too: the gate would judge them by the policy as this pull request writes it, which nobody has approved yet.',
    hint: configAlone
      ? 'The platform team reviews the policy files (CODEOWNERS): approve only a change meant to widen what the gate allows.'
      : 'Change the policy file in a pull request of its own: the platform team (CODEOWNERS) approves it there, and later changes are judged under it.',
    file,
    range: FILE_START,
  }));
}

/**
 * The rules `head` makes the gate report lower than `base` does, as sentences. Each rule's severity is the one
 * the gate applies (applyRuleSettings): its own setting, else its family's (`policy` covers `policy/…`), else
 * its default: the registries', an org policy's x-severity (`policies`), else error (an id that names
 * nothing the head reports: a typo, or a policy the pull request removes, which policyFilesChanged names).
 * Before, a family setting removed (`policy: error` over policies of x-severity warning) or a policy's
 * setting dropped compared as error both times and passed unnamed. The policies of a family either side sets
 * are compared one by one; locked rules are left to config-rule-locked. Pure.
 */
function loweredRules(base: GitopsConfig['rules'], head: GitopsConfig['rules'], policies: ReadonlyMap<string, Severity>): string[] {
  const family = (id: string) => id.split('/')[0];
  const setting = (rules: GitopsConfig['rules'], id: string) => (Object.hasOwn(rules, id) ? rules[id] : undefined);
  const registered = (id: string) => [catalogRules, templateRules, configRules, scorecardRules, apiRules].map(r => r.get(id)).find(Boolean)?.severity;
  const known = (id: string) => policies.get(id) ?? registered(id);
  const applied = (rules: GitopsConfig['rules'], id: string): Severity | 'off' => setting(rules, id) ?? setting(rules, family(id)) ?? known(id) ?? 'error';
  // A family key with policies behind it (and no rule of its own) is said through them, each naming its change.
  const families = new Set([...policies.keys()].map(family).filter(f => !policies.has(f) && !registered(f)));
  const ids = new Set([...Object.keys(base), ...Object.keys(head), ...[...policies.keys()].filter(id => Object.hasOwn(base, family(id)) || Object.hasOwn(head, family(id)))]);
  const found: string[] = [];
  for (const id of ids) {
    if (LOCKED_RULES.has(id) || families.has(id)) continue;
    const [before, after] = [applied(base, id), applied(head, id)];
    if (RANK[after] >= RANK[before]) continue;
    const through = setting(head, id) === undefined && setting(head, family(id)) !== undefined ? family(id) : undefined;
    found.push(setting(head, id) !== undefined ? `rules.${id} is set to ${shown(after)} (was ${shown(before)})` : through ? `rules.${through} sets ${id} to ${shown(after)} (was ${shown(before)})` : `rules.${id} is no longer set: back to ${shown(after)} (was ${shown(before)})`);
  }
  return found;
}

function weakening(what: string, configAlone: boolean): Diagnostic {
  return configAlone
    ? {
        ruleId: 'config-weakened',
        severity: 'warning',
        message: `Compared with the base revision, ${what}. This pull request changes nothing but the config and policy files, so nothing in it is judged under the loosened config; once merged, every later pull request is.`,
        hint: 'The platform team reviews gitops.config.yaml (CODEOWNERS): approve only a change meant to loosen the gate.',
        file: 'gitops.config.yaml',
        range: FILE_START,
      }
    : {
        ruleId: 'config-weakened',
        severity: 'error',
        message: `Compared with the base revision, ${what}. This pull request also changes other files, and the gate would judge them under the loosened config that nobody has approved yet.`,
        hint: 'Keep the base revision\'s setting here. To loosen the gate on purpose, change gitops.config.yaml in a pull request of its own: the platform team (CODEOWNERS) approves it there, and later changes are judged under it.',
        file: 'gitops.config.yaml',
        range: FILE_START,
      };
}

// The settings of the managed Backstage's app-config the gate takes rules from: catalog.rules and each
// location's rules (which kinds an origin may hold: catalog-rule-denied), catalog.providers (the references
// an org provider brings in resolve) and techdocs.generator (the plugins and keys TechDocs' sanitizer keeps,
// the plugins every site gets).
const APP_CONFIG_RULE_KEYS = [['catalog', 'rules'], ['catalog', 'locations'], ['catalog', 'providers'], ['techdocs', 'generator']] as const;

/** The app-config files a config names (catalog.appConfig, backstageConfig.files), as normalized repo paths. */
export function appConfigFiles(config: GitopsConfig): string[] {
  return config.found ? [...(config.catalog.appConfig ? [config.catalog.appConfig] : []), ...(config.backstageConfig?.files ?? [])].map(f => posix.normalize(f)) : [];
}

/**
 * The app-config files (catalog.appConfig and backstageConfig.files of either config) whose settings the gate
 * takes rules from (APP_CONFIG_RULE_KEYS) differ between the base revision and the head, each with the keys
 * that differ. `read(side, file)` gives a file's parsed value, or undefined when it is missing or does not
 * parse (compared as having none of the keys). The caller decides what a value is: the gate passes each file
 * as config-loader resolves it (an included file's settings compared by their content). Pure.
 */
export function appConfigRulesChanged(base: GitopsConfig, head: GitopsConfig, read: (side: 'base' | 'head', file: string) => unknown): { file: string; keys: string[] }[] {
  const filesOf = appConfigFiles;
  const at = (value: unknown, path: readonly string[]) => path.reduce<unknown>((v, k) => (isMap(v) && Object.hasOwn(v, k) ? v[k] : undefined), value);
  return [...new Set([...filesOf(base), ...filesOf(head)])].flatMap(file => {
    const [before, after] = [read('base', file), read('head', file)];
    const keys = APP_CONFIG_RULE_KEYS.filter(path => key(at(before, path)) !== key(at(after, path))).map(path => path.join('.'));
    return keys.length ? [{ file, keys }] : [];
  });
}

/**
 * One `config-weakened` finding on each app-config file appConfigRulesChanged names (at most 20): a warning when
 * the pull request changes only config and policy files (`configAlone`), else an error. Pure.
 */
export function appConfigRulesFindings(changed: readonly { file: string; keys: string[] }[], configAlone = false): Diagnostic[] {
  return changed.slice(0, 20).map(({ file, keys }) => ({
    ruleId: 'config-weakened',
    severity: configAlone ? ('warning' as const) : ('error' as const),
    message: `Compared with the base revision, this app-config's ${keys.join(', ')} ${keys.length === 1 ? 'changes' : 'change'}: the gate takes rules from ${keys.length === 1 ? 'it' : 'them'} (which kinds a location may hold, which references an org provider brings in, what TechDocs keeps of a site's mkdocs.yml). ${configAlone ? 'This pull request changes nothing but config and policy files; once merged, every later pull request is judged by them.' : 'This pull request also changes other files, and the gate would judge them by these settings as it writes them, which nobody has approved yet.'}`,
    hint: configAlone
      ? 'The platform team reviews the managed Backstage\'s config (CODEOWNERS): approve only a change meant to widen what the gate allows.'
      : 'Change these app-config settings in a pull request of its own: the platform team (CODEOWNERS) approves it there, and later changes are judged under it.',
    file,
    range: FILE_START,
  }));
}
