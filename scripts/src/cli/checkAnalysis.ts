import { spawnSync } from 'node:child_process';
import { childEnv } from '../process/childEnv.ts';
import { lstatSync, readFileSync, statSync } from 'node:fs';
import { join, posix, relative, resolve, sep } from 'node:path';
import type { CatalogEntity } from '../catalog/catalogEntity.ts';
import { checkCatalog } from '../catalog/checkCatalog.ts';
import { ResultCache } from '../cache/resultCache.ts';
import { discoverTemplateFiles, loadTemplatePolicy, templateFiles } from '../templates/templateFiles.ts';
import { hasScorecards } from '../scorecards/hasScorecards.ts';
import { GITHUB_CODEOWNERS_PATHS } from '../codeowners/githubCodeownersPaths.ts';
import { catalogRules } from '../catalog/catalogRules.ts';
import { policyRules, type CompiledPolicy } from '../catalog/checkPolicies.ts';
import { scorecardRules } from '../scorecards/scorecardRules.ts';
import { apiRules } from '../pr/apiRules.ts';
import { templateRules } from '../templates/templateRules.ts';
import { configRules } from '../backstageConfig/configRules.ts';
import { secretRules } from '../secrets/secretRules.ts';
import { referencesOf } from '../catalog/checkReferences.ts';
import { prepareCatalogCheck } from '../catalog/prepareCatalogCheck.ts';
import type { ReaderSetting } from '../load/loadCatalog.ts';
import { CONFIG_FILE, UsageError, type GitopsConfig } from '../config/gitopsConfig.ts';
import { baselineOnlyFollows, readBaseline, type Baseline } from '../config/baseline.ts';
import { ruleSetting } from '../config/ruleSettings.ts';
import { gitRenames } from '../pr/alreadyOnBase.ts';
import { goneGiven, namingGone } from './goneGiven.ts';
import { wholeRunPaths } from '../config/toolkitFiles.ts';
import { logText } from '../report/safeText.ts';
import { realRepoPath } from '../load/repoPath.ts';
import { readRegularFile } from '../load/readSource.ts';
import { yamlPackage } from '../load/lazyPackages.ts';
import { isAtLeast, type Diagnostic, type Severity } from '../diagnostic.ts';
import type { Rule } from '../rules.ts';
import type { RevisionReads } from '../pr/revisionReads.ts';
import { hideSecrets, refuseUrlCredentials, type CliIo } from './io.ts';
import { affordableYaml } from '../load/yamlNodeBudget.ts';
import { withLf } from '../load/eolConverted.ts';

/** The options of `check` that change what it finds. */
export interface CheckOptions {
  positionals: string[];
  catalogUrl?: string;
  tokenEnv?: string;
  base?: string;
  today?: string;
  /** The base revision's folder and entities, read once: `report` passes its own (shared with the report), else analyseCheck makes one for `base`. */
  reads?: RevisionReads;
  /**
   * Run the gates on the base even when the head has no finding (`report`): what the change fixed is the
   * base's findings the head no longer has, and a pull request that fixes every one has none of its own.
   * `check --base` keeps the shortcut (a clean head pays nothing).
   */
  judgeBase?: boolean;
  /**
   * Scan files for credentials written out (secret-written): 'given', the files under the paths given by name
   * (a pre-commit hook's); 'changed', the files that differ from `base` (the pull request gate). Never the
   * whole repository: a plain `check` does not pay for loading secretlint. The base revision's run never scans.
   */
  secretsIn?: 'given' | 'changed';
  /** What the whole secret scan may take (seconds; SECRET_SCAN_SECONDS when not given): files left are secret-scan-incomplete. */
  secretsSeconds?: number;
}

/** What `check` found, before the config's rule settings. */
export interface CheckAnalysis {
  /**
   * The findings, one list per gate in the order the gates ran (the catalog's first): a problem two gates
   * both report (a Template's YAML error) is one finding only across lists (withoutRepeats).
   */
  byGate: Diagnostic[][];
  /** The catalog files judged (more files count when a finding names them). */
  catalogFiles: string[];
  entityCount: number;
  /** Whether the run read a file in a node_modules folder because something named it (RepoFileSet.namedInstalled). */
  readInstalled: boolean;
  /** Every rule of the registries and the org policies, for the formatters. */
  rules: Rule[];
  /**
   * With --base and at least one finding: the same gates run on the base revision under its own config
   * (`byGate` as above), and the files the change renamed (base path → head path), so that checkCommand can
   * tell the change's findings from those already on the base, and the base's own baseline counts (which of
   * its findings failed there). Absent when the base cannot be judged.
   */
  baseRun?: { byGate: Diagnostic[][]; config: GitopsConfig; renames: Map<string, string>; baseline?: Baseline; entityFiles: Map<string, string>; dir: string; entities: CatalogEntity[] };
  /** Each entity's ref and the file that defines it. */
  entityFiles: Map<string, string>;
  /** The entities judged (for telling findings on entities a pull request did not touch, sameFinding.ts). */
  entities: CatalogEntity[];
}

/**
 * Runs every gate of `check` on the repository at `root`: the catalog (per-file results from `cache`
 * where their text is unchanged), live references with --catalog-url, and in roots mode CODEOWNERS,
 * the editor schema, the Backstage config, templates and scorecards; with `options.base`, what the config
 * loosens against the base revision's (config-weakened). Kept apart from checkCommand so a
 * replayed run (runRecord) never loads the packages these need. Throws UsageError for an empty folder
 * without config and for an unreachable --catalog-url.
 */
