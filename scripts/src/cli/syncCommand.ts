import { spawnSync } from 'node:child_process';
import { lstatSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { parseArgs } from 'node:util';
import { checkCatalog } from '../catalog/checkCatalog.ts';
import { prepareCatalogCheck } from '../catalog/prepareCatalogCheck.ts';
import { loadConfig, UsageError, repoRoot } from '../config/gitopsConfig.ts';
import { settledGateFindings } from '../config/ruleSettings.ts';
import { boundDiagnostics } from '../report/boundDiagnostics.ts';
import { formatters } from '../report/formatters.ts';
import { CatalogApi } from '../sync/catalogApi.ts';
import { formatPlan } from '../sync/planSync.ts';
import { DEFAULT_RETRY } from '../sync/retry.ts';
import { syncCatalog } from '../sync/syncCatalog.ts';
import { verifyTechInsights } from '../sync/verifyTechInsights.ts';
import { compileTechInsights } from '../scorecards/compileTechInsights.ts';
import { loadScorecards } from '../scorecards/loadScorecards.ts';
import { hasScorecards } from '../scorecards/prepareScorecards.ts';
import { logText } from '../report/safeText.ts';
import { baseUrlFlag, connectionProblem } from './backstageUrl.ts';
import { hideSecrets, refuseUrlCredentials, type CliIo } from './io.ts';
import { version } from './version.ts';
import { childEnv } from '../process/childEnv.ts';

export const SYNC_HELP = `Usage: backstage-gitops sync --url URL [options]

Makes the managed Backstage's catalog hold exactly this repo's entities: registers the root
Location(s), refreshes what changed, waits until every entity has the repo's content, then removes
entities that left the repo (only those from this repo's locations). With scorecards/, it then proves
that Tech Insights runs exactly the checks the repo compiles.

An entity Backstage already holds from a location this repo does not own is taken over only when
that location is listed for adoption: gitops.config.yaml catalog.adoptFrom (import writes the
locations it imported from; the platform team reviews the list) or --adopt-from. Such a location is
replaced (refused, before any change, if it also holds entities the repo does not define) and each
entity handed over at once. Any other holder keeps its entity: sync refuses that entity (the finding
names the holding location), changes nothing of that location, syncs the rest of the repo, and
exits 1. 'check --catalog-url' reports the same collision before merge.

Options:
  --url URL                  Backstage base URL (e.g. https://backstage.acme.example)
  --token-env NAME           environment variable holding a static token (default: BACKSTAGE_TOKEN)
  --adopt-from ORIGIN        also adopt from this registered location (<type>:<target>, as in
                             backstage.io/managed-by-origin-location); repeatable
  --dry-run                  print the plan (adds, updates, removals) and change nothing
  --format NAME              markdown (default) | json
  --max-delete-fraction N    refuse to remove more than this share of the repo's entities (default: 0.1)
  --allow-mass-delete        remove even above that share
  --wait SECONDS             how long to wait for Backstage to process the changes (default: 300)
  --root DIR                 repository root (default: current folder)
  --main-head SHA            the commit the branch Backstage reads is at now (the CI adapters look it up):
                             when the checkout's HEAD is another, nothing is synced (exit 0); a re-run of an
                             earlier merge's job cannot bring its entities in, Backstage reads the branch

Exit codes: 0 in sync (or plan printed), 1 refused (an entity held elsewhere included) or not verified, 2 usage or connection error.
`;

export async function syncCommand(argv: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      url: { type: 'string' }, 'token-env': { type: 'string', default: 'BACKSTAGE_TOKEN' }, 'dry-run': { type: 'boolean' },
      'adopt-from': { type: 'string', multiple: true, default: [] },
      format: { type: 'string', default: 'markdown' }, 'max-delete-fraction': { type: 'string', default: '0.1' },
      'allow-mass-delete': { type: 'boolean' }, wait: { type: 'string', default: '300' }, root: { type: 'string' },
      'poll-ms': { type: 'string', default: '1000' }, 'main-head': { type: 'string' }, help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return io.stdout.write(SYNC_HELP), 0;
  if (!values.url) throw new UsageError('--url is required');
  // Checked before anything runs: Number('10%') is NaN, and a NaN share turns the mass-deletion guard off
  // (no count is above NaN) while a NaN wait never ends.
  const maxRemoveFraction = numberFlag('--max-delete-fraction', values['max-delete-fraction']!, 0, 1, 'a share from 0 to 1, e.g. 0.1 for 10 %');
  const waitSeconds = numberFlag('--wait', values.wait!, 1, 86_400, 'seconds, e.g. 300');
  const pollMs = numberFlag('--poll-ms', values['poll-ms']!, 10, 600_000, 'milliseconds, e.g. 1000');
  if (values.format !== 'markdown' && values.format !== 'json') throw new UsageError(`--format takes markdown or json, not '${logText(String(values.format).slice(0, 100))}'`);
  const url = baseUrlFlag('--url', values.url);
  const token = io.env[values['token-env']!];
  if (!token) throw new UsageError(`Set the token in the environment variable ${logText(values['token-env']!)}`);
  // Whatever reaches the log, the token never does, in any encoding a server may echo it in.
  hideSecrets(io, token);
  refuseUrlCredentials(io, values.url, '--url', '--token-env');
  const out = io.stdout;
  const err = io.stderr;

  const root = repoRoot(io.cwd, values.root);
  const behind = notMainHead(root, values['main-head']);
  if (behind) {
    err.write(`sync: ${behind}\n`);
    out.write(values.format === 'json' ? `${JSON.stringify({ synced: false, reason: behind })}\n` : `### Catalog sync: skipped\n\n${behind}\n`);
    return 0;
  }
  const config = await loadConfig(root);
  if (!config.repoUrl || config.catalog.roots.length === 0) throw new UsageError('gitops.config.yaml needs repoUrl and catalog.roots to sync');
  const input = await prepareCatalogCheck(config, []);
  const gate = await checkCatalog(input);
  // Judged as check judges the catalog (rules:, baseline): main's gate passed on these, so refusing here
  // would stop every merge of a catalog put under the gate with a baseline.
  const errors = settledGateFindings(gate.diagnostics, config).filter(d => d.severity === 'error');
  const formatOptions = { color: false, checkedFiles: input.loaded.files.length, entityCount: gate.entities.length, rules: [], toolName: 'backstage-gitops', toolVersion: version };
  if (errors.length > 0) {
    err.write(`The catalog gate fails; nothing is synced.\n${formatters.stylish(errors, formatOptions)}`);
    return 1;
  }
  // Each retry is logged: a Backstage that stops answering costs minutes of retries (timeout × attempts).
  const retry = { ...DEFAULT_RETRY, onRetry: (note: string) => err.write(`sync: ${logText(note)}\n`) };
  const api = new CatalogApi(url, token, io.fetch, retry);
  const repoFiles = new Set(input.loaded.repoFiles);
  const catalogFiles = new Set([...input.loaded.files, ...input.loaded.context].map(f => f.file));
  let result;
  try {
    result = await syncCatalog({
      api,
      desired: gate.entities,
      roots: config.catalog.roots.map(r => ({ type: config.catalog.rootLocationType, target: `${config.repoUrl}${r}` })),
      edges: input.loaded.locations,
      repoUrl: config.repoUrl,
      // The gate lists no symlink and nothing under node_modules, but the repo still holds them: GitHub serves a
      // link to a file as that file, so another team's location registering one is no former root to remove.
      isRepoFile: path => repoFiles.has(path) || heldInCheckout(root, path),
      isCatalogFile: path => catalogFiles.has(path),
      adoptFrom: [...config.catalog.adoptFrom, ...values['adopt-from']!],
      dryRun: Boolean(values['dry-run']),
      maxRemoveFraction,
      allowMassRemove: Boolean(values['allow-mass-delete']),
      waitMs: waitSeconds * 1000,
      pollMs,
      log: line => err.write(`sync: ${logText(line)}\n`),
    });
  } catch (error) {
    throw callFailed(error, url);
  }
  if (result.verified && hasScorecards(root)) {
    const { data } = await loadScorecards(root);
    const techInsights = await verifyTechInsights(url, token, compileTechInsights(data), data.config?.value.output ?? 'scorecards', io.fetch, retry).catch(error => {
      throw callFailed(error, url);
    });
    err.write(`sync: ${techInsights.installed ? (techInsights.diagnostics.length ? `Tech Insights runs different checks (${techInsights.diagnostics.length} difference(s))` : 'Tech Insights runs exactly the repo\'s checks') : 'Tech Insights is not installed; scorecard checks not verified'}\n`);
    result.diagnostics.push(...techInsights.diagnostics);
  }
  // Backstage's processing errors quote what the entity holds (a URL of any length) and are joined per entity: bounded like every finding.
  const diagnostics = boundDiagnostics(result.diagnostics);
  out.write(values.format === 'json'
    ? `${JSON.stringify({ add: result.plan.add.map(e => e.ref), update: result.plan.update.map(u => u.desired.ref), remove: result.plan.remove.map(r => `${r.kind}:${r.metadata.namespace ?? 'default'}/${r.metadata.name}`.toLowerCase()), unchanged: result.plan.unchanged, adopt: result.plan.adopt.map(a => ({ ref: a.desired.ref, from: a.origin })), refused: result.plan.held.map(h => ({ ref: h.desired.ref, heldBy: h.holder })), replace: result.plan.replace, applied: result.applied, verified: result.verified, seconds: result.seconds, diagnostics }, null, 2)}\n`
    : formatPlan(result.plan), values.format === 'json' ? 'json' : 'text');
  if (diagnostics.length) err.write(formatters.stylish(diagnostics, formatOptions));
  return diagnostics.length > 0 ? 1 : 0;
}

/** Whether the checkout holds `path` (repo-relative, `/`-separated) as anything at all, a link not followed; a path climbing out of `root` is not held. */
function heldInCheckout(root: string, path: string): boolean {
  if (isAbsolute(path) || path.split('/').includes('..')) return false;
  return lstatSync(join(root, path), { throwIfNoEntry: false }) !== undefined;
}

/** A failed call to Backstage as a tool error like every other (exit 2, `backstage-gitops sync:` and one sentence), saying whether a rerun can help. */
function callFailed(error: unknown, url: string): UsageError {
  const problem = connectionProblem(error, url);
  const sentence = /[.!?]$/.test(problem.message) ? problem.message : `${problem.message}.`;
  return new UsageError(`${sentence}${problem.transient ? ' Run sync again: every step is idempotent and it resumes where it stopped.' : ''}`);
}

/** A numeric flag's value within [min, max], or a UsageError naming the flag and what it takes. */
function numberFlag(flag: string, text: string, min: number, max: number, takes: string): number {
  const value = text.trim() === '' ? NaN : Number(text);
  if (!Number.isFinite(value) || value < min || value > max) throw new UsageError(`${flag} takes ${takes}, not '${logText(text.slice(0, 100))}'`);
  return value;
}

/**
 * Why this run must not sync, when `mainHead` (the commit the branch Backstage reads is at, from the CI
 * adapter) is not the checkout's HEAD: Backstage reads the root Location at the branch, so the entities a
 * re-run of an earlier merge's job adds or changes never appear as this commit has them, and sync waited
 * all of --wait to say "run sync again" (a newer run syncs the branch as it is). Undefined when they agree
 * or no `mainHead` is given. Text only from git and a checked hex commit.
 */
function notMainHead(root: string, mainHead: string | undefined): string | undefined {
  if (mainHead === undefined) return undefined;
  if (!/^(?:[0-9a-f]{40}|[0-9a-f]{64})$/.test(mainHead)) throw new UsageError('--main-head takes a full commit id (40 or 64 hex characters, lower case)');
  const head = spawnSync('git', ['-C', root, 'rev-parse', 'HEAD'], { encoding: 'utf8', env: childEnv() });
  if (head.status !== 0) throw new UsageError(`--main-head needs a git checkout: ${logText(String(root).slice(0, 200))} has no HEAD`);
  const commit = head.stdout.trim();
  if (commit === mainHead) return undefined;
  return `Not synced: this run's commit ${commit.slice(0, 12)} is no longer the head of the branch Backstage reads (now ${mainHead.slice(0, 12)}), a re-run of an earlier merge's job or a run overtaken by a newer merge. Backstage reads the branch, so this commit's entities cannot be brought in; the run of ${mainHead.slice(0, 12)} syncs. To sync again, re-run that one.`;
}
