import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { isMap, isSeq, parseDocument } from 'yaml';
import { codeownersFor } from '../codeowners/codeownersGate.ts';
import { CONFIG_FILE, loadConfig, UsageError } from '../config/gitopsConfig.ts';
import { normaliseRef, planImport, selectEntity, type ImportPlan } from '../import/planImport.ts';
import { BudgetExceeded, budgetedFetch, budgetedSleep, DEFAULT_IMPORT_MINUTES, expired, importBudget, outOfTime } from '../import/importBudget.ts';
import { readLiveCatalog, readSources } from '../import/readLiveCatalog.ts';
import { GENERATED_MARK, type PlannedFile } from '../init/planInit.ts';
import { writePlannedFiles } from '../init/writePlannedFiles.ts';
import { logText, redactUrl } from '../report/safeText.ts';
import { editorSchemaFor } from '../schema/editorSchema.ts';
import { loadEntities } from '../scorecards/prepareScorecards.ts';
import { DEFAULT_RETRY } from '../sync/retry.ts';
import { checkCommand } from './checkCommand.ts';
import { hideSecrets, refuseUrlCredentials, type CliIo } from './io.ts';
import { baseUrlFlag, connectionProblem } from './backstageUrl.ts';

export const IMPORT_HELP = `Usage: backstage-gitops import --url URL [options]

Brings the entities a running Backstage already has into this repo's catalog/: read page by page
from /api/catalog/entities/by-query, laid out by system (else owning team; org data under org/,
domains together), stripped of what Backstage adds (relations, status, uid, etag, generated and
derived annotations), with placeholders kept where the source files can be read, and listed from
catalog/all.yaml. Entities from entity providers (Microsoft Graph, GitHub org…) stay there and are
declared external in gitops.config.yaml; the registered locations the imported entities came
through are listed under catalog.adoptFrom, the only locations sync takes entities over from
(review that list). Then runs the gate and regenerates CODEOWNERS and the
editor schema. Re-running is idempotent; a file import did not write is never replaced without --force.

Options:
  --url URL             Backstage base URL
  --token-env NAME      environment variable holding a token (default: BACKSTAGE_TOKEN)
  --kind KIND           only this kind (repeatable)
  --owner REF           only entities owned by this group or user (repeatable; group:default/ assumed)
  --location PREFIX     only entities read from locations starting with this (repeatable)
  --root DIR            the control repo (default: current folder)
  --force               replace files import did not write
  --timeout-minutes N   stop (exit 2, nothing written) when reading Backstage and the source files takes
                        longer than N minutes in all (default: 15); pages and files are also held to
                        64 MiB a page and 512 MiB in all

Exit codes: 0 imported and the gate passes, 1 imported with findings to fix, 2 usage, connection or files in the way.
`;

/**
 * `backstage-gitops import`: reads the live catalog, writes the planned files (only over files import
 * marked, unless --force), adds the external declarations to gitops.config.yaml, regenerates CODEOWNERS
 * and the editor schema, then returns the gate's exit code on the result (2 when Backstage cannot be read
 * or files are in the way).
 */