export async function analyseCheck(root: string, config: GitopsConfig, options: CheckOptions, io: CliIo, cache?: ResultCache): Promise<CheckAnalysis> {
  // Whoever passes the reads removes the base afterwards (checkCommand, once it has matched the findings).
  if (options.base === undefined || options.reads) return analyse(root, config, options, io, cache);
  // With --base, the base revision is extracted in child processes while this one's catalog is checked.
  const reads = new (await import('../pr/revisionReads.ts')).RevisionReads(root, options.base);
  reads.prefetchBase();
  try {
    return await analyse(root, config, { ...options, reads }, io, cache);
  } finally {
    await reads.dispose();
  }
}

/** analyseCheck with the base revision's reads (`options.reads`) set whenever `options.base` is. */
async function analyse(root: string, config: GitopsConfig, options: CheckOptions, io: CliIo, cache?: ResultCache): Promise<CheckAnalysis> {
  const { positionals } = options;
  // Paths mode loads the whole catalog a second time when a given file holds an entity and a gate generated from
  // every entity is configured (wholeRunOfPaths): without a --cache, the first load's parses and entity findings
  // are then kept in memory for it, and the second parses only what the first did not (10k entities, one entity
  // file given: 2.0 → 1.8 s). Not otherwise: keeping them costs the first load ≈4 %.
  const kept = cache ?? (positionals.length > 0 && mayLoadWhole(root, config) ? ResultCache.inMemory() : undefined);
  const input = await prepareCatalogCheck(config, positionals.map(p => resolve(io.cwd, p)), kept, readerSetting(io.env.BACKSTAGE_GITOPS_READER));
  // Files given by name that are no catalog files (a hook's changed workflow) are fine in a repository that
  // has a catalog; only a folder without any is nothing to check.
  if (!config.found && input.loaded.files.length === 0 && input.loaded.context.length === 0) {
    throw new UsageError(`${positionals.length ? namedPaths(positionals) : root} ${positionals.length > 1 ? 'hold' : 'holds'} no catalog file (YAML with a backstage.io apiVersion or one of Backstage's kinds) and no ${CONFIG_FILE}: nothing to check. Give the repository's folder, or --root.`);
  }
  // A YAML file given by name that the work tree no longer holds is one the change deletes when the
  // revision it is judged against (HEAD, or --base) holds it: judged as defining nothing now. Else a typo.
  const missing = input.loaded.missingGiven ?? [];
  const revision = options.base ?? 'HEAD';
  const unknown = missing.find(m => spawnSync('git', ['-C', root, 'cat-file', '-e', '--end-of-options', `${revision}:./${m.file}`], { env: childEnv() }).status !== 0);
  if (unknown) throw new UsageError(`${logText(unknown.given)} does not exist${options.base ? ` (nor on ${logText(options.base)})` : ''} or holds no YAML files`);
  // Paths mode: what the given files defined before their change, so that another file still naming it
  // is reported (the whole catalog's run, CI's, fails on it).
  // With or without a config: a folder without one has its pre-commit hook too.
  let gone: string[] = [];
  if (positionals.length > 0) {
    const renames = gitRenames(root, revision);
    // What the change takes away: deleted paths (a folder as the files the revision holds under it) and
    // the old paths of renames, which other files may still name by path.
    gone = goneGiven(root, revision, missing.map(m => m.file), input.loaded.given ?? [], renames);
    const given = new Set([...input.loaded.files.map(f => f.file), ...missing.map(m => m.file), ...gone]);
    // A renamed file is given by its new path only (`git diff --name-only` lists renames so): what it
    // defined before is read from its old path, which is where the revision holds it.
    for (const [before, after] of renames) if (given.has(after)) given.add(before);
    const { definedAtHead, definedOnBase } = await import('../pr/formerlyDefined.ts');
    input.formerlyDefined = options.reads ? definedOnBase((await options.reads.baseEntities()).entities, given, options.base!) : definedAtHead(root, given, config.catalog.maxFileBytes);
  } else if (!config.found && options.reads) {
    // A whole run against a base without a config: a kind the change deleted the last entity of here is no
    // kind "that lives elsewhere" (whose references are only warnings).
    const base = (await options.reads.baseEntities()).entities;
    const { definedOnBase } = await import('../pr/formerlyDefined.ts');
    input.formerlyDefined = definedOnBase(base, new Set(base.map(e => e.file)), options.base!);
  }
  let result = await checkCatalog(input);
  if (options.catalogUrl) {
    const known = new Set(result.entities.map(e => e.ref));
    const wanted = [...new Set(result.entities.flatMap(referencesOf).map(r => r.target))].filter(t => !known.has(t));
    const token = io.env[options.tokenEnv ?? 'BACKSTAGE_TOKEN'];
    hideSecrets(io, token);
    refuseUrlCredentials(io, options.catalogUrl, '--catalog-url', '--token-env');
    // A token named on purpose and missing would silently ask as a guest, and every ref look-up could fail.
    if (options.tokenEnv !== undefined && !token) throw new UsageError(`--token-env ${logText(options.tokenEnv)} names an environment variable that is not set (or is empty); set it, or leave --token-env out to ask without a token.`);
    // Loaded only for a run that asks a live Backstage (its HTTP client and retries).
    const [{ baseUrlFlag, connectionProblem }, { fetchKnownRefs, fetchLiveAnnotations }, { checkHeldElsewhere }, { rootOrigins }] = await Promise.all([import('./backstageUrl.ts'), import('../catalog/liveCatalog.ts'), import('../catalog/checkHeldElsewhere.ts'), import('../sync/holderOf.ts')]);
    const catalogUrl = baseUrlFlag('--catalog-url', options.catalogUrl);
    // Which location holds each of the repo's own entities needs to know the repo's root locations.
    const owns = Boolean(config.repoUrl && config.catalog.roots.length);
    let liveRefs;
    let held;
    try {
      // The catalog is asked at least once (an empty by-refs list when nothing needs looking up and no
      // holder is asked), so a URL that reaches no catalog is a tool error on every run, never a quiet pass.
      liveRefs = wanted.length || !owns ? await fetchKnownRefs(catalogUrl, token, wanted, io.fetch) : new Set<string>();
      held = owns ? await fetchLiveAnnotations(catalogUrl, token, [...known].filter((r): r is string => Boolean(r)), io.fetch) : undefined;
    } catch (error) {
      if (error instanceof UsageError) throw error;
      throw new UsageError(`--catalog-url: ${connectionProblem(error, catalogUrl).message}`);
    }
    result = await checkCatalog({ ...input, liveRefs });
    if (held) result.diagnostics.push(...checkHeldElsewhere(result.entities, held, rootOrigins(config.repoUrl!, config.catalog.roots, config.catalog.rootLocationType), config.catalog.adoptFrom));
  }
  const byGate: Diagnostic[][] = [result.diagnostics];
  const { reads } = options;
  // `report` reads the whole catalog with no paths given, as loadEntities does: it need not load it again.
  if (reads && positionals.length === 0) reads.keepHead({ entities: result.entities, repoFiles: input.loaded.repoFiles });
  // The base revision, extracted once (and removed by whoever made `reads`): its config is the yardstick
  // of this one, its entities the scorecards'.
  if (reads) byGate.push(await weakenedSince(root, await reads.baseDir(), reads, config, new Map(input.policies.map(p => [p.ruleId, p.severity])), options.today ?? new Date().toISOString().slice(0, 10)));
  if (reads) byGate.push(await reviewHiddenSince(root, await reads.baseDir(), options.base!));
  if (reads) byGate.push(await policyScopeLeftSince(config, input.policies, result.entities, reads));
  await gatesOf(root, config, input, result.entities, byGate, reads && (async () => ({ ...(await reads.baseEntities()), dir: await reads.baseDir() })), options.today);
  // A file the change deletes or moves can be named by path from files not given (a Location target, a
  // $text placeholder, a techdocs-ref dir, a template's skeleton url): the whole run (CI's) fails those,
  // and a pre-commit hook's run over the changed paths said ✔. Only then is the whole catalog judged.
  if (options.secretsIn) byGate.push(await secretsWritten(root, options, io, byGate.flat()));
  if (input.loaded.mode === 'paths') byGate.push(await wholeRunOfPaths(root, config, input, result.entities, gone, byGate.flat(), cache ?? kept?.following()));
  const onBase = reads && (options.judgeBase || byGate.some(g => g.length > 0)) ? await baseRun(root, await reads.baseDir(), options, io) : undefined;
  return {
    byGate,
    ...(onBase ? { baseRun: onBase } : {}),
    catalogFiles: input.loaded.files.map(f => f.file),
    entityCount: result.entities.length,
    entityFiles: new Map(result.entities.filter(e => e.ref).map(e => [e.ref!, e.file])),
    entities: result.entities,
    readInstalled: (input.loaded.repoFileSet?.namedInstalled.size ?? 0) > 0,
    rules: [...registeredRules(), ...policyRules(input.policies)],
  };
}

