import { createRequire } from 'node:module';
import { closest, distance } from 'fastest-levenshtein';
import { Rule } from 'json-rules-engine';
import type { Diagnostic } from '../diagnostic.ts';
import type { PathSegment } from '../load/yamlPath.ts';
import { referencedFacts, SCHEMA_ROW_KEYS } from './evaluateChecks.ts';
import type { Condition, Located, ScorecardData } from './model.ts';
import { ignoredBranches } from './readCondition.ts';
import { jsonPathProblem, unboundedJsonPath } from './jsonPathProblem.ts';

const OPERATORS = ['equal', 'notEqual', 'in', 'notIn', 'contains', 'doesNotContain', 'lessThan', 'lessThanInclusive', 'greaterThan', 'greaterThanInclusive'];
const DECORATORS = ['not', 'swap', 'someFact', 'everyFact', 'someValue', 'everyValue'];

/** "Did you mean X? " for a name a few letters from one of `known` (a misspelt fact, check or retriever id), else ''. */
function didYouMean(name: string, known: Iterable<string>): string {
  const names = [...known];
  if (names.length === 0) return '';
  const guess = closest(name, names);
  return distance(name.toLowerCase(), guess.toLowerCase()) <= Math.max(2, Math.floor(name.length / 3)) ? `Did you mean ${guess}? ` : '';
}

/** The path of the first condition in `top` whose `fact` is `name`, else undefined. */
function factPath(top: Condition, name: string): PathSegment[] | undefined {
  let found: PathSegment[] | undefined;
  walk(top, ['rule', 'conditions'], (node, path) => {
    if (!found && node.fact === name) found = [...path, 'fact'];
  });
  return found;
}

function at(located: Located<unknown>, path: PathSegment[], ruleId: string, message: string, hint: string, severity: Diagnostic['severity'] = 'error'): Diagnostic {
  return { ruleId, severity, message, hint, file: located.source.file, range: located.source.locate(located.document, path) };
}

/** scorecard-exemption-unknown at an exemption's entityRef when `knownEntityRefs` (the catalog's refs) lacks it. */
function unknownEntity(located: ScorecardData['exemptions'][number], knownEntityRefs: ReadonlySet<string>): Diagnostic | undefined {
  const exemption = located.value;
  if (knownEntityRefs.has(exemption.entityRef)) return undefined;
  return at(located, ['entityRef'], 'scorecard-exemption-unknown', `Exemption ${exemption.id} names ${exemption.entityRef}, which is not in the catalog.`, 'Fix the entity ref or delete the exemption.');
}

/**
 * The exemptions whose entity the catalog (`knownEntityRefs`, lower-cased refs) does not hold: one
 * scorecard-exemption-unknown each, at its entityRef, as lintScorecards says them. `check <paths>` runs this
 * alone against the whole catalog when the given files change what the catalog defines (an exempted entity
 * renamed or removed).
 */
export function unknownExemptedEntities(data: ScorecardData, knownEntityRefs: ReadonlySet<string>): Diagnostic[] {
  return data.exemptions.map(located => unknownEntity(located, knownEntityRefs)).filter((d): d is Diagnostic => d !== undefined);
}

/**
 * What jsonfc would only warn about at start-up (or silently mis-evaluate), and references between
 * scorecard documents, checked before anything is deployed. `today` is an ISO date.
 */
