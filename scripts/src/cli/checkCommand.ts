import { todayFlag } from './todayFlag.ts';
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { childEnv } from '../process/childEnv.ts';
import { parseArgs } from 'node:util';
import { join, relative, resolve, sep } from 'node:path';
import { cacheKey, toolkitKey } from '../cache/cacheKey.ts';
import { ResultCache, writeCacheFile } from '../cache/resultCache.ts';
import { InputsSeen, inputsUnchanged, runInputsKey, type RunTexts } from '../cache/runInputs.ts';
import { checkCacheFilePath } from '../cache/cacheFilePath.ts';
import { cacheFileChunks, readCacheParts } from '../cache/runRecord.ts';
import type { CheckOptions } from './checkAnalysis.ts';
import { logText } from '../report/safeText.ts';
import { lockedRuleSettings } from '../config/lockedRules.ts';
import { applyRuleSettings } from '../config/ruleSettings.ts';

export { applyRuleSettings };
import { applyBaseline, baselineFixed, baselineOf, movedFileHints, readBaseline } from '../config/baseline.ts';
import { CONFIG_FILE, implicitScope, repoRoot } from '../config/repoRoot.ts';
import { UsageError } from '../config/usageError.ts';
import { repoWriteTarget } from './writeTarget.ts';
import { isAtLeast, SEVERITIES, type Diagnostic, type Severity } from '../diagnostic.ts';
import { formatters } from '../report/formatters.ts';
import { summaryLine } from '../report/formatStylish.ts';
import { colorFlag, OUTPUT_KINDS, wantsColor, type CliIo } from './io.ts';
import { version } from './version.ts';
import { gitArchive } from '../process/gitArchive.ts';
import { inferRepoUrl } from '../process/inferRepoUrl.ts';
import { existsSync } from 'node:fs';
import type { RevisionReads } from '../pr/revisionReads.ts';
import { leavesRoot } from '../load/leavesRoot.ts';

export const CHECK_HELP = `Usage: backstage-gitops check [paths…] [options]

Runs the catalog gate. Without paths it starts at the root Location(s) in gitops.config.yaml
(or, in a folder without that file, every YAML file that looks like an entity). With paths
(files or folders) it checks exactly those and what their Locations reference, plus other files'
references to entities the given files defined before the change (at --base, else at HEAD) and no
longer define. Every given file (of any kind; under a folder, those git tracks or would track) is
scanned for credentials written out (secret-written, secretlint's recommended rules).

Options:
  --root DIR            repository root holding gitops.config.yaml (default: current folder)
  --format NAME         stylish | json | junit | sarif | markdown | github | azure (repeatable)
  --output FILE         write the matching --format to FILE instead of stdout (repeatable, in order)
  --fail-on SEVERITY    error | warning | info: lowest severity that fails the run (default: config or error)
  --catalog-url URL     also resolve references against a live Backstage (POST /entities/by-refs), and
                        report the repo's entities it already holds from a location outside this repo
                        (entity-held-elsewhere: sync would refuse them)
  --token-env NAME      environment variable holding the Backstage token (default: BACKSTAGE_TOKEN)
  --base REF            compare with a git revision (the pull request gate): blocking scorecard checks
                        fail for the entities the change adds or edits, an entity it edits out of
                        the scope of such a check or of an org policy is scorecard-scope-left or
                        policy-scope-left, and what gitops.config.yaml turns off or loosens against
                        REF's is config-weakened (an error when other files change too). Breaking
                        API changes and Spectral's lint of changed definitions are judged by
                        \`report --base REF\`, which CI runs: run that before pushing a change to
                        an API. Findings REF already has are listed
                        apart ("Already on REF"); they still fail the run. Every file the change
                        adds or modifies, and its path, is scanned for credentials written out
                        (secret-written), within 60 s ($BACKSTAGE_GITOPS_SECRET_SCAN_SECONDS); a text
                        file left unscanned is secret-scan-incomplete
  --today YYYY-MM-DD    date for exemption expiry, enableOn and initiative due dates (default: today)
  --cache FILE          keep results in FILE: when no file, folder, link, config, policy, package or
                        option changed since the run that wrote it, its report is given again; else
                        per-file results are reused for files whose text is unchanged (checks across
                        entities always run). A stale or corrupt FILE is ignored.
                        Default: $BACKSTAGE_GITOPS_CACHE when set (CI keeps the file between runs)
  --write-baseline      write the file gitops.config.yaml's baseline: names from this run's failing
                        findings (counted per file and rule), then check with it: up to those counts
                        they are info, so an existing catalog can turn the gate on at once and teams
                        fix what is known over time. Locked rules are never lowered. Whole runs only
  --list-rules          print every rule (the toolkit's and the org policies') with an example and
                        exit; with --format json, as one JSON array of {ruleId, severity, description,
                        example?, source}
  --color / --no-color  force colours on or off (default: on for a TTY unless NO_COLOR is set)
  -h, --help            show this help

Exit codes: 0 clean, 1 findings at or above --fail-on, 2 usage or tool error.
`;

