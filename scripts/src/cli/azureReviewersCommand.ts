import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { codeownersFor } from '../codeowners/codeownersGate.ts';
import { parseCodeowners } from '../codeowners/codeowners.ts';
import { planPolicies, reviewerPolicies, toConfiguration, unmappedOwners, type AzurePolicyConfiguration } from '../codeowners/azureReviewerPolicies.ts';
import { loadConfig, UsageError, repoRoot } from '../config/gitopsConfig.ts';
import { isRecord } from '../load/loadCatalog.ts';
import { listRepoFiles } from '../load/repoFiles.ts';
import { loadEntities } from '../scorecards/prepareScorecards.ts';
import { hideSecrets, refuseUrlCredentials, type CliIo } from './io.ts';
import { logText } from '../report/safeText.ts';

export const AZURE_REVIEWERS_HELP = `Usage: backstage-gitops azure-reviewers --organization-url URL --project NAME --repository-id ID [--apply]

Azure Repos has no CODEOWNERS: this turns the same ownership into "automatically included reviewers"
branch policies (one per team, path filters translated from CODEOWNERS), as a plan, or applied with
--apply. A team's reviewer id comes from the dev.azure.com/team-id annotation on its Group.

Options:
  --organization-url URL  e.g. https://dev.azure.com/acme/
  --project NAME          the Azure DevOps project
  --repository-id ID      the repository's GUID
  --branch NAME           protected branch (default: main)
  --token-env NAME        environment variable with a token allowed to edit policies (default: SYSTEM_ACCESSTOKEN)
  --apply                 create, update and remove the policies (default: print the plan)
  --root DIR              repository root (default: current folder)
`;

