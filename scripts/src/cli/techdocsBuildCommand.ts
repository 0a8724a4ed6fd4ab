import { techdocsGeneratorSettings } from '../techdocs/techdocsSanitizer.ts';
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { catalogRules } from '../catalog/catalogRules.ts';
import { loadConfig, repoRoot, UsageError } from '../config/gitopsConfig.ts';
import { isAtLeast } from '../diagnostic.ts';
import { listRepoFiles } from '../load/repoFiles.ts';
import { formatters } from '../report/formatters.ts';
import { logText } from '../report/safeText.ts';
import { loadEntities } from '../scorecards/prepareScorecards.ts';
import { shard } from '../shard.ts';
import { describeTechdocsCore } from '../techdocs/buildSite.ts';
import { buildSites } from '../techdocs/buildSites.ts';
import { buildableSites, changedSites } from '../techdocs/techdocsSites.ts';
import { colorFlag, OUTPUT_KINDS, wantsColor, type CliIo } from './io.ts';
import { version } from './version.ts';
import { childEnv } from '../process/childEnv.ts';
import { gitChangedFiles } from '../pr/gitChangedFiles.ts';

export const TECHDOCS_BUILD_HELP = `Usage: backstage-gitops techdocs build [options]

Builds the TechDocs sites of this repo exactly as 'techdocs publish' does (@techdocs/cli, MkDocs from
the machine, a temporary copy, index.html and techdocs_metadata.json verified) and publishes nothing:
a local preview, and in pull requests the check that every changed site builds. A site that fails is
a finding on its mkdocs.yml (or the page MkDocs names) with MkDocs' own message.

Options:
  --out DIR             keep the sites under DIR/<namespace>/<kind>/<name>/ (default: discard them)
  --changed-since REF   only the sites a change since REF touches (mkdocs.yml, its folder, the entity's file)
  --shard i/n           build only this share of the sites (CI matrix jobs)
  --format NAME         stylish | json | junit | sarif | markdown | github | azure (repeatable)
  --output FILE         write the matching --format to FILE instead of stdout (repeatable, in order)
  --root DIR            repository root (default: current folder)
  --color / --no-color  force colours on or off (default: on for a TTY unless NO_COLOR is set)

Exit codes: 0 every site built, 1 a site failed to build, 2 usage or tool error.
`;

export async function techdocsBuildCommand(argv: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      out: { type: 'string' }, 'changed-since': { type: 'string' }, shard: { type: 'string' }, root: { type: 'string' },
      format: { type: 'string', multiple: true }, output: { type: 'string', multiple: true }, help: { type: 'boolean', short: 'h' },
      color: { type: 'boolean' }, 'no-color': { type: 'boolean' },
    },
  });
  if (values.help) return io.stdout.write(TECHDOCS_BUILD_HELP), 0;
  const color = colorFlag(values);
  const formats = values.format ?? ['stylish'];
  for (const format of formats) if (!formatters[format]) throw new UsageError(`Unknown format '${logText(format)}'; use one of ${Object.keys(formatters).join(', ')}`);
  const outputs = values.output ?? [];
  if (outputs.length > formats.length) throw new UsageError('Give one --format for each --output');
  const root = repoRoot(io.cwd, values.root);
  const config = await loadConfig(root);
  const { entities } = await loadEntities(root);
  const repoFiles = new Set(await listRepoFiles(root));
  const settings = await techdocsGeneratorSettings(config);
  let sites = buildableSites(entities, repoFiles, config.repoUrl, settings);
  const all = sites.length;
  if (values['changed-since']) sites = changedSites(sites, changedSince(root, values['changed-since']));
  let mine;
  try {
    mine = shard(sites, values.shard);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const head = spawnSync('git', ['-C', root, 'rev-parse', 'HEAD'], { encoding: 'utf8', env: childEnv() });
  const commit = head.status === 0 ? head.stdout.trim() : 'unversioned';
  const log = (line: string) => io.stderr.write(`techdocs: ${line}\n`);
  log(describeTechdocsCore());
  const sources = new Set(mine.map(site => site.mkdocsFile)).size;
  // Entities that share one mkdocs.yml are one build: the count names both, as the [i/n] lines count builds.
  log(`building ${sources} site(s) for ${mine.length} of ${all} entities with TechDocs${values['changed-since'] ? ` changed since ${logText(values['changed-since'])}` : ''}${values.shard ? ` in shard ${logText(values.shard)}` : ''}`);
  const outDir = values.out ? resolve(io.cwd, values.out) : undefined;
  const { results, diagnostics } = await buildSites({ root, sites: mine, commit, outDir, settings, log: line => log(logText(line)) });
  const options = {
    color: wantsColor(io, color),
    checkedFiles: results.length,
    entityCount: mine.length,
    rules: catalogRules.list().filter(r => r.id.startsWith('techdocs-') || r.id.startsWith('mkdocs-')),
    toolName: 'backstage-gitops',
    toolVersion: version,
  };
  for (const [i, format] of formats.entries()) {
    const target = outputs[i];
    const text = formatters[format](diagnostics, { ...options, color: target ? false : options.color });
    if (target) await io.writeFile(resolve(io.cwd, target), text);
    else io.stdout.write(text, OUTPUT_KINDS[format]);
  }
  const built = results.filter(r => r.outcome === 'built').length;
  log(`${built} built, ${results.length - built} failed${outDir && built ? `; preview: ${logText(outDir)}` : ''}`);
  return diagnostics.some(d => isAtLeast(d.severity, 'error')) ? 1 : 0;
}

/**
 * Repo-relative files that differ between `ref` and the working tree, untracked files included: the
 * report's own list (gitChangedFiles), where a rename is a removal and an addition. A page moved out of a
 * site's folder changes that site (a strict site then fails on a link to it) though `git diff
 * --name-only`, which detects renames by default, names only where the page went.
 */
function changedSince(root: string, ref: string): Set<string> {
  if (ref.startsWith('-')) throw new UsageError(`--changed-since takes a git revision, not '${logText(ref)}'`);
  return new Set(gitChangedFiles(root, ref));
}