export function lintScorecards(data: ScorecardData, knownEntityRefs: ReadonlySet<string>, today: string): Diagnostic[] {
  const found: Diagnostic[] = [];
  const config = data.config?.value;
  if (!data.config) {
    found.push({ ruleId: 'scorecard-schema', severity: 'error', message: 'scorecards/config.yaml (kind ScorecardConfig) is missing.', hint: 'Add it with the target jsonfc version, the level ladder and the output file.', file: 'scorecards/config.yaml', range: { start: { line: 1, column: 1 }, end: { line: 1, column: 1 } } });
  }
  const levels = new Set(config?.levels.map(l => l.id) ?? []);
  const retrievers = new Map(data.retrievers.map(r => [r.value.id, r.value]));
  for (const located of data.retrievers) {
    found.push(...includeKeys(located.value.deploy, ['deploy'], located));
    if (located.value.deploy) found.push(...unreadableKey(located.value.id, located));
  }
  const checkIds = new Set<string>();
  for (const located of data.checks) {
    for (const key of ['metadata', 'filter', 'links', 'rule'] as const) found.push(...includeKeys(located.value[key], [key], located));
    const check = located.value;
    if (checkIds.has(check.id)) found.push(at(located, ['id'], 'scorecard-duplicate-id', `Check id ${check.id} is defined twice.`, 'Check ids become app-config keys and must be unique.'));
    checkIds.add(check.id);
    if (!levels.has(check.level)) found.push(at(located, ['level'], 'scorecard-unknown-level', `Level '${check.level}' is not in the ladder (${[...levels].join(', ')}).`, 'Use a level id from scorecards/config.yaml.'));
    const own = new Set<string>();
    check.factIds.forEach((id, i) => {
      const retriever = retrievers.get(id);
      if (!retriever) found.push(at(located, ['factIds', i], 'scorecard-unknown-fact', `Fact retriever ${id} is not declared under scorecards/facts/.`, `${didYouMean(id, retrievers.keys())}Declare the retriever and its fact schema, or fix the id.`));
      else Object.keys(retriever.schema).forEach(name => own.add(name));
    });
    for (const name of referencedFacts(check.rule.conditions)) {
      if (own.has(name)) continue;
      // The retriever that does define it, when another one does: the fix is then factIds, not the name.
      const provider = data.retrievers.find(r => Object.hasOwn(r.value.schema, name))?.value.id;
      const hint = provider ? `${provider} defines ${name}: add it to factIds.` : `${didYouMean(name, own)}Fix the fact's name, or add the retriever that provides it to factIds (the facts each one defines are its schema under scorecards/facts/).`;
      // A key of the stored schema row counts as defined (SCHEMA_ROW_KEYS): no throw, but no retriever publishes it.
      const consequence = SCHEMA_ROW_KEYS.includes(name) && check.factIds.some(id => retrievers.has(id))
        ? `Tech Insights counts '${name}' as defined (a key of every stored schema row), so no entity fails, but the check never applies unless some retriever publishes a fact of that name`
        : 'Tech Insights would fail every entity with "Not all facts are defined"';
      found.push(at(located, factPath(check.rule.conditions, name) ?? ['rule', 'conditions'], 'scorecard-unknown-fact', `Fact '${name}' is not in the schemas of this check's factIds (${check.factIds.join(', ')}); ${consequence}.`, hint));
    }
    if (check.filter && config && !config.target.features.checkFilter) {
      found.push(at(located, ['filter'], 'scorecard-unsupported', `Check filters need a newer jsonfc than ${config.target.jsonfc}.`, 'Remove the filter or raise target.jsonfc once the managed Backstage is upgraded.'));
    }
    if (Array.isArray(check.filter)) {
      found.push(at(located, ['filter'], 'scorecard-unsupported', "A check's filter must be one mapping: jsonfc reads it with getOptionalConfig, and a list stops the tech-insights plugin, and with it the whole backend, at start-up (\"Invalid type in config for key …filter, got array, wanted object\").", 'Use one mapping; a list under one key already means any of (`filter: { kind: [user, group] }`). For alternatives across keys, split the check in two.'));
    }
    found.push(...refusedPriority(check.rule.priority, located));
    const top = check.rule.conditions;
    if (!top.all && !top.any) found.push(at(located, ['rule', 'conditions'], 'scorecard-unsupported', 'The top-level condition must be `all` or `any`; jsonfc rejects a top-level `not` or fact.', 'Wrap it: `all: [ … ]`.'));
    walk(top, ['rule', 'conditions'], (node, path) => found.push(...lintCondition(node, path, located, config?.target.features.operatorDecorators ?? false, retrievers, check.factIds)));
  }
  const scorecardIds = new Set(data.scorecards.map(s => s.value.id));
  for (const located of data.scorecards) {
    located.value.checks.forEach((id, i) => {
      if (!checkIds.has(id)) found.push(at(located, ['checks', i], 'scorecard-unknown-check', `Scorecard ${located.value.id} lists unknown check ${id}.`, `${didYouMean(id, checkIds)}Use a check id from scorecards/checks/.`));
    });
  }
  for (const located of data.exemptions) {
    const exemption = located.value;
    if (exemption.expires < today) found.push(at(located, ['expires'], 'scorecard-exemption-expired', `Exemption ${exemption.id} expired on ${exemption.expires}.`, 'Fix the entity and delete the exemption, or renew it with a new approval.'));
    // An exemption applies from the day it is merged until `expires` (scoreCatalog reads no start date): its
    // length counts from `created` or today, whichever is earlier, so a `created` written in the future does
    // not stretch it (created 2028-01-01, expires 2028-06-28 is 180 days on paper and 19 months from now).
    const start = exemption.created > today ? today : exemption.created;
    const days = (Date.parse(exemption.expires) - Date.parse(start)) / 86_400_000;
    if (config && days > config.maxExemptionDays) {
      const future = start !== exemption.created ? ` from today (${today}): it applies from the day it is merged, and created ${exemption.created} is later than that` : '';
      found.push(at(located, ['expires'], 'scorecard-exemption-too-long', `Exemption ${exemption.id} runs ${days} days${future}; the maximum is ${config.maxExemptionDays}.`, future ? 'Write the day it is approved as created, and an expiry within the maximum from it.' : 'Shorten it; renew it later if still needed.'));
    }
    const unknown = unknownEntity(located, knownEntityRefs);
    if (unknown) found.push(unknown);
    exemption.checks.forEach((id, i) => {
      if (id !== '*' && !checkIds.has(id)) found.push(at(located, ['checks', i], 'scorecard-exemption-unknown', `Exemption ${exemption.id} names unknown check ${id}.`, `${didYouMean(id, checkIds)}Use a check id from scorecards/checks/.`));
    });
  }
  for (const located of data.initiatives) {
    located.value.checks.forEach((id, i) => {
      if (!checkIds.has(id)) found.push(at(located, ['checks', i], 'scorecard-unknown-check', `Initiative ${located.value.id} lists unknown check ${id}.`, `${didYouMean(id, checkIds)}Use a check id from scorecards/checks/.`));
    });
    if (located.value.scorecard && !scorecardIds.has(located.value.scorecard)) found.push(at(located, ['scorecard'], 'scorecard-unknown-check', `Initiative ${located.value.id} names unknown scorecard ${located.value.scorecard}.`, `${didYouMean(located.value.scorecard, scorecardIds)}Use a scorecard id from scorecards/scorecards/.`));
  }
  return found;
}