export async function importCommand(argv: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      url: { type: 'string' }, 'token-env': { type: 'string', default: 'BACKSTAGE_TOKEN' }, kind: { type: 'string', multiple: true },
      owner: { type: 'string', multiple: true }, location: { type: 'string', multiple: true }, root: { type: 'string' }, force: { type: 'boolean' },
      'timeout-minutes': { type: 'string' }, help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return io.stdout.write(IMPORT_HELP), 0;
  if (!values.url) throw new UsageError('--url is required');
  const url = baseUrlFlag('--url', values.url);
  const token = io.env[values['token-env']!];
  if (!token) throw new UsageError(`Set the token in the environment variable ${logText(values['token-env']!)}`);
  // Whatever reaches the output, the token never does, in any encoding a server may echo it in.
  hideSecrets(io, token);
  refuseUrlCredentials(io, values.url, '--url', '--token-env');
  const root = resolve(io.cwd, values.root ?? '.');
  if (!existsSync(join(root, CONFIG_FILE))) throw new UsageError(`${CONFIG_FILE} not found in ${root}: run 'backstage-gitops init' first`);
  const filters = { kinds: values.kind ?? [], owners: (values.owner ?? []).map(o => normaliseRef(o, 'group')), locations: values.location ?? [] };

  const minutes = values['timeout-minutes'] === undefined ? DEFAULT_IMPORT_MINUTES : Number(values['timeout-minutes']);
  if (!Number.isFinite(minutes) || minutes <= 0) throw new UsageError('--timeout-minutes takes a number of minutes above 0');
  // N sources × 1 MiB × 15 s each had no end in all: one budget of time and bytes for every read.
  const budget = importBudget(minutes);
  const fetcher = budgetedFetch(io.fetch, budget);
  const retry = { ...DEFAULT_RETRY, sleep: budgetedSleep(budget, DEFAULT_RETRY.sleep) };

  let plan: ImportPlan;
  try {
    const live = await readLiveCatalog(url, token, filters.kinds, fetcher, retry, budget);
    // Backstage's own generated Locations (registered locations) are no one's source.
    const selected = live.filter(e => !(e.kind === 'Location' && e.metadata.name.startsWith('generated-'))).filter(e => selectEntity(e, filters));
    const sources = await readSources(selected, fetcher, budget);
    plan = planImport(selected, sources, redactUrl(url));
  } catch (error) {
    const stopped = error instanceof BudgetExceeded ? error : (error as { cause?: unknown })?.cause instanceof BudgetExceeded ? (error as { cause: BudgetExceeded }).cause : expired(budget) ? outOfTime(budget) : undefined;
    if (stopped) throw new UsageError(`import stopped: ${stopped.message}.`);
    // A tool error like every other command's (exit 2, one line), saying what to check.
    throw new UsageError(`Backstage could not be read: ${connectionProblem(error, url).message}`);
  }

  const files: PlannedFile[] = [...plan.files];
  const rootFile = join(root, 'catalog/all.yaml');
  const rootText = existsSync(rootFile) ? readFileSync(rootFile, 'utf8') : undefined;
  files.push({ path: 'catalog/all.yaml', text: withTargets(rootText, plan.rootTargets) });
  const configText = withAdoptFrom(withExternal(readFileSync(join(root, CONFIG_FILE), 'utf8'), plan), plan.adoptFrom);
  // A definition import copied (JSON or text: it cannot carry the mark) belongs to import while the catalog file beside it does.
  const ownDefinition = (path: string) => {
    const match = /^(catalog\/.+)\/definitions\/[^/]+$/.exec(path);
    const beside = match && join(root, match[1], 'entities.yaml');
    return Boolean(beside && existsSync(beside) && readFileSync(beside, 'utf8').startsWith(GENERATED_MARK));
  };
  const outcome = await writePlannedFiles(root, files, Boolean(values.force), (path, current) => current.startsWith(GENERATED_MARK) || ownDefinition(path));
  if (outcome.refused.length) {
    io.stderr.write(`backstage-gitops import: ${outcome.refused.length} file(s) exist that import did not write; nothing was written (--force replaces them):\n${outcome.refused.slice(0, 20).map(p => `  ${logText(p)}\n`).join('')}`);
    return 2;
  }
  // gitops.config.yaml is the team's: import only adds the external declarations and the locations to adopt from, keeping everything else.
  const configOutcome = await writePlannedFiles(root, [{ path: CONFIG_FILE, text: configText }], true, () => true);
  const config = await loadConfig(root);
  const { entities } = await loadEntities(root);
  const generated = [codeownersFor(config, entities), await editorSchemaFor(config, entities)].filter((g): g is { file: string; text: string } => Boolean(g));
  await writePlannedFiles(root, generated.map(g => ({ path: g.file, text: g.text })), true, () => true);

  // Counted over what was imported: the Locations and Templates left behind were read from their files too.
  const fromSource = plan.imported.filter(i => i.asWritten).length;
  const lines = [
    `Imported ${plan.imported.length} entit${plan.imported.length === 1 ? 'y' : 'ies'} into ${plan.rootTargets.length} catalog file(s) (${fromSource} from their source files, placeholders kept; the rest as Backstage processed them).`,
    `${outcome.written.length} file(s) written, ${outcome.unchanged.length} unchanged${configOutcome.written.length ? `; ${CONFIG_FILE}: external declarations or locations to adopt from (catalog.adoptFrom) added` : ''}.`,
  ];
  if (plan.notBrought.length) {
    lines.push(`Not brought (${plan.notBrought.length}):`);
    const reasons = new Map<string, string[]>();
    for (const n of plan.notBrought) reasons.set(n.reason, [...(reasons.get(n.reason) ?? []), n.ref]);
    for (const [reason, refs] of reasons) lines.push(`  ${refs.length} × ${reason}: ${refs.slice(0, 5).join(', ')}${refs.length > 5 ? ', …' : ''}`);
  }
  io.stdout.write(`${lines.map(l => logText(l)).join('\n')}\n\nThe gate on the result:\n`);
  return checkCommand(['--root', root], io);
}