export async function checkCommand(argv: string[], io: CliIo, reads?: RevisionReads): Promise<number> {
  const { values, positionals: given } = parseArgs({
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
      'write-baseline': { type: 'boolean' },
      cache: { type: 'string' },
      base: { type: 'string' },
      today: { type: 'string' },
      color: { type: 'boolean' },
      'no-color': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return io.stdout.write(CHECK_HELP), 0;
  const color = colorFlag(values);
  const root = repoRoot(io.cwd, values.root);
  // From a folder below the top of a git repository without a config: that folder's files, within the whole repository.
  const scope = given.length === 0 && !values['write-baseline'] ? implicitScope(io.cwd, values.root, root) : undefined;
  // `check .` (a given path that is the repository's top) is the whole run, as `eslint .` lints everything:
  // as a run over paths it skipped the whole-run gates (CODEOWNERS, the editor schema, scorecards), so it
  // passed what CI fails.
  const inside = given.map(p => relative(root, resolve(io.cwd, p)));
  const whole = inside.includes('') && inside.every(p => !leavesRoot(p));
  const positionals = scope ? [scope] : whole ? [] : given;
  if (values['list-rules']) {
    const listFormat = listRulesFormat(values.format);
    const config = await (await import('../config/gitopsConfig.ts')).loadConfig(root);
    const [{ loadPolicies }, { registeredRules }] = await Promise.all([import('../catalog/prepareCatalogCheck.ts'), import('./checkAnalysis.ts')]);
    return io.stdout.write(listRules(registeredRules(), await loadPolicies(config), listFormat)), 0;
  }

  const formats = values.format ?? ['stylish'];
  for (const format of formats) if (!formatters[format]) throw new UsageError(`Unknown format '${logText(format)}'; use one of ${Object.keys(formatters).join(', ')}`);
  const outputs = values.output ?? [];
  if (outputs.length > formats.length) throw new UsageError('Give one --format for each --output');
  const failOnFlag = values['fail-on'] as Severity | undefined;
  if (failOnFlag !== undefined && !SEVERITIES.includes(failOnFlag)) throw new UsageError(`--fail-on takes error, warning or info, not '${logText(failOnFlag)}'`);

  // CI sets the variable once for the job, so `report` (which runs this gate) and the adapters use the cache too.
  const cacheName = values.cache ?? (io.env.BACKSTAGE_GITOPS_CACHE || undefined);
  const cacheFile = cacheName === undefined ? undefined : resolve(io.cwd, cacheName);
  if (cacheFile !== undefined) checkCacheFilePath(root, cacheFile, cacheName!);
  // Checked here: a day that does not exist would judge exemptions and due dates silently wrong.
  if (values.today !== undefined) todayFlag(values.today);
  const writeBaseline = values['write-baseline'] === true;
  if (writeBaseline && (positionals.length > 0 || values.base !== undefined || values['catalog-url'] !== undefined)) throw new UsageError('--write-baseline records a whole offline run: give it no paths, --base or --catalog-url');
  // `report` passes its reads and says what the change fixed: the base is judged even for a clean head.
  // Credentials are looked for where hostile text enters: the files given by name (a pre-commit hook's), else
  // those a pull request changes. A plain run (and a subfolder's implicit scope) scans nothing.
  const secretsIn = scope === undefined && positionals.length > 0 ? 'given' as const : values.base !== undefined ? 'changed' as const : undefined;
  const secretsSeconds = secretScanSeconds(io.env[SECRET_SCAN_SECONDS_ENV]);
  const options = { positionals, catalogUrl: values['catalog-url'], tokenEnv: values['token-env'], base: values.base, today: values.today, reads, ...(reads ? { judgeBase: true } : {}), ...(secretsIn ? { secretsIn } : {}), ...(secretsSeconds !== undefined ? { secretsSeconds } : {}) };
  const cached = cacheFile === undefined ? undefined : readCacheParts(cacheFile);
  // The replay is looked up before the config is even read: its file is one of the inputs hashed.
  // The YAML files' bytes as the key hashed them: a run that is not replayed judges exactly these.
  const texts: RunTexts = new Map();
  // Every path the walk met: after the run, whether any changed is asked of their times, not their bytes.
  const walked = new InputsSeen();
  const parts = cacheFile === undefined ? undefined : replayParts(root, options, io.cwd);
  const key = cacheFile === undefined || parts === undefined ? undefined : runInputsKey(root, parts, cacheSkip(root, cacheFile), texts, walked);
  // Writing the baseline needs the findings before any baseline: never a replay.
  let record = !writeBaseline && key !== undefined && cached?.run?.key === key ? cached.run : undefined;
  if (!record) {
    const config = await (await import('../config/gitopsConfig.ts')).loadConfig(root);
    const cache = cached && ResultCache.read(cached.filesBytes(), cacheKey(config));
    if (cache && key !== undefined && config.root === root) cache.texts = texts;
    const notice = cache?.notice ?? cached?.notice;
    if (notice) io.stderr.write(`backstage-gitops check: not using the cache ${logText(cacheName ?? '')}: ${logText(notice)}; it will be rewritten.\n`);
    const { analyseCheck } = await import('./checkAnalysis.ts');
    // The base stays extracted until its findings are matched (sameFinding reads its files); then it is removed.
    const ownReads = options.base !== undefined && !options.reads ? new (await import('../pr/revisionReads.ts')).RevisionReads(root, options.base) : undefined;
    ownReads?.prefetchBase();
    let analysis: Awaited<ReturnType<typeof analyseCheck>>;
    let diagnostics: Diagnostic[];
    // With --base: the base's findings the head no longer has (what the change fixed), for the JSON report.
    let fixedOnBase: Diagnostic[] | undefined;
    try {
      analysis = await analyseCheck(root, config, ownReads ? { ...options, reads: ownReads } : options, io, cache);
      const unique = withoutRepeats(analysis.byGate);
      const settled = [...applyRuleSettings(unique, config), ...lockedRuleSettings(config)];
      if (writeBaseline) {
        if (!config.baseline) throw new UsageError('--write-baseline writes the file named by baseline: in gitops.config.yaml; add a line such as `baseline: .backstage-gitops-baseline.json` there, then run it again.');
        const written = baselineOf(settled, d => isAtLeast(d.severity, failOnFlag ?? config.failOn));
        await io.writeFile(repoWriteTarget(root, config.baseline, 'the baseline'), written.text);
        io.stderr.write(`backstage-gitops check: wrote ${logText(config.baseline)}: ${written.counted} finding(s) in ${written.files} file(s) are info up to their counts from now on.${written.locked ? ` ${written.locked} finding(s) of locked rules (security, review routing, budgets) cannot be baselined and still fail: fix them.` : ''}${written.regenerate.length ? ` Generated files are out of date, which a baseline does not hold: run ${written.regenerate.map(c => `\`${c}${values.root === undefined ? '' : ` --root ${logText(shellWord(values.root.slice(0, 300)))}`}\``).join(' and ')}, then commit what they write.` : ''}\n`);
      }
      const baseline = config.baseline ? readBaseline(root, config.baseline) : undefined;
      const failing = (d: Diagnostic) => isAtLeast(d.severity, failOnFlag ?? config.failOn);
      diagnostics = settled;
      if (analysis.baseRun) {
        const { byGate, config: baseConfig, renames, baseline: baseBaseline, entityFiles, dir, entities } = analysis.baseRun;
        const { revisionSide } = await import('../pr/sameFinding.ts');
        const { entityChanges } = await import('../pr/entityChanges.ts');
        const entityRenames = () => new Map(entityChanges(entities, analysis.entities).renamed.filter(r => r.from !== r.to).map(r => [r.from, r.to]));
        const sides = { head: revisionSide(root, analysis.entities), base: revisionSide(dir, entities), entityRenames };
        const settledOnBase = [...applyRuleSettings(withoutRepeats(byGate), baseConfig), ...lockedRuleSettings(baseConfig)];
        const onBase = baseBaseline && baseConfig.baseline ? applyBaseline(settledOnBase, baseBaseline, baseConfig.baseline) : settledOnBase;
        const { markAlreadyOnBase, pairWithBase, removedRefHints } = await import('../pr/alreadyOnBase.ts');
        if (baseline) {
          // Whether the base has a finding at all decides what the baseline may lower: the counts cannot tell
          // one a pull request swapped in, or added past them, from a known one; the base's run can.
          const known = markAlreadyOnBase(diagnostics, onBase, renames, () => false, sides);
          diagnostics = applyBaseline(known, baseline, config.baseline!, values.base).map(({ alreadyOnBase: _, ...d }) => d);
          if (renames.size) diagnostics = movedFileHints(diagnostics, baseline, config.baseline!, renames, failing);
        }
        // Whether it failed there decides its label: one the base kept quiet (its baseline, a lower severity)
        // and that fails now fails because of this change.
        const paired = pairWithBase(diagnostics, onBase, renames, failing, sides);
        diagnostics = removedRefHints(paired.diagnostics, entityFiles, values.base!);
        fixedOnBase = paired.fixed;
        // What the change fixed that the baseline still counts: said once, so the author shrinks it (as ESLint's --prune-suppressions).
        const fixed = baseline ? baselineFixed(settled, baseline, config.baseline!, { findings: settledOnBase, ...(baseBaseline ? { baseline: baseBaseline } : {}) }, renames, failing) : undefined;
        if (fixed) diagnostics = [...diagnostics, ...applyRuleSettings([fixed], config)];
      } else if (baseline) diagnostics = applyBaseline(diagnostics, baseline, config.baseline!);
    } finally {
      await ownReads?.dispose();
    }
    // What was judged: the catalog files and every file a finding names (templates, scorecards, config).
    const checkedFiles = new Set([...analysis.catalogFiles, ...diagnostics.map(d => d.file)]).size;
    record = { key: key ?? '', diagnostics, ...(fixedOnBase ? { fixed: fixedOnBase } : {}), checkedFiles, entityCount: analysis.entityCount, rules: analysis.rules, failOn: config.failOn };
    // Not kept: a glob that ran out of time (it depends on the machine's speed, not only on the inputs),
    // a run that read a file in node_modules by name (the key covers node_modules by npm's record only),
    // and a run whose inputs changed while it read them (the key would not name what it judged): the
    // options' parts (today's date, the base revision) are computed again, and every path is asked
    // whether it changed since the walk (inputsUnchanged; when its times cannot tell, every file is read
    // and hashed again).
    const again = () => runInputsKey(root, parts!, cacheSkip(root, cacheFile!)) === key;
    const replayable = cacheFile !== undefined && key !== undefined && !diagnostics.some(d => d.ruleId === 'location-glob-too-complex') && !analysis.readInstalled && JSON.stringify(replayParts(root, options, io.cwd)) === JSON.stringify(parts) && inputsUnchanged(root, walked, again);
    if (cache && cacheFile && (cache.needsWrite() || replayable || cached?.run)) {
      // Per-file results that came back unchanged are written back as they were read, not serialized again.
      const files = cache.needsWrite() ? undefined : cached?.filesBytes();
      writeCacheFile(cacheFile, cacheFileChunks(replayable ? record : undefined, files?.length ? files : cache.serializeChunks()));
    }
  }
  const { diagnostics } = record;
  const failOn = failOnFlag ?? record.failOn;
  const formatOptions = {
    color: wantsColor(io, color),
    checkedFiles: record.checkedFiles,
    entityCount: record.entityCount,
    rules: record.rules,
    toolName: 'backstage-gitops',
    toolVersion: version,
    sourceRoot: io.env.BUILD_SOURCESDIRECTORY,
    baseRef: values.base,
    ...(record.fixed ? { fixed: record.fixed } : {}),
  };
  for (const [i, format] of formats.entries()) {
    const target = outputs[i];
    const text = formatters[format](diagnostics, { ...formatOptions, color: target ? false : formatOptions.color });
    if (target) await io.writeFile(resolve(io.cwd, target), text);
    else io.stdout.write(text, OUTPUT_KINDS[format]);
  }
  // Every report went to a file: the terminal still gets the outcome.
  if (outputs.length === formats.length) io.stderr.write(`${summaryLine(diagnostics, formatOptions)}\n`);
  return diagnostics.some(d => isAtLeast(d.severity, failOn)) ? 1 : 0;
}

/**
 * Besides the files under the root, what a whole run's report may be given again under (runInputsKey's
 * `parts`): undefined when the run has a live input (--catalog-url asks a running Backstage) or its
 * --base revision cannot be read.
 */
function replayParts(root: string, options: CheckOptions, cwd: string): string[] | undefined {
  if (options.catalogUrl !== undefined) return undefined;
  let base = '';
  if (options.base !== undefined) {
    // The base revision exactly as the scorecards read it: the archive checkoutBase extracts.
    const archive = gitArchive(root, options.base);
    if ('problem' in archive) return undefined;
    base = `${options.base}\0${createHash('sha256').update(archive.tar).digest('hex')}`;
  }
  // Scorecards' exemptions and due dates read today's date: a new day is a new input.
  const today = options.today ?? new Date().toISOString().slice(0, 10);
  const paths = options.positionals.map(p => relative(root, resolve(cwd, p)));
  // gitops.config.yaml and the policies are files under the root: the walk hashes them as they are written.
  // Without it, the repoUrl comes from git's bookkeeping, which the walk leaves out: it is a part of its own.
  const inferred = existsSync(join(root, CONFIG_FILE)) ? '' : (inferRepoUrl(root) ?? '');
  // Paths without --base compare the given files with the last commit's (definedAtHead): HEAD is an input then.
  const head = paths.length > 0 && options.base === undefined ? headTree(root) : '';
  // A run that judged the base for a clean head (report's judgeBase) records what the change fixed; check's does not.
  return [toolkitKey(), root, today, JSON.stringify(paths), base, inferred, head, options.judgeBase ? 'judgeBase' : '', String(options.secretsSeconds ?? '')];
}

/** The environment variable that sets what the whole secret scan may take (whole seconds; default SECRET_SCAN_SECONDS, 60). */
export const SECRET_SCAN_SECONDS_ENV = 'BACKSTAGE_GITOPS_SECRET_SCAN_SECONDS';

/** The secret scan's time bound from SECRET_SCAN_SECONDS_ENV's `value`: undefined when unset; throws UsageError unless whole seconds from 1 to 3600. */
function secretScanSeconds(value: string | undefined): number | undefined {
  if (value === undefined || value === '') return undefined;
  const seconds = Number(value);
  if (!(Number.isInteger(seconds) && seconds >= 1 && seconds <= 3600)) throw new UsageError(`${SECRET_SCAN_SECONDS_ENV} takes whole seconds from 1 to 3600`);
  return seconds;
}

/** The tree id of HEAD in the git work tree at `root` ('' outside one or before the first commit). */
function headTree(root: string): string {
  const run = spawnSync('git', ['-C', root, 'rev-parse', '--verify', '--quiet', 'HEAD^{tree}'], { encoding: 'utf8', env: childEnv() });
  return run.status === 0 ? run.stdout.trim() : '';
}

/** The cache file changes with every run that misses: it is the cache, not an input. */
function cacheSkip(root: string, cacheFile: string): Set<string> {
  return new Set([relative(root, cacheFile).split(sep).join('/')]);
}

/**
 * The findings of every gate (`byGate`: one list per gate), in order, with a problem that two gates both
 * report said once: a Template file is read both as a catalog file and by the template gate, and each
 * reports its YAML error, the catalog's with what the Location loses added. A finding with the same rule,
 * severity, file and start as an earlier one of another gate whose message it repeats (equal, or one
 * continues the other) is that finding: the longer message is kept, in the earlier one's place. Two
 * findings of one gate are never merged, however alike (two steps one `$yaml` placeholder brings in
 * both point at the placeholder); each earlier finding takes at most one repeat from each other gate.
 */
export function withoutRepeats(byGate: readonly (readonly Diagnostic[])[]): Diagnostic[] {
  const kept: Diagnostic[] = [];
  // The gates each kept finding stands for: a repeat from one of them is another finding.
  const gates: Set<number>[] = [];
  // Keyed without the message, which is long, and compared only where the rest is the same.
  const at = new Map<string, number[]>();
  for (const [gate, diagnostics] of byGate.entries()) {
    for (const d of diagnostics) {
      const id = `${d.ruleId}\0${d.severity}\0${d.file}\0${d.range.start.line}:${d.range.start.column}`;
      const same = at.get(id);
      const repeated = same?.find(i => !gates[i].has(gate) && (d.message.startsWith(kept[i].message) || kept[i].message.startsWith(d.message)));
      if (repeated === undefined) {
        if (same) same.push(kept.length);
        else at.set(id, [kept.length]);
        kept.push(d);
        gates.push(new Set([gate]));
      } else {
        gates[repeated].add(gate);
        if (d.message.length > kept[repeated].message.length) kept[repeated] = d;
      }
    }
  }
  return kept;
}

/** `--list-rules` writes text, or JSON for tools that build rule pages or editor hints from it. */
function listRulesFormat(formats: string[] | undefined): 'text' | 'json' {
  const given = formats ?? [];
  if (given.length === 0 || (given.length === 1 && given[0] === 'stylish')) return 'text';
  if (given.length === 1 && given[0] === 'json') return 'json';
  throw new UsageError(`--list-rules prints text, or JSON with --format json; not --format ${given.map(logText).join(', ')}`);
}

/**
 * The rules `check` can report, the toolkit's first, then the org policies (whose ids and descriptions come
 * from the repository, so in text they go through logText: a pull request's policy cannot write a CI command).
 */
function listRules(registered: { id: string; severity: Severity; description: string; example: string }[], policies: { ruleId: string; severity: Severity; description: string }[], format: 'text' | 'json'): string {
  if (format === 'json') {
    const rules = [
      ...registered.map(r => ({ ruleId: r.id, severity: r.severity, description: r.description, example: r.example, source: 'toolkit' })),
      ...policies.map(p => ({ ruleId: p.ruleId, severity: p.severity, description: p.description, source: 'org-policy' })),
    ];
    return `${JSON.stringify(rules, null, 2)}\n`;
  }
  const lines = registered.map(r => `${r.id}  (${r.severity})\n  ${r.description}\n  e.g. ${r.example.replace(/\n/g, '\n       ')}\n`);
  for (const p of policies) lines.push(`${logText(p.ruleId)}  (${p.severity}, org policy)\n  ${logText(p.description)}\n`);
  return `${lines.join('\n')}`;
}

// A path as one shell word: as written when it holds only safe characters, else in single quotes.
const shellWord = (path: string) => (/^[\w@%+=:,./-]+$/.test(path) ? path : `'${path.replace(/'/g, `'\\''`)}'`);
