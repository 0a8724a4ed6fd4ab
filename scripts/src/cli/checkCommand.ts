import { existsSync, readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { join, resolve } from 'node:path';
import type { CatalogEntity } from '../catalog/catalogEntity.ts';
import { checkCatalog } from '../catalog/checkCatalog.ts';
import { cacheKey } from '../cache/cacheKey.ts';
import { readCacheFile, ResultCache, writeCacheFile } from '../cache/resultCache.ts';
import { logText } from '../report/safeText.ts';
import { codeownersFor, codeownersGate } from '../codeowners/codeownersGate.ts';
import { editorSchemaFor, editorSchemaGate } from '../schema/editorSchema.ts';
import { backstageConfigGate } from '../backstageConfig/backstageConfigGate.ts';
import { discoverTemplateFiles, templateFiles, templateGate } from '../templates/templateGate.ts';
import { checkoutBase, hasScorecards, loadEntities, runScorecards, touchedEntities } from '../scorecards/prepareScorecards.ts';
import { catalogRules } from '../catalog/catalogRules.ts';
import { LOCKED_RULES, lockedRuleSettings } from '../config/lockedRules.ts';
import { policyRules } from '../catalog/checkPolicies.ts';
import { scorecardRules } from '../scorecards/scorecardRules.ts';
import { apiRules } from '../pr/apiRules.ts';
import { templateRules } from '../templates/templateRules.ts';
import { referencesOf } from '../catalog/checkReferences.ts';
import { fetchKnownRefs } from '../catalog/liveCatalog.ts';
import { loadPolicies, prepareCatalogCheck } from '../catalog/prepareCatalogCheck.ts';
import type { ReaderSetting } from '../load/loadCatalog.ts';
import { CONFIG_FILE, loadConfig, UsageError, type GitopsConfig, repoRoot } from '../config/gitopsConfig.ts';
import { isAtLeast, SEVERITIES, type Diagnostic, type Severity } from '../diagnostic.ts';
import { formatters } from '../report/formatters.ts';
import { summaryLine } from '../report/formatStylish.ts';
import { baseUrlFlag, connectionProblem } from './backstageUrl.ts';
import { hideSecrets, OUTPUT_KINDS, refuseUrlCredentials, wantsColor, type CliIo } from './io.ts';
import { version } from './version.ts';

export const CHECK_HELP = `Usage: backstage-gitops check [paths…] [options]

Runs the catalog gate. Without paths it starts at the root Location(s) in gitops.config.yaml
(or, in a folder without that file, every YAML file that looks like an entity). With paths
(files or folders) it checks exactly those and what their Locations reference.

Options:
  --root DIR            repository root holding gitops.config.yaml (default: current folder)
  --format NAME         stylish | json | junit | sarif | markdown | github | azure (repeatable)
  --output FILE         write the matching --format to FILE instead of stdout (repeatable, in order)
  --fail-on SEVERITY    error | warning | info: lowest severity that fails the run (default: config or error)
  --catalog-url URL     also resolve references against a live Backstage (POST /entities/by-refs)
  --token-env NAME      environment variable holding the Backstage token (default: BACKSTAGE_TOKEN)
  --base REF            compare with a git revision: blocking scorecard checks fail for the entities
                        the change adds or edits
  --today YYYY-MM-DD    date for exemption expiry, enableOn and initiative due dates (default: today)
  --cache FILE          keep per-file results in FILE and reuse them for files whose text is unchanged
                        (checks across entities always run); a stale or corrupt FILE is ignored.
                        Default: $BACKSTAGE_GITOPS_CACHE when set (CI keeps the file between runs)
  --list-rules          print every rule with an example and exit
  --color / --no-color  force colours on or off (default: on for a TTY unless NO_COLOR is set)
  -h, --help            show this help

Exit codes: 0 clean, 1 findings at or above --fail-on, 2 usage or tool error.
`;

export async function checkCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      root: { type: 'string' },
      format: { type: 'string', multiple: true },
      output: { type: 'string', multiple: true },
      'fail-on': { type: 'string' },
      'catalog-url': { type: 'string' },
      'token-env': { type: 'string' },
      'list-rules': { type: 'boolean' },
      cache: { type: 'string' },
      base: { type: 'string' },
      today: { type: 'string' },
      color: { type: 'boolean' },
      'no-color': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return io.stdout.write(CHECK_HELP), 0;
  const root = repoRoot(io.cwd, values.root);
  const config = await loadConfig(root);
  if (values['list-rules']) return io.stdout.write(listRules(await loadPolicies(config))), 0;

  const formats = values.format ?? ['stylish'];
  for (const format of formats) if (!formatters[format]) throw new UsageError(`Unknown format '${logText(format)}'; use one of ${Object.keys(formatters).join(', ')}`);
  const outputs = values.output ?? [];
  if (outputs.length > formats.length) throw new UsageError('Give one --format for each --output');
  const failOn = (values['fail-on'] ?? config.failOn) as Severity;
  if (!SEVERITIES.includes(failOn)) throw new UsageError(`--fail-on takes error, warning or info, not '${logText(failOn)}'`);

  // CI sets the variable once for the job, so `report` (which runs this gate) and the adapters use the cache too.
  const cacheName = values.cache ?? (io.env.BACKSTAGE_GITOPS_CACHE || undefined);
  const cacheFile = cacheName === undefined ? undefined : resolve(io.cwd, cacheName);
  const cache = cacheFile === undefined ? undefined : ResultCache.read(readCacheFile(cacheFile), cacheKey(config));
  if (cache?.notice) io.stderr.write(`backstage-gitops check: not using the cache ${logText(cacheName ?? '')}: ${logText(cache.notice)}; it will be rewritten.\n`);
  const input = await prepareCatalogCheck(config, positionals.map(p => resolve(io.cwd, p)), cache, readerSetting(io.env.BACKSTAGE_GITOPS_READER));
  if (!config.found && input.loaded.files.length === 0) {
    throw new UsageError(`${positionals.length ? positionals.join(', ') : root} holds no catalog file (YAML with a backstage.io apiVersion or one of Backstage's kinds) and no ${CONFIG_FILE}: nothing to check. Give the repository's folder, or --root.`);
  }
  let result = await checkCatalog(input);
  if (values['catalog-url']) {
    const known = new Set(result.entities.map(e => e.ref));
    const wanted = [...new Set(result.entities.flatMap(referencesOf).map(r => r.target))].filter(t => !known.has(t));
    const token = io.env[values['token-env'] ?? 'BACKSTAGE_TOKEN'];
    hideSecrets(io, token);
    refuseUrlCredentials(io, values['catalog-url'], '--catalog-url', '--token-env');
    const catalogUrl = baseUrlFlag('--catalog-url', values['catalog-url']);
    let liveRefs;
    try {
      liveRefs = await fetchKnownRefs(catalogUrl, token, wanted, io.fetch);
    } catch (error) {
      if (error instanceof UsageError) throw error;
      throw new UsageError(`--catalog-url: ${connectionProblem(error, catalogUrl).message}`);
    }
    result = await checkCatalog({ ...input, liveRefs });
  }
  if (input.loaded.mode === 'roots') {
    // CODEOWNERS and the editor schema computed from a catalog missing a broken file's entities would
    // call the committed ones stale, and `--write` would make them wrong: the YAML error is the finding.
    const parses = ![...input.loaded.files, ...input.loaded.context].some(f => f.problems.some(p => p.ruleId === 'yaml-syntax'));
    result.diagnostics.push(...(await repoGates(root, config, result.entities, input.loaded.repoFiles, values.base, values.today, parses)));
  } else {
    // Any catalog gets Backstage's template rules on the templates it holds.
    const reported = new Set(input.loaded.files.map(f => f.file));
    result.diagnostics.push(...(await templateGate(root, { files: templateFiles(result.entities).filter(f => reported.has(f)) })));
  }
  if (cache && cacheFile && cache.needsWrite()) writeCacheFile(cacheFile, cache.serialize());
  // A file read both as a catalog file and by a gate of its own (a Template) reports a parse error once.
  const seen = new Set<string>();
  const unique = result.diagnostics.filter(d => {
    const key = `${d.ruleId}\0${d.file}\0${d.range.start.line}:${d.range.start.column}\0${d.message}`;
    return !seen.has(key) && Boolean(seen.add(key));
  });
  const diagnostics = [...applyRuleSettings(unique, config), ...lockedRuleSettings(config)];
  const options = {
    color: wantsColor(io, values['no-color'] ? false : values.color),
    // What was judged: the catalog files and every file a finding names (templates, scorecards, config).
    checkedFiles: new Set([...input.loaded.files.map(f => f.file), ...diagnostics.map(d => d.file)]).size,
    entityCount: result.entities.length,
    rules: [...catalogRules.list(), ...scorecardRules.list(), ...templateRules.list(), ...apiRules.list(), ...policyRules(input.policies)],
    toolName: 'backstage-gitops',
    toolVersion: version,
    sourceRoot: io.env.BUILD_SOURCESDIRECTORY,
  };
  for (const [i, format] of formats.entries()) {
    const target = outputs[i];
    const text = formatters[format](diagnostics, { ...options, color: target ? false : options.color });
    if (target) await io.writeFile(resolve(io.cwd, target), text);
    else io.stdout.write(text, OUTPUT_KINDS[format]);
  }
  // Every report went to a file: the terminal still gets the outcome.
  if (outputs.length === formats.length) io.stderr.write(`${summaryLine(diagnostics, options)}\n`);
  return diagnostics.some(d => isAtLeast(d.severity, failOn)) ? 1 : 0;
}