/**
 * The gates of this same run (the given paths, or the roots) on the extracted base revision `baseDir` under
 * the base's own gitops.config.yaml, offline (no --catalog-url: a live answer is no property of the base)
 * and quiet. Run only when the head has findings: a clean pull request pays nothing. Returns undefined when
 * the base cannot be judged (no config that loads under this toolkit, a tool error): every finding is then
 * the change's own, which is never laxer.
 */
async function baseRun(root: string, baseDir: string, options: CheckOptions, io: CliIo): Promise<CheckAnalysis['baseRun']> {
  try {
    const { loadConfig } = await import('../config/gitopsConfig.ts');
    const config = await loadConfig(baseDir, { checkout: root });
    const quiet: CliIo = { ...io, cwd: baseDir, stderr: { write: () => undefined } };
    const paths = options.positionals.map(p => relative(root, resolve(io.cwd, p)));
    const base = await analyse(baseDir, config, { positionals: paths, today: options.today }, quiet);
    const { gitRenames } = await import('../pr/alreadyOnBase.ts');
    // The base's own baseline: what failed on the base is judged as the base's gate judged it.
    const baseline = config.baseline ? (await import('../config/baseline.ts')).readBaseline(baseDir, config.baseline) : undefined;
    return { byGate: base.byGate, config, renames: gitRenames(root, options.base!), ...(baseline ? { baseline } : {}), entityFiles: base.entityFiles, dir: baseDir, entities: base.entities };
  } catch {
    return undefined;
  }
}

/**
 * secret-written findings (options.secretsIn): over the files given by name, or those the change touches since
 * `options.base` and the versions its earlier commits wrote (historyVersions), and the skeleton files a fetch:template
 * step renders with the values its template writes out when either changed (valuesRenders). A credential on a line where the Backstage config gate already reports config-plain-secret
 * (in `said`) is that finding. secretlint is loaded, on its own thread, only when there is a file to scan; a
 * file left unscanned is secret-scan-incomplete.
 */