export async function azureReviewersCommand(argv: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { 'organization-url': { type: 'string' }, project: { type: 'string' }, 'repository-id': { type: 'string' }, branch: { type: 'string', default: 'main' }, 'token-env': { type: 'string', default: 'SYSTEM_ACCESSTOKEN' }, apply: { type: 'boolean' }, root: { type: 'string' }, help: { type: 'boolean', short: 'h' } } });
  if (values.help) return io.stdout.write(AZURE_REVIEWERS_HELP), 0;
  const [url, project, repositoryId] = [values['organization-url'], values.project, values['repository-id']];
  if (!url || !project || !repositoryId) throw new UsageError('--organization-url, --project and --repository-id are required');
  const token = io.env[values['token-env']!];
  if (!token) throw new UsageError(`Set a token in ${logText(values['token-env']!)}`);
  hideSecrets(io, token);
  refuseUrlCredentials(io, url, '--organization-url', '--token-env');
  const root = repoRoot(io.cwd, values.root);
  const config = await loadConfig(root);
  const { entities } = await loadEntities(root);
  const expected = codeownersFor(config, entities);
  const text = expected?.text ?? (existsSync(join(root, '.github/CODEOWNERS')) ? readFileSync(join(root, '.github/CODEOWNERS'), 'utf8') : undefined);
  if (!text) throw new UsageError('No CODEOWNERS to translate: configure codeowners in gitops.config.yaml');
  const reviewerIds = new Map<string, string>();
  // Which Groups gave each team its id: a Group another team adds (owning nothing, so CODEOWNERS does not
  // change) that names a team's slug with its own id would otherwise, loaded last, take that team's files
  // over in Azure. Ambiguous, nothing is changed: the pipeline step fails naming the Groups.
  const claims = new Map<string, string[]>();
  for (const group of entities.filter(e => e.kind === 'Group')) {
    const metadata = isRecord(group.entity.metadata) ? group.entity.metadata : {};
    const annotations = isRecord(metadata.annotations) ? metadata.annotations : {};
    if (typeof annotations['github.com/team-slug'] === 'string' && typeof annotations['dev.azure.com/team-id'] === 'string') {
      const team = `@${annotations['github.com/team-slug']}`;
      const id = annotations['dev.azure.com/team-id'];
      if (reviewerIds.has(team) && reviewerIds.get(team)!.toLowerCase() !== id.toLowerCase()) {
        throw new UsageError(`${logText(team.slice(0, 120))} is given two dev.azure.com/team-id values, by ${logText([...(claims.get(team) ?? []), group.ref ?? ''].slice(0, 3).join(' and '))}: Azure DevOps cannot tell which team reviews its files, so no policy was changed. Keep github.com/team-slug on one Group per team.`);
      }
      reviewerIds.set(team, id);
      claims.set(team, [...(claims.get(team) ?? []), group.ref ?? '']);
    }
  }
  const rules = parseCodeowners(text);
  const desired = reviewerPolicies(rules, await listRepoFiles(root), reviewerIds).map(p => toConfiguration(p, repositoryId, values.branch!));
  for (const { owner, patterns } of unmappedOwners(rules, reviewerIds)) {
    io.stderr.write(`azure-reviewers: warning: ${logText(owner)} has no dev.azure.com/team-id on its Group (with its github.com/team-slug), so Azure cannot require it; ${patterns.length} CODEOWNERS line(s) of it (${logText(patterns.slice(0, 3).join(', '))}${patterns.length > 3 ? ', …' : ''}) stay with the reviewers of the lines before them\n`);
  }
  // Loaded here, not at start-up: every other command would pay for it.
  const { WebApi, getBearerHandler } = await import('azure-devops-node-api');
  const connection = new WebApi(url, getBearerHandler(token));
  const policy = await azureCall('the policy API lookup', 0, () => connection.getPolicyApi());
  const existing = (await azureCall(`GET policy/configurations of project ${project}`, 0, () => policy.getPolicyConfigurations(project))) as unknown as AzurePolicyConfiguration[];
  const plan = planPolicies(desired, existing, repositoryId, values.branch!);
  const describe = (p: AzurePolicyConfiguration) => `${logText(p.settings.message.replace(/^backstage-gitops: /, '').replace(/ owns.*$/, ''))} (${p.settings.filenamePatterns.length} path filters)`;
  io.stdout.write([`${plan.create.length} to create · ${plan.update.length} to update · ${plan.remove.length} to remove · ${plan.unchanged} unchanged`, ...plan.create.map(p => `+ ${describe(p)}`), ...plan.update.map(p => `~ ${describe(p)}`), ...plan.remove.map(p => `- ${describe(p)}`), ''].join('\n'));
  if (!values.apply) return 0;
  let done = 0;
  for (const p of plan.create) await azureCall(`creating the policy for ${describe(p)}`, done++, () => policy.createPolicyConfiguration(p as never, project));
  for (const p of plan.update) await azureCall(`updating policy ${p.id} (${describe(p)})`, done++, () => policy.updatePolicyConfiguration(p as never, project, p.id!));
  for (const p of plan.remove) await azureCall(`removing policy ${p.id} (${describe(p)})`, done++, () => policy.deletePolicyConfiguration(project, p.id!));
  io.stdout.write('applied\n');
  return 0;
}

/**
 * Runs one Azure DevOps call; an answer other than success (azure-devops-node-api throws an Error with
 * `statusCode` and Azure's own message, e.g. TF400813 for a token that may not read policies) becomes a
 * tool error naming what was being done, the status and Azure's words, and how many changes landed
 * before it (`done`): not an "internal error". Network errors pass through to the CLI's own wording.
 */
async function azureCall<T>(what: string, done: number, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    const status = (error as { statusCode?: unknown })?.statusCode;
    if (typeof status !== 'number') throw error;
    const message = String((error as Error).message ?? '').replace(/\s+/g, ' ').slice(0, 300).replace(/[.\s]+$/, '');
    const check = status === 401 || status === 403 ? ' Check that the token (--token-env) may read and edit branch policies of the project.' : status === 404 ? ' Check --organization-url and --project.' : '';
    const landed = done > 0 ? ` ${done} change(s) were applied before it; run again to finish (the plan only lists what is left).` : '';
    throw new UsageError(`Azure DevOps answered ${status} to ${what}: ${logText(message)}.${check}${landed}`);
  }
}