/** The root Location's text with `targets` added (existing ones kept, in order). */
function withTargets(text: string | undefined, targets: string[]): string {
  const doc = parseDocument(text ?? `${GENERATED_MARK}. The root Location of the catalog.\napiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata:\n  name: catalog\nspec:\n  targets: []\n`, { logLevel: 'error' });
  const current = doc.getIn(['spec', 'targets']);
  const list = isSeq(current) ? current.items.map(i => String((i as { value?: unknown }).value ?? i)) : [];
  const merged = [...list, ...targets.filter(t => !list.includes(t))];
  doc.setIn(['spec', 'targets'], merged);
  return doc.toString({ lineWidth: 0 });
}

/**
 * gitops.config.yaml with `origins` (the registered locations the imported entities came through) added
 * to catalog.adoptFrom, existing entries kept: sync takes entities over only from locations listed there,
 * so the platform team sees in review which locations the first sync will replace.
 */
function withAdoptFrom(text: string, origins: readonly string[]): string {
  const doc = parseDocument(text, { logLevel: 'error' });
  const node = doc.getIn(['catalog', 'adoptFrom'], true);
  const existing = isSeq(node) ? node.items.map(i => String((i as { value?: unknown }).value ?? i)) : [];
  const additions = origins.filter(o => !existing.includes(o));
  if (additions.length === 0) return text;
  if (isSeq(node)) for (const a of additions) node.add(doc.createNode(a));
  else if (doc.get('catalog', true) === undefined || isMap(doc.get('catalog', true))) doc.setIn(['catalog', 'adoptFrom'], additions);
  else return text;
  return doc.toString({ lineWidth: 0 });
}

/** gitops.config.yaml with the provider-owned kinds declared under catalog.external (whole kind unless the repo now defines some of it). */
function withExternal(text: string, plan: ImportPlan): string {
  const doc = parseDocument(text, { logLevel: 'error' });
  const existing = ((doc.getIn(['catalog', 'external']) as { toJSON(): unknown } | undefined)?.toJSON() ?? []) as { kind?: string; namespace?: string; refs?: string[]; reason?: string }[];
  const importedKinds = new Set(plan.imported.map(i => i.ref.split('/')[0]));
  const covers = (kind: string, namespace: string, reason: string) => existing.some(e => e.kind?.toLowerCase() === kind.toLowerCase() && (e.namespace ?? 'default') === namespace && (!e.refs || e.reason === reason));
  const additions = plan.external
    .filter(e => !covers(e.kind, e.namespace, e.reason))
    .map(e => (importedKinds.has(`${e.kind.toLowerCase()}:${e.namespace}`) ? { kind: e.kind, namespace: e.namespace, refs: e.refs, reason: e.reason } : { kind: e.kind, namespace: e.namespace, reason: e.reason }));
  if (additions.length === 0) return text;
  const node = doc.getIn(['catalog', 'external'], true);
  if (isSeq(node)) for (const a of additions) node.add(doc.createNode(a));
  else if (isMap(doc.get('catalog', true))) doc.setIn(['catalog', 'external'], additions);
  return doc.toString({ lineWidth: 0 });
}