async function secretsWritten(root: string, options: CheckOptions, io: CliIo, said: readonly Diagnostic[]): Promise<Diagnostic[]> {
  const { givenFiles, isEarlierVersion, scanSecrets } = await import('../secrets/scanSecrets.ts');
  const { withoutConfigSecrets } = await import('../secrets/secretFindings.ts');
  const { valuesRenders } = await import('../secrets/templateValues.ts');
  if (options.secretsIn === 'given') {
    const given = givenFiles(root, options.positionals.map(p => relative(root, resolve(io.cwd, p)).split(sep).join('/')));
    return withoutConfigSecrets(await scanSecrets(root, given, options.secretsSeconds, undefined, valuesRenders(root, given)), said);
  }
  const { historyVersions } = await import('../secrets/historyVersions.ts');
  const files = await options.reads!.changedFiles();
  const found = await scanSecrets(root, files, options.secretsSeconds, historyVersions(root, options.reads!.baseRef), valuesRenders(root, files));
  // config-plain-secret says the current file's credential; an earlier version's is its own finding.
  return [...withoutConfigSecrets(found.filter(d => !isEarlierVersion(d)), said), ...found.filter(isEarlierVersion)];
}

/**
 * config-weakened findings: what this config turns off or loosens compared with the config at `baseDir`
 * (the extracted base revision; a base without gitops.config.yaml is compared as Backstage's defaults), and
 * each policy file the gate reads its rules from that the change touches (changedPolicyFiles) and each
 * app-config file whose rule settings it changes (appConfigRulesChanged); errors unless the only files
 * changed since `base` are gitops.config.yaml and those files. `policies`: the org
 * policies' rule ids and own severities, so a rules: setting over them is compared with what they report
 * without it. A base config that no longer loads under this toolkit is no yardstick: nothing is compared.
 */
async function weakenedSince(root: string, baseDir: string, reads: RevisionReads, config: GitopsConfig, policies: ReadonlyMap<string, Severity>, today: string): Promise<Diagnostic[]> {
  const base = reads.baseRef;
  const [{ appConfigFiles, appConfigRulesChanged, appConfigRulesFindings, changedPolicyFiles, configWeakened, policyFilesChanged }, { loadConfig }] = await Promise.all([import('../pr/configWeakened.ts'), import('../config/gitopsConfig.ts')]);
  let before: GitopsConfig;
  try {
    before = await loadConfig(baseDir, { checkout: root });
  } catch {
    return [];
  }
  const changed = await reads.changedFiles();
  const policyFiles = changedPolicyFiles(changed, before, config).filter(file => !baselineFollowsMoves(root, baseDir, base, file, before, config));
  // Each app-config as Backstage's config-loader hands it on ($include/$file applied): a file an app-config
  // includes holds rule settings too, and a change there was compared as the unchanged `$include` reference.
  const resolved = new Map<string, unknown>();
  const baseReads = new Set<string>();
  for (const file of new Set([...appConfigFiles(before), ...appConfigFiles(config)])) {
    for (const side of ['base', 'head'] as const) {
      const value = await resolvedAppConfigValue(side === 'base' ? baseDir : root, file, config.catalog.maxFileBytes);
      resolved.set(`${side}\0${file}`, value.data);
      if (side === 'base') value.reads.forEach(read => baseReads.add(read));
    }
  }
  const appConfigs = appConfigRulesChanged(before, config, (side, file) => resolved.get(`${side}\0${file}`));
  // Only the policy and app-config files the base names count as config here: a location the pull request
  // names itself (a ruleset in .github/ or catalog/) would make any file beside it count as policy.
  const basePolicies = new Set(changedPolicyFiles(changed, before));
  const baseAppConfigs = new Set(appConfigFiles(before));
  const configFile = (file: string) => file === CONFIG_FILE || basePolicies.has(file) || (appConfigs.some(a => a.file === file) && baseAppConfigs.has(file)) || (appConfigs.length > 0 && baseReads.has(file));
  const alone = changed.every(configFile);
  return [...configWeakened(before, config, alone, policies), ...policyFilesChanged(policyFiles, alone), ...appConfigRulesFindings(appConfigs, alone), ...(await scorecardsWeakenedSince(root, baseDir, changed, configFile, today))];
}

/**
 * review-hidden findings: the `.gitattributes` files (any folder) the change since `base` adds or edits,
 * compared with the same files of the extracted base revision `baseDir` (reviewHidden); and
 * review-hidden-binary findings: changed text files git shows as binary (binaryHidden). Each side read as a
 * regular file only: git does not follow a `.gitattributes` that is a symbolic link.
 */
async function reviewHiddenSince(root: string, baseDir: string, base: string): Promise<Diagnostic[]> {
  const [{ reviewHidden }, { gitChangedFiles }, { regularRepoFileText }, { binaryHidden }, { changedSamples }] = await Promise.all([import('../pr/reviewHidden.ts'), import('../pr/gitChangedFiles.ts'), import('../load/repoFiles.ts'), import('../pr/binaryHidden.ts'), import('../pr/changedSamples.ts')]);
  const isAttributes = (file: string) => file === '.gitattributes' || file.endsWith('/.gitattributes');
  const all = gitChangedFiles(root, base);
  const hiddenBinary = binaryHidden(changedSamples(root, base, all));
  const changed = all.filter(isAttributes);
  if (!changed.length) return hiddenBinary;
  const files = changed.map(file => ({ file, base: regularRepoFileText(baseDir, file), head: regularRepoFileText(root, file) }));
  return [...reviewHidden(files, { base: regularRepoFileText(baseDir, '.gitattributes'), head: regularRepoFileText(root, '.gitattributes') }), ...hiddenBinary];
}