/** The gates beyond single entities: CODEOWNERS and editor schema freshness (only when every catalog file parses), the Backstage config, the scorecards. */
async function repoGates(root: string, config: GitopsConfig, entities: CatalogEntity[], repoFiles: string[], base?: string, todayFlag?: string, catalogParses = true): Promise<Diagnostic[]> {
  const expected = catalogParses ? codeownersFor(config, entities) : undefined;
  const committedPath = expected && join(root, expected.file);
  const schema = catalogParses ? await editorSchemaFor(config, entities) : undefined;
  const schemaPath = schema && join(root, schema.file);
  const diagnostics = [
    ...codeownersGate(expected, committedPath && existsSync(committedPath) ? readFileSync(committedPath, 'utf8') : undefined),
    ...editorSchemaGate(schema, schemaPath && existsSync(schemaPath) ? readFileSync(schemaPath, 'utf8') : undefined),
    ...(await backstageConfigGate(config)),
    ...(await templateGate(root, { files: [...new Set([...discoverTemplateFiles(root, new Set(repoFiles)), ...templateFiles(entities)])] })),
  ];
  if (!hasScorecards(root)) return diagnostics;
  const today = todayFlag ?? new Date().toISOString().slice(0, 10);
  let touched: Set<string> | undefined;
  if (base) {
    const dir = await checkoutBase(root, base);
    try {
      touched = touchedEntities((await loadEntities(dir)).entities, entities);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
  const run = await runScorecards(root, entities, repoFiles, { today, touched });
  return [...diagnostics, ...run.diagnostics];
}

/**
 * BACKSTAGE_GITOPS_READER (internal, for tests and measurements): `always` has the reader thread read
 * every other catalog file, `never` none; otherwise the catalog's size decides (loadCatalog).
 */
function readerSetting(value: string | undefined): ReaderSetting {
  return value === 'always' || value === 'never' ? value : 'auto';
}

/** Severity overrides from gitops.config.yaml, by rule id or by family (`policy` covers `policy/*`). */
export function applyRuleSettings(diagnostics: readonly Diagnostic[], config: GitopsConfig): Diagnostic[] {
  return diagnostics.flatMap(d => {
    // Security rules cannot be lowered by the config a pull request may change (lockedRuleSettings says so).
    if (LOCKED_RULES.has(d.ruleId)) return [d];
    const setting = config.rules[d.ruleId] ?? config.rules[d.ruleId.split('/')[0]];
    if (setting === 'off') return [];
    return setting ? [{ ...d, severity: setting }] : [d];
  });
}

function listRules(policies: { ruleId: string; severity: Severity; description: string }[]): string {
  const lines = [...catalogRules.list(), ...scorecardRules.list(), ...templateRules.list(), ...apiRules.list()].map(r => `${r.id}  (${r.severity})\n  ${r.description}\n  e.g. ${r.example.replace(/\n/g, '\n       ')}\n`);
  for (const p of policies) lines.push(`${p.ruleId}  (${p.severity}, org policy)\n  ${p.description}\n`);
  return `${lines.join('\n')}`;
}