/**
 * The text keys of a condition that jsonfc's config reader reads with Backstage's getString or
 * getOptionalString (readRuleConditionProperties: fact, operator, path, name of a leaf; readRuleTopLevelCondition:
 * name of a group): ConfigReader refuses an empty string or a value of another type there, so the reader throws
 * and the tech-insights plugin, with the whole backend, fails at start-up (measured with jsonfc 0.10.0's
 * JsonRulesEngineFactCheckerFactory.fromConfig). A missing or null optional key is read as absent. Takes the
 * node, its path and its file; returns one scorecard-unsupported finding per such key.
 */
function unreadableText(node: Condition, path: PathSegment[], located: Located<unknown>): Diagnostic[] {
  const keys = Object.hasOwn(node, 'fact') ? (['fact', 'operator', 'path', 'name'] as const) : (['name'] as const);
  const found: Diagnostic[] = [];
  for (const key of keys) {
    const value: unknown = node[key];
    if (value === undefined || value === null || (typeof value === 'string' && value !== '')) continue;
    const what = value === '' ? 'is empty' : `is ${Array.isArray(value) ? 'a list' : `a ${typeof value}`}, not text`;
    found.push(at(located, [...path, key], 'scorecard-unsupported', `\`${key}\` ${what}: jsonfc reads it with Backstage's config reader, which refuses ${value === '' ? 'empty strings' : 'anything but text'} here, and the tech-insights plugin, with the whole backend, fails at start-up.`, key === 'fact' ? "Give the fact's name." : key === 'operator' ? 'Give the operator.' : `Give the ${key} as text, or remove it.`));
  }
  return found;
}

/**
 * A rule priority json-rules-engine refuses. jsonfc passes `rule.priority` (read with getOptionalNumber) to
 * `engine.addRule` for every entity whose facts the check has, outside its try, and json-rules-engine's Rule
 * constructor (`priority || 1`, then setPriority: parseInt, refused when <= 0) throws "Priority must be
 * greater than zero": Tech Insights fails every such entity. Asks json-rules-engine's own Rule rather than
 * copying its rule (so 0, read as 1, passes, and -1 or 0.5 do not). Takes the priority as written and its
 * file; returns one scorecard-unsupported finding at `rule.priority`, or none.
 */