/**
 * policy-scope-left findings: the entities of this run that met an org policy's `if` on the base revision and
 * no longer do (policyScopeLeft), for the policies whose findings fail the gate: their severity as the config's
 * `rules:` set it (its own, else its family's, else the policy's x-severity) at or above failOn. The base's
 * entities are loaded only when such a policy has a scope.
 */
async function policyScopeLeftSince(config: GitopsConfig, policies: readonly CompiledPolicy[], entities: readonly CatalogEntity[], reads: RevisionReads): Promise<Diagnostic[]> {
  const applied = (id: string, own: Severity) => ruleSetting(config, id) ?? own;
  const gating = policies.filter(p => {
    const severity = applied(p.ruleId, p.severity);
    return severity !== 'off' && isAtLeast(severity, config.failOn) && p.schema?.if !== undefined;
  });
  if (gating.length === 0) return [];
  const { policyScopeLeft } = await import('../catalog/policyScopeLeft.ts');
  return policyScopeLeft((await reads.baseEntities()).entities, entities, gating);
}

/**
 * Whether `file` is the baseline of both configs and the head's only shrinks the base's or carries its
 * counts along the files the change renamed or moved (baselineOnlyFollows): then it is no policy change a
 * reviewer must approve apart. False when either side cannot be read (it stays a policy change).
 */
function baselineFollowsMoves(root: string, baseDir: string, base: string, file: string, before: GitopsConfig, config: GitopsConfig): boolean {
  if (!before.baseline || !config.baseline || posix.normalize(before.baseline) !== file || posix.normalize(config.baseline) !== file) return false;
  try {
    return baselineOnlyFollows(readBaseline(baseDir, before.baseline), readBaseline(root, config.baseline), gitRenames(root, base));
  } catch {
    return false;
  }
}

/**
 * config-weakened findings for what the head's scorecards/ loosens of the base's (scorecardsWeakened): a
 * warning when every changed file is scorecards/, the base's generated Tech Insights config or a config file
 * (`configFile`), else an error. Loads the scorecard code only when the base keeps scorecards.
 */
async function scorecardsWeakenedSince(root: string, baseDir: string, changed: readonly string[], configFile: (file: string) => boolean, today: string): Promise<Diagnostic[]> {
  if (!hasScorecards(baseDir)) return [];
  const [{ loadScorecards }, { scorecardsWeakened }] = await Promise.all([import('../scorecards/loadScorecards.ts'), import('../pr/scorecardsWeakened.ts')]);
  const before = (await loadScorecards(baseDir)).data;
  const after = hasScorecards(root) ? (await loadScorecards(root)).data : undefined;
  const output = before.config?.value.output;
  const alone = changed.every(file => file.startsWith('scorecards/') || file === output || configFile(file));
  return scorecardsWeakened(before, after, today, alone);
}

/**
 * An app-config file of the tree at `root` through config-loader's transforms (resolveAppConfig: `$include`/
 * `$file` of files inside the tree read, `${VAR}`/`$env` and anything outside as placeholders), with the repo
 * paths it read. The parsed file as written when the transforms refuse it (config-loader would not start;
 * the Backstage config gate says why); undefined data when the file is missing or unreadable (appConfigValue).
 */
async function resolvedAppConfigValue(root: string, file: string, maxBytes: number): Promise<{ data: unknown; reads: string[] }> {
  const raw = appConfigValue(root, file, maxBytes);
  if (raw === undefined) return { data: undefined, reads: [] };
  const { resolveAppConfig } = await import('../backstageConfig/resolveAppConfig.ts');
  const resolved = await resolveAppConfig(root, file, raw);
  return { data: resolved.data ?? raw, reads: resolved.reads.map(read => read.path.split(sep).join('/')) };
}

/**
 * An app-config file of the tree at `root` as parsed YAML (no merge keys, as config-loader), or undefined when
 * it is missing, a link out, not a regular file (a FIFO would block the read), over `maxBytes` or does not parse.
 */
function appConfigValue(root: string, file: string, maxBytes: number): unknown {
  try {
    const real = realRepoPath(root, file);
    const stat = statSync(real);
    if (!stat.isFile() || stat.size > maxBytes) return undefined;
    const text = readFileSync(real, 'utf8');
    affordableYaml(text);
    return yamlPackage().parse(text, { merge: false, logLevel: 'silent', maxAliasCount: 100 });
  } catch {
    return undefined;
  }
}

/** The base revision's entities and extracted folder, loaded when a gate first asks (only the scorecards do). */
type BaseEntities = () => Promise<{ entities: CatalogEntity[]; repoFiles: string[]; refused?: ReadonlySet<string>; dir: string }>;

