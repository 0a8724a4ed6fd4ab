import { readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { codeownersFor } from '../codeowners/codeownersGate.ts';
import { loadConfig, UsageError } from '../config/gitopsConfig.ts';
import { INIT_FIELDS, IDENTITY_PROVIDERS, type InitOptions, PLATFORMS, validateField, validateInitOptions } from '../init/initOptions.ts';
import { planInit, toolkitPaths } from '../init/planInit.ts';
import { keepExecutableBits, readToolkitFiles, toolkitRoot } from '../init/toolkitFiles.ts';
import { writePlannedFiles } from '../init/writePlannedFiles.ts';
import { logText } from '../report/safeText.ts';
import { editorSchemaFor } from '../schema/editorSchema.ts';
import { loadEntities } from '../scorecards/prepareScorecards.ts';
import type { CliIo } from './io.ts';
import { trimTrailingSlashes } from '../load/trailingSlashes.ts';

export const INIT_HELP = `Usage: backstage-gitops init [options]

Writes a working control repo for your organisation into the folder (empty, or this example repo
with --replace-example): gitops.config.yaml, backstage-config/, an empty catalog with its root
Location, the workflows (GitHub) or pipelines (Azure DevOps), CODEOWNERS, the golden-path templates
owned by the platform team, and the toolkit itself (scripts/, package.json) so CI runs the same gate.
Asks for what is missing when run in a terminal; otherwise every value must be given as a flag.

Options:
  --org NAME                   the organisation (a Backstage entity name, e.g. acme)
  --platform github|azure      GitHub (Actions) or Azure DevOps (Repos + Pipelines)
  --repo-url URL               this repo's web URL (https://github.com/ORG/REPO or https://dev.azure.com/ORG/PROJECT/_git/REPO)
  --branch NAME                the branch Backstage reads (default: main)
  --backstage-url URL          your Backstage, e.g. https://backstage.acme.example
  --team NAME                  the platform team's Group name; owns the templates and the toolkit
  --identity-provider entra|github-org   where users and groups come from (declared external)
  --root DIR                   the folder to write (default: current folder)
  --replace-example            in this example repo: remove the example org's catalog, scorecards and config first
  --force                      replace existing files that differ

Then: npm ci && npm run check. Exit codes: 0 written, 2 usage error or files in the way.
`;

const FLAG_TO_KEY: Record<string, keyof InitOptions> = { org: 'org', platform: 'platform', 'repo-url': 'repoUrl', 'backstage-url': 'backstageUrl', team: 'team', 'identity-provider': 'identityProvider', branch: 'branch' };

/**
 * `backstage-gitops init`: collects the options (flags; prompts only when `io.interactive`), writes the
 * planned files all or nothing, then CODEOWNERS and the editor schema from the written catalog.
 * Returns 0 when written, 2 (or throws UsageError) for missing/invalid values or files in the way.
 */
export async function initCommand(argv: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      org: { type: 'string' }, platform: { type: 'string' }, 'repo-url': { type: 'string' }, branch: { type: 'string', default: 'main' },
      'backstage-url': { type: 'string' }, team: { type: 'string' }, 'identity-provider': { type: 'string' },
      root: { type: 'string' }, 'replace-example': { type: 'boolean' }, force: { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return io.stdout.write(INIT_HELP), 0;
  const given: Partial<InitOptions> = {};
  for (const [flag, key] of Object.entries(FLAG_TO_KEY)) if (typeof values[flag as keyof typeof values] === 'string') given[key] = values[flag as keyof typeof values] as never;
  const missing = INIT_FIELDS.filter(f => given[f.key] === undefined);
  if (missing.length && !io.interactive) throw new UsageError(`missing ${missing.map(f => f.flag).join(', ')} (not a terminal, so nothing is asked). Run 'backstage-gitops init --help'.`);
  if (missing.length) Object.assign(given, await ask(missing));
  const options = normalise(given as InitOptions);
  const problems = validateInitOptions(options);
  if (problems.length) throw new UsageError(`invalid values:\n  ${problems.map(p => logText(p)).join('\n  ')}`);

  const root = resolve(io.cwd, values.root ?? '.');
  const source = toolkitRoot();
  const toolkit = await readToolkitFiles(source, toolkitPaths(options.platform));
  const planned = planInit(options, toolkit);
  // Run inside the toolkit's own checkout: the example repo, unless its config is the one init writes for
  // these options (a control repo init made, where a second run is as idempotent as anywhere else).
  const inPlace = resolve(source) === root && !sameFile(root, planned.find(f => f.path === 'gitops.config.yaml'));
  if (inPlace && !values['replace-example']) throw new UsageError('this folder holds the toolkit with a gitops.config.yaml that init did not write for these options (the example repo): pass --replace-example to replace its organisation');
  if (values['replace-example']) {
    for (const dir of ['catalog', 'scorecards', 'backstage-config', ...[...toolkit.keys()].filter(p => p.startsWith('templates/')).map(p => p.replace(/template\.yaml$/, 'tests'))]) await rm(join(root, dir), { recursive: true, force: true });
  }
  const outcome = await writePlannedFiles(root, planned, Boolean(values.force || values['replace-example']), () => false);
  if (outcome.refused.length) {
    io.stderr.write(`backstage-gitops init: ${outcome.refused.length} file(s) already exist with other content; nothing was written (--force replaces them):\n${outcome.refused.slice(0, 20).map(p => `  ${logText(p)}\n`).join('')}`);
    return 2;
  }
  await keepExecutableBits(source, root, outcome.written.filter(path => toolkit.has(path)));
  // CODEOWNERS and the editor schema come from the written catalog, exactly as codeowners/schema --write make them.
  const config = await loadConfig(root);
  const { entities } = await loadEntities(root);
  const generated = [codeownersFor(config, entities), await editorSchemaFor(config, entities)].filter((g): g is { file: string; text: string } => Boolean(g));
  const more = await writePlannedFiles(root, generated.map(g => ({ path: g.file, text: g.text })), Boolean(values.force || values['replace-example']), () => false);
  if (more.refused.length) {
    io.stderr.write(`backstage-gitops init: ${more.refused.map(p => logText(p)).join(', ')} already exist with other content (--force replaces them)\n`);
    return 2;
  }
  const written = outcome.written.length + more.written.length;
  io.stdout.write(`Wrote ${written} file(s) for ${options.org} (${options.platform}, ${options.identityProvider}) in ${logText(root)}; ${outcome.unchanged.length + more.unchanged.length} already up to date.\nNext: npm ci && npm run check, then BACKSTAGE_TOKEN=… npx backstage-gitops import --url ${logText(options.backstageUrl)}\n`);
  return 0;
}

function normalise(options: InitOptions): InitOptions {
  const url = (value: string) => {
    try {
      return trimTrailingSlashes(new URL(value).href);
    } catch {
      return value;
    }
  };
  return { ...options, repoUrl: url(options.repoUrl), backstageUrl: url(options.backstageUrl) };
}

/** Asks for the missing values with @inquirer/prompts (loaded only here: never in CI). */
async function ask(missing: typeof INIT_FIELDS): Promise<Partial<InitOptions>> {
  const { input, select } = await import('@inquirer/prompts');
  const answers: Partial<InitOptions> = {};
  for (const field of missing) {
    if (field.key === 'platform') answers.platform = await select({ message: field.question, choices: PLATFORMS.map(p => ({ value: p, name: p === 'github' ? 'GitHub (Actions)' : 'Azure DevOps (Repos + Pipelines)' })) });
    else if (field.key === 'identityProvider') answers.identityProvider = await select({ message: field.question, choices: IDENTITY_PROVIDERS.map(p => ({ value: p, name: p === 'entra' ? 'Entra ID (Microsoft Graph)' : 'GitHub organisation' })) });
    else answers[field.key] = (await input({ message: field.question, validate: value => validateField(field.key, value.trim()) ?? true })).trim() as never;
  }
  return answers;
}

/** Whether `root` holds `file` (a planned file) with exactly its text. */
function sameFile(root: string, file: { path: string; text: string } | undefined): boolean {
  try {
    return file !== undefined && readFileSync(join(root, file.path), 'utf8') === file.text;
  } catch {
    return false;
  }
}