function refusedPriority(priority: unknown, located: Located<unknown>): Diagnostic[] {
  if (priority === undefined || priority === null) return [];
  try {
    new Rule({ conditions: { all: [] }, priority: priority as number, event: { type: 'lint' } });
    return [];
  } catch (error) {
    const reason = String((error as Error).message ?? error).slice(0, 200);
    return [at(located, ['rule', 'priority'], 'scorecard-unsupported', `rule.priority ${JSON.stringify(priority).slice(0, 40)} is refused by json-rules-engine ("${reason}"): Tech Insights fails every entity this check runs for.`, 'Give a whole number of 1 or more (higher runs sooner), or remove it (default 1).')];
  }
}

const require = createRequire(import.meta.url);

/**
 * A deployed fact retriever's id that the Tech Insights backend cannot read its deploy settings under.
 * `--write-config` writes them at `techInsights.factRetrievers.<id>`, and the backend reads them with
 * `config.getOptionalConfig(\`techInsights.factRetrievers.${name}\`)` (readFactRetrieverConfig): Backstage's
 * ConfigReader splits that path at dots (so `a.b` reads `a` → `b`: the settings are never found and the
 * retriever never runs) and refuses a part outside its key pattern with "Invalid config key" (`$file`,
 * `$env`, `$include` also make the whole object an include for the config loader, which then fails to load
 * app-config). Asks ConfigReader itself, not a copy of its pattern. Takes the id and its file; returns one
 * scorecard-unsupported finding at `id`, or none.
 */
function unreadableKey(id: string, located: Located<unknown>): Diagnostic[] {
  const { ConfigReader } = require('@backstage/config') as typeof import('@backstage/config');
  let refused = id.includes('.');
  try {
    new ConfigReader({ [id]: {} }).getOptionalConfig(id);
  } catch {
    refused = true;
  }
  return refused ? [at(located, ['id'], 'scorecard-unsupported', `The id ${JSON.stringify(id).slice(0, 80)} becomes the app-config key techInsights.factRetrievers.<id> its deploy settings are written under, which the Tech Insights backend cannot read back: Backstage's config reader splits a key at dots and refuses characters outside letters, digits, '-', '_' and ':' (a $file, $env or $include key makes the object an include, and app-config does not load).`, 'Use letters and digits (with -, _ or : between them), as the retriever registers itself in the backend.')] : [];
}

// config-loader's include transform (sources/transform/include.ts, INCLUDE_KEYS): not exported.
const INCLUDE_KEYS = ['$file', '$env', '$include'];

/**
 * Keys of a value that `scorecards --write-config` copies into app-config which Backstage's config loader
 * would not read as data: an object with a `$file`, `$env` or `$include` key is an include (config-loader's
 * include transform) and is replaced by a file's text, a variable or another file, or fails the whole
 * config load ("should not have adjacent keys", "include value is not a string"). Unlike `${…}` in strings
 * (written as `$${…}`) app-config has no escape for such a key, so it is refused where it is written.
 * Takes the value, its path in the document and its file; returns one scorecard-unsupported finding per key.
 */
function includeKeys(value: unknown, path: PathSegment[], located: Located<unknown>): Diagnostic[] {
  if (value === null || typeof value !== 'object') return [];
  if (Array.isArray(value)) return value.flatMap((item, i) => includeKeys(item, [...path, i], located));
  const found: Diagnostic[] = [];
  for (const [key, child] of Object.entries(value)) {
    if (INCLUDE_KEYS.includes(key)) {
      found.push({ ...at(located, [...path, key], 'scorecard-unsupported', `The key \`${key}\` cannot reach Tech Insights: Backstage's config loader reads an object with a $file, $env or $include key as an include and puts a file's text, a variable or another file in its place (or fails to load app-config when the object has other keys), and app-config has no escape for such a key.`, 'Rename the key; only these three exact names are read this way.'), range: located.source.locate(located.document, [...path, key], { key: true }) });
    }
    found.push(...includeKeys(child, [...path, key], located));
  }
  return found;
}

function walk(node: Condition, path: PathSegment[], visit: (node: Condition, path: PathSegment[]) => void) {
  visit(node, path);
  node.all?.forEach((c, i) => walk(c, [...path, 'all', i], visit));
  node.any?.forEach((c, i) => walk(c, [...path, 'any', i], visit));
  if (node.not) walk(node.not, [...path, 'not'], visit);
}