/** Every gate after the catalog's, each list of findings pushed to `byGate`: the repo gates in roots mode, else the templates the catalog holds. */
async function gatesOf(root: string, config: GitopsConfig, input: Awaited<ReturnType<typeof prepareCatalogCheck>>, entities: CatalogEntity[], byGate: Diagnostic[][], baseEntities?: BaseEntities, today?: string): Promise<void> {
  if (input.loaded.mode === 'roots') {
    // CODEOWNERS and the editor schema computed from a catalog missing a broken file's entities would
    // call the committed ones stale, and `--write` would make them wrong: the YAML error is the finding.
    const parses = ![...input.loaded.files, ...input.loaded.context].some(f => f.problems.some(p => p.ruleId === 'yaml-syntax'));
    byGate.push(...(await repoGates(root, config, entities, input.loaded.repoFiles, baseEntities, today, parses, byGate[0])));
  } else {
    // Any catalog gets Backstage's template rules on the templates it holds.
    const reported = new Set(input.loaded.files.map(f => f.file));
    const held = templateFiles(entities).filter(f => reported.has(f));
    if (input.loaded.mode === 'paths') byGate.push(await givenTemplates(root, config, held, input.loaded.given ?? [], input.loaded.repoFiles));
    else byGate.push(await templates(root, config, held, input.loaded.repoFiles));
    // A config's codeowners section is judged whatever finds the catalog, as `codeowners --check` judges it;
    // but not in paths mode, whose entities are the given files' only (CODEOWNERS generated from them would
    // always read as stale): the whole run judges it, as in roots mode.
    if (input.loaded.mode === 'discover') {
      const parses = !input.loaded.files.some(f => f.problems.some(p => p.ruleId === 'yaml-syntax'));
      byGate.push(...(await codeownersGates(root, config, entities, parses, byGate[0])).diagnostics);
      // As `schema --check` judges it: the editor schema is generated from the catalog however it is found.
      if (config.editorSchema) byGate.push(await editorSchemaGateOf(root, config, entities, parses));
      // The app-config a config names is judged however the catalog is found: a Backstage app's own repo
      // (discovery) naming its app-config under backstageConfig passed with that section never read.
      if (config.backstageConfig) byGate.push(await (await import('../backstageConfig/backstageConfigGate.ts')).backstageConfigGate(config));
    }
    if (input.loaded.mode === 'paths' && config.found) byGate.push(wholeRunOnly(config, input.loaded.given ?? [], input.loaded.repoFiles));
  }
}

/**
 * Paths mode: what the whole run (CI's) reports because of the given files that only a run over the whole
 * catalog sees, less what `said` holds: its findings (catalog and templates) that name a path the change
 * took away (`gone`, namingGone), and a CODEOWNERS or editor schema that the given entity files (or the
 * generated file itself, given) no longer match: both are generated from every entity, so an owner changed
 * or a Group added passed a pre-commit hook's run and failed CI; and, in roots mode with scorecards, an
 * exemption naming an entity the change renamed or removed. The whole catalog is loaded only for these. Takes the paths run's input and entities; returns the findings.
 */
async function wholeRunOfPaths(root: string, config: GitopsConfig, paths: Awaited<ReturnType<typeof prepareCatalogCheck>>, entities: readonly CatalogEntity[], gone: readonly string[], said: readonly Diagnostic[], cache?: ResultCache): Promise<Diagnostic[]> {
  const given = paths.loaded.given ?? [];
  const inGiven = (file: string) => given.some(path => path === '' || file === path || file.startsWith(`${path}/`));
  // A CODEOWNERS GitHub would read instead of the generated one is that gate's finding too.
  const generatedFiles = [...(config.codeowners ? [config.codeowners.file, ...GITHUB_CODEOWNERS_PATHS] : []), config.editorSchema?.file].filter((f): f is string => Boolean(f)).map(f => posix.normalize(f));
  // A given file holds an entity, is gone, or held one before the change (emptied, turned into another kind of file).
  const entityGiven = gone.length > 0 || (paths.formerlyDefined?.size ?? 0) > 0 || entities.some(e => inGiven(e.file));
  const generated = generatedFiles.length > 0 && (entityGiven || generatedFiles.some(inGiven));
  // An exemption naming an entity the change renamed or removed: the whole run's scorecards (roots mode) fail it.
  const exemptions = entityGiven && config.catalog.roots.length > 0 && hasScorecards(root);
  if (gone.length === 0 && !generated && !exemptions) return [];
  const input = await prepareCatalogCheck(config, [], cache);
  const whole = await checkCatalog(input);
  const found: Diagnostic[] = [];
  if (gone.length > 0) {
    found.push(...namingGone([...whole.diagnostics, ...(await templates(root, config, wholeRunTemplates(root, whole.entities, input.loaded.repoFiles), input.loaded.repoFiles))], gone, input.loaded.repoFiles));
  }
  // As the whole run: judged only when every catalog file parses (a broken file's entities would be missing).
  const parses = ![...input.loaded.files, ...input.loaded.context].some(f => f.problems.some(p => p.ruleId === 'yaml-syntax'));
  if (generated && parses) {
    // The stale file, and what the gate says of a given file (an owner group without a GitHub team: codeowners-team-unknown).
    found.push(...(await codeownersGates(root, config, whole.entities, true, whole.diagnostics)).diagnostics.flat().filter(d => d.ruleId === 'codeowners-stale' || inGiven(d.file)));
    if (config.editorSchema) found.push(...(await editorSchemaGateOf(root, config, whole.entities, true)));
  }
  if (exemptions) {
    const [{ loadScorecards }, { unknownExemptedEntities }] = await Promise.all([import('../scorecards/loadScorecards.ts'), import('../scorecards/lintScorecards.ts')]);
    found.push(...unknownExemptedEntities((await loadScorecards(root)).data, new Set(whole.entities.map(e => e.ref).filter((r): r is string => Boolean(r)))));
  }
  const key = (d: Diagnostic) => `${d.ruleId}|${d.file}|${d.range.start.line}|${d.range.start.column}`;
  const seen = new Set(said.map(key));
  return found.filter(d => !seen.has(key(d)) && (seen.add(key(d)), true));
}

/** Whether a paths run over an entity file loads the whole catalog again (wholeRunOfPaths): CODEOWNERS, the editor schema or, with roots, scorecards. */
function mayLoadWhole(root: string, config: GitopsConfig): boolean {
  return Boolean(config.codeowners || config.editorSchema || (config.catalog.roots.length > 0 && hasScorecards(root)));
}

/**
 * Paths mode's template findings: all of a template whose file is given (or under a given folder), since a
 * change to it can break its skeleton; of a template read only because a given file is in the skeleton it
 * fetches or is a fragment it brings in (`- $yaml: ./steps/log.yaml`), what is said of the given files: a
 * finding in one, or placed on a placeholder naming one (Diagnostic.fragment). A pre-commit hook's `check
 * <one skeleton file>` reported every finding of every template fetching it, and `check <the fragment>`
 * none of the fragment's. Takes the templates the run holds, the given paths ('' for the root) and the
 * repo's files; returns the findings, each once.
 */
async function givenTemplates(root: string, config: GitopsConfig, held: string[], given: readonly string[], repoFiles: string[]): Promise<Diagnostic[]> {
  const inGiven = (file: string) => given.some(path => path === '' || file === path || file.startsWith(`${path}/`));
  const own = await templates(root, config, held.filter(inGiven), repoFiles);
  const readForGiven = held.filter(file => !inGiven(file));
  if (!readForGiven.length) return own;
  const key = (d: Diagnostic) => `${d.ruleId}|${d.file}|${d.range.start.line}|${d.range.start.column}|${d.message}`;
  const said = new Set(own.map(key));
  return [...own, ...(await templates(root, config, readForGiven, repoFiles)).filter(d => (inGiven(d.file) || (d.fragment !== undefined && inGiven(d.fragment.file))) && !said.has(key(d)))];
}

/**
 * Paths mode: one info per given file (or file of a given folder) that only the whole run's gates judge
 * (scorecards, Backstage config, org policies: they need the whole catalog; CODEOWNERS and the editor schema are judged by wholeRunOfPaths).
 * A pre-commit hook's `check <changed files>` said "✔ 0 errors … in 0 files" for a scorecard check that the
 * whole run fails, as if it had been judged.
 */
function wholeRunOnly(config: GitopsConfig, given: readonly string[], repoFiles: readonly string[]): Diagnostic[] {
  // gitops.config.yaml is read by every run, but what it changes (roots, include, codeowners, rules) is judged by the whole run only.
  // CODEOWNERS and the editor schema, given, are judged against the whole catalog (wholeRunOfPaths).
  const { files, folders } = wholeRunPaths(config);
  const judgedWhole = (file: string) => files.has(file) || folders.some(folder => file.startsWith(folder));
  // A given file, or a given folder's such files said once, at the first of them.
  const named = new Map<string, string>();
  for (const path of given) {
    if (judgedWhole(path)) named.set(path, path);
    const inside = path === '' ? [] : repoFiles.filter(file => file.startsWith(`${path}/`) && judgedWhole(file));
    if (inside.length > 0 && !named.has(inside[0])) named.set(inside[0], inside.length === 1 ? inside[0] : `${path}/ (${inside.length} such files)`);
  }
  return [...named].sort(([a], [b]) => a.localeCompare(b)).map(([file, what]) => ({
    ruleId: 'check-paths-whole-run',
    severity: 'info' as const,
    message: `${logText(what)} is judged only by the whole run (gitops.config.yaml, scorecards, app-config and the org policies need the whole catalog): this run over the given paths did not judge it.`,
    hint: 'Run `npx backstage-gitops check` without paths (what CI runs) to judge it before you push.',
    file,
    range: { start: { line: 1, column: 1 }, end: { line: 1, column: 1 } },
  }));
}

/**
 * The CODEOWNERS gate: with the config's codeowners section, the committed file against what the catalog
 * generates (when every catalog file parses), a file GitHub reads instead and one it never reads; in a repo
 * without gitops.config.yaml, that its CODEOWNERS is not judged (codeownersNotChecked). `codeowners`: the
 * generated text when the committed file is stale (the scorecards' coverage reads it then).
 */
async function codeownersGates(root: string, config: GitopsConfig, entities: CatalogEntity[], catalogParses: boolean, catalogFindings: readonly Diagnostic[]): Promise<{ diagnostics: Diagnostic[][]; codeowners?: string }> {
  const diagnostics: Diagnostic[][] = [];
  let codeowners: string | undefined;
  if (config.codeowners) {
    const { codeownersFor, codeownersGate, codeownersRegenerator, shadowingCodeowners, unreadCodeowners, unreadCodeownersProblem } = await import('../codeowners/codeownersGate.ts');
    const expected = catalogParses ? codeownersFor(config, entities) : undefined;
    const committed = expected ? readGenerated(root, expected.file) : undefined;
    const shadows = expected ? shadowingCodeowners(root, expected.file) : [];
    diagnostics.push(codeownersGate(expected, committed, shadows, catalogFindings, codeownersRegenerator(config, entities)));
    // A file GitHub reads instead is that finding already; otherwise a file GitHub never reads is one.
    const unread = expected && shadows.length === 0 ? unreadCodeowners(root, expected.file, config.repoUrl) : undefined;
    if (unread) diagnostics.push([unreadCodeownersProblem(expected!.file, unread)]);
    if (expected && (committed === undefined || withLf(committed) !== expected.text)) codeowners = expected.text;
  } else if (!config.found) {
    // Without a config nothing says the CODEOWNERS is the toolkit's to judge: said once, not silently passed.
    diagnostics.push((await import('../codeowners/codeownersNotChecked.ts')).codeownersNotChecked(root));
  }
  return { diagnostics, codeowners };
}