function lintCondition(node: Condition, path: PathSegment[], located: Located<unknown>, decorators: boolean, retrievers: Map<string, { schema: Record<string, { type: string }> }>, factIds: string[]): Diagnostic[] {
  const found: Diagnostic[] = [];
  if ((node.all && node.all.length === 0) || (node.any && node.any.length === 0)) {
    found.push(at(located, path, 'scorecard-rule-trap', 'An empty `all` or `any` is always true in json-rules-engine.', 'Add conditions or remove the empty group.'));
  }
  for (const key of ignoredBranches(node)) {
    const kept = Object.hasOwn(node, 'fact') ? '`fact`' : `\`${(['all', 'any', 'not'] as const).find(k => Object.hasOwn(node, k))}\``;
    found.push({ ...at(located, [...path, key], 'scorecard-unsupported', `Tech Insights ignores this \`${key}\`: jsonfc's config reader keeps only ${kept} in a condition that has both (json-rules-engine alone would keep \`any\`), so the deployed check is not the one written here.`, `Give each group its own condition: \`all: [ { any: [ … ] }, … ]\`.`), range: located.source.locate(located.document, [...path, key], { key: true }) });
  }
  if (!Object.hasOwn(node, 'fact') && !['all', 'any', 'not'].some(k => Object.hasOwn(node, k))) {
    found.push(at(located, path, 'scorecard-unsupported', Object.hasOwn(node, 'condition') ? 'A named-condition reference: jsonfc registers no named conditions, so every entity fails with "No condition … exists".' : 'A condition with neither `fact` nor `all`, `any` or `not`: jsonfc cannot read it and the tech-insights plugin fails at start-up.', 'Write a fact condition (`fact`, `operator`, `value`) or a group (`all`, `any`, `not`).'));
  }
  found.push(...unreadableText(node, path, located));
  if (node.fact === undefined) return found;
  const retrieverId = node.params?.factRetrieverId;
  if (typeof retrieverId === 'string' && !factIds.includes(retrieverId)) {
    found.push(at(located, [...path, 'params', 'factRetrieverId'], 'scorecard-unsupported', `params.factRetrieverId '${retrieverId}' is not in this check's factIds (${factIds.join(', ')}): jsonfc skips the check on every entity.`, `Add ${retrieverId} to factIds or fix the id.`));
  }
  const parts = (node.operator ?? '').split(':');
  const base = parts.pop()!;
  if (!OPERATORS.includes(base) || parts.some(p => !DECORATORS.includes(p)) || (parts.length > 0 && !decorators)) {
    found.push(at(located, [...path, 'operator'], 'scorecard-unsupported', `Operator '${node.operator}' is not one jsonfc's engine knows${parts.length && !decorators ? ' (decorators need json-rules-engine 6.6+)' : ''}.`, `Use one of ${OPERATORS.join(', ')}.`));
  }
  if (!('value' in node) || node.value === null) {
    found.push(at(located, path, 'scorecard-unsupported', 'A condition needs a non-null `value`.', 'Compare with a string, number, boolean, list or object.'));
  }
  const valueFact = factOfValue(node.value);
  if (valueFact !== undefined && !ownFacts(retrievers, factIds).has(String(valueFact))) {
    found.push(at(located, [...path, 'value', 'fact'], 'scorecard-unsupported', `\`value: { fact: ${JSON.stringify(valueFact).slice(0, 60)} }\` compares with a fact that is not in the schemas of this check's factIds (${factIds.join(', ')}): json-rules-engine throws "Undefined fact" and Tech Insights fails every entity this check runs for.`, "Add the retriever that provides it to factIds, fix the fact's name, or compare with a plain value."));
  }
  if ((base === 'in' || base === 'notIn') && typeof node.value === 'string') {
    found.push(at(located, [...path, 'value'], 'scorecard-rule-trap', `'${base}' with a string value is a substring test ('duct' in 'production' is true).`, 'Give the allowed values as a list.'));
  }
  found.push(...refusedPath(node.path, [...path, 'path'], located));
  if (valueFact !== undefined) found.push(...refusedPath((node.value as { path?: unknown }).path, [...path, 'value', 'path'], located));
  const type = factIds.map(id => retrievers.get(id)?.schema[node.fact!]?.type).find(Boolean);
  if (node.path && type && type !== 'object') {
    found.push(at(located, [...path, 'path'], 'scorecard-rule-trap', `A JSONPath only applies to object facts; '${node.fact}' is ${type}.`, 'Remove the path.'));
  }
  const trap = type && !node.path && !parts.some(p => p === 'someFact' || p === 'everyFact') ? operatorTrap(base, node.fact, type) : undefined;
  if (trap) found.push(at(located, path, 'scorecard-rule-trap', trap.message, trap.hint));
  if (type && ['string', 'boolean'].includes(type) && /^(lessThan|greaterThan)/.test(base)) {
    found.push(at(located, [...path, 'operator'], 'scorecard-rule-trap', type === 'boolean' ? `'${base}' on a boolean fact is always false: json-rules-engine's numeric operators first need a fact parseFloat can read.` : `'${base}' on a string fact compares as text or fails ('10' < '9').`, type === 'boolean' ? "Compare a boolean with 'equal'." : 'Publish a numeric fact and compare that.'));
  }
  return found;
}