/** Every rule of the registries (not the org policies), for `check --list-rules`. */
export function registeredRules(): Rule[] {
  return [...catalogRules.list(), ...scorecardRules.list(), ...templateRules.list(), ...apiRules.list(), ...configRules.list(), ...secretRules.list()];
}

/**
 * The gates beyond single entities: CODEOWNERS and editor schema freshness (only when every catalog file
 * parses), the Backstage config, the templates, the scorecards. Returns one list of findings per gate that ran.
 */
/**
 * A committed generated file (CODEOWNERS, the editor schema) as text, or undefined when there is none or
 * it is not a file (a pull request can commit a folder by that name): the gate then reports it missing.
 */
function readGenerated(root: string, file: string): string | undefined {
  try {
    // Not through a link (to a host file, a FIFO or a device that never ends), of the file or a folder
    // above it that leaves the repository: repo-symlink names it, and the generated file counts as missing.
    const path = realRepoPath(root, file);
    // readRegularFile: readFileSync(path, 'utf8') read a file of 3 GB whole (17 s) before it failed to decode.
    return lstatSync(join(root, file)).isFile() ? readRegularFile(path).toString('utf8') : undefined;
  } catch {
    return undefined;
  }
}

async function repoGates(root: string, config: GitopsConfig, entities: CatalogEntity[], repoFiles: string[], baseEntities?: BaseEntities, todayFlag?: string, catalogParses = true, catalogFindings: readonly Diagnostic[] = []): Promise<Diagnostic[][]> {
  // Each gate's module is loaded only when the config or the repo gives it something to judge: without
  // its section (or its folder) the gate finds nothing, and its packages cost start-up on every check.
  const diagnostics: Diagnostic[][] = [];
  // The CODEOWNERS the scorecards' coverage reads: the generated one when the committed file is stale
  // (the gate fails on that anyway), so a pull request's own patterns never cost the run their matching.
  const owners = await codeownersGates(root, config, entities, catalogParses, catalogFindings);
  diagnostics.push(...owners.diagnostics);
  const codeowners = owners.codeowners;
  if (config.editorSchema) diagnostics.push(await editorSchemaGateOf(root, config, entities, catalogParses));
  if (config.backstageConfig) diagnostics.push(await (await import('../backstageConfig/backstageConfigGate.ts')).backstageConfigGate(config));
  diagnostics.push(await templates(root, config, wholeRunTemplates(root, entities, repoFiles), repoFiles));
  if (!hasScorecards(root)) return diagnostics;
  const { repoFactsAt, runScorecards, touchedEntities } = await import('../scorecards/prepareScorecards.ts');
  const today = todayFlag ?? new Date().toISOString().slice(0, 10);
  const base = baseEntities === undefined ? undefined : await baseEntities();
  const touched = base === undefined ? undefined : touchedEntities(base.entities, entities, { base: base.repoFiles, head: repoFiles });
  // The base's entities scored with the base's own files and CODEOWNERS: which checks judged them there (scorecard-scope-left).
  const baseSide = base && { entities: base.entities, repo: repoFactsAt(base.dir, base.repoFiles), refused: base.refused };
  const run = await runScorecards(root, entities, repoFiles, { today, touched, codeowners, ...(baseSide ? { base: baseSide } : {}) });
  return [...diagnostics, run.diagnostics];
}

/**
 * The template files the whole run judges: those found under the repo's template folders and those the
 * catalog's entities are (a Template kind read through a Location). Returns repo paths, each once.
 */
function wholeRunTemplates(root: string, entities: readonly CatalogEntity[], repoFiles: readonly string[]): string[] {
  return [...new Set([...discoverTemplateFiles(root, new Set(repoFiles)), ...templateFiles(entities)])];
}

/**
 * The editor schema gate: the committed file against the one generated from `entities` and the config's
 * policies, when the catalog parses (a broken file's entities would be missing from it); else nothing.
 */
async function editorSchemaGateOf(root: string, config: GitopsConfig, entities: readonly CatalogEntity[], catalogParses: boolean): Promise<Diagnostic[]> {
  const { editorSchemaFor, editorSchemaGate } = await import('../schema/editorSchema.ts');
  const schema = catalogParses ? await editorSchemaFor(config, entities) : undefined;
  return editorSchemaGate(schema, schema ? readGenerated(root, schema.file) : undefined);
}

/**
 * templateGate on `files`, its module loaded only when there is one: with none it finds nothing (it still
 * reads the template policy, whose error is a tool error either way).
 */
async function templates(root: string, config: GitopsConfig, files: string[], repoFiles: string[]): Promise<Diagnostic[]> {
  if (!files.length) return loadTemplatePolicy(root), [];
  return (await import('../templates/templateGate.ts')).templateGate(root, { files, repoFiles, config });
}

/**
 * BACKSTAGE_GITOPS_READER (internal, for tests and measurements): `always` has the reader thread read
 * every other catalog file, `never` none; otherwise the catalog's size decides (loadCatalog). It never
 * changes a finding, so it is no input of the replayed run.
 */
function readerSetting(value: string | undefined): ReaderSetting {
  return value === 'always' || value === 'never' ? value : 'auto';
}

/**
 * The paths a run was given, for a one-line message: a hook passes every changed file of a commit (hundreds
 * in a repository of manifests), so the first three name them and a count says the rest.
 */
function namedPaths(paths: readonly string[]): string {
  const shown = paths.slice(0, 3).map(p => logText(p.length > 200 ? `${p.slice(0, 199)}…` : p)).join(', ');
  return paths.length > 3 ? `${shown} and ${paths.length - 3} more` : shown;
}