/**
 * A JSONPath (a condition's `path`, or a fact-to-fact value's) that jsonpath-plus throws on when an entity's
 * fact reaches its filter or script (jsonPathProblem): json-rules-engine lets the error fail the rule, so
 * Tech Insights fails every entity whose fact has the key, and the golden cases pass while none does.
 * Takes the path as written (anything but a non-empty string is another finding's), its place and file;
 * returns one scorecard-unsupported finding at it, or none.
 */
function refusedPath(value: unknown, path: PathSegment[], located: Located<unknown>): Diagnostic[] {
  if (typeof value !== 'string' || value === '') return [];
  const unbounded = unboundedJsonPath(value);
  if (unbounded) {
    return [at(located, path, 'scorecard-path-unbounded', `JSONPath ${JSON.stringify(value.length > 120 ? `${value.slice(0, 120)}…` : value)} can cost far more than the fact it reads: ${unbounded}. jsonpath-plus runs it without a time or memory bound on every entity's fact, so Tech Insights' backend (and this gate) would stall on it; the check is not evaluated here.`, "Keep filters to comparisons of @, @root, @parent or @property with quoted text or numbers, e.g. $.items[?(@.type == 'service')]; for text tests use includes, startsWith or endsWith. Descend recursively (..) once at most and name the levels after it, e.g. $..items[*].name.")];
  }
  const problem = jsonPathProblem(value);
  if (!problem) return [];
  return [at(located, path, 'scorecard-unsupported', `JSONPath ${JSON.stringify(value.length > 120 ? `${value.slice(0, 120)}…` : value)} throws in jsonpath-plus on the first entity whose fact reaches it: ${problem}. json-rules-engine lets that fail the rule, so Tech Insights fails those entities.`, "Fix the filter: compare @ (the element), @root, @parent or @property with quoted text or numbers, e.g. $.items[?(@.type == 'service')].")];
}

/**
 * The fact a condition's value names, as json-rules-engine's Almanac.getValue reads it: a non-null object
 * (a list too) with an own `fact` key is a fact-to-fact comparison, resolved like the left-hand fact.
 */
function factOfValue(value: unknown): unknown {
  return value !== null && typeof value === 'object' && Object.hasOwn(value, 'fact') ? (value as { fact: unknown }).fact : undefined;
}

function ownFacts(retrievers: Map<string, { schema: Record<string, unknown> }>, factIds: string[]): Set<string> {
  return new Set(factIds.flatMap(id => Object.keys(retrievers.get(id)?.schema ?? {})));
}

/**
 * Conditions json-rules-engine 7 can never satisfy as written, by the fact's schema type (Tech Insights:
 * `set` is a list): `in`/`notIn` test `value.indexOf(fact)`, and a list fact is never `===` one listed
 * value; `contains`/`doesNotContain` first require the fact to be an array and are false for both otherwise.
 */
function operatorTrap(operator: string, fact: string, type: string): { message: string; hint: string } | undefined {
  if ((operator === 'in' || operator === 'notIn') && type === 'set') {
    return {
      message: `'${operator}' asks whether the fact is one of the listed values (value.indexOf(fact)); '${fact}' is a set (a list), and a list never equals one value, so '${operator}' is always ${operator === 'in' ? 'false' : 'true'} here.`,
      hint: `To ask whether the list holds a value use 'contains' (or 'someFact:in' with the allowed values).`,
    };
  }
  if ((operator === 'contains' || operator === 'doesNotContain') && type !== 'set' && type !== 'object') {
    return {
      message: `'${operator}' only looks inside a list fact and is false for anything else; '${fact}' is ${type === 'integer' ? 'an' : 'a'} ${type}, so this condition is never true.`,
      hint: type === 'string' ? `To match one of several values use 'in' with a list value, or 'equal'.` : `Compare with 'equal' or a numeric operator.`,
    };
  }
  return undefined;
}
