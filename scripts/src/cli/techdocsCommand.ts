import { techdocsGeneratorSettings } from '../techdocs/techdocsSanitizer.ts';
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { isRecord } from '../load/loadCatalog.ts';
import { parseYaml } from '../load/parseYaml.ts';
import { readRepoFile } from '../load/repoPath.ts';
import { parseArgs } from 'node:util';
import { loadConfig, UsageError, repoRoot } from '../config/gitopsConfig.ts';
import { checkCatalog } from '../catalog/checkCatalog.ts';
import { settledGateFindings } from '../config/ruleSettings.ts';
import { subcommandProblem } from './subcommand.ts';
import { prepareCatalogCheck } from '../catalog/prepareCatalogCheck.ts';
import { listRepoFiles } from '../load/repoFiles.ts';
import { loadEntities } from '../scorecards/prepareScorecards.ts';
import { publishSites } from '../techdocs/publishSites.ts';
import { shard } from '../shard.ts';
import { azureConnectionProblem, type StorageTarget } from '../techdocs/siteStore.ts';
import { buildableSites } from '../techdocs/techdocsSites.ts';
import { describeTechdocsCore } from '../techdocs/buildSite.ts';
import { techdocsBuildCommand } from './techdocsBuildCommand.ts';
import { hideSecrets, refuseUrlCredentials, type CliIo } from './io.ts';
import { logText } from '../report/safeText.ts';
import { childEnv } from '../process/childEnv.ts';

export const TECHDOCS_HELP = `Usage: backstage-gitops techdocs publish [options]
       backstage-gitops techdocs build [options]   (the same build without publishing; build --help)

Builds (with @techdocs/cli, mkdocs from the machine) and publishes the TechDocs of every entity whose
backstage.io/techdocs-ref is dir: in this repo, skipping sites unchanged since the commit they were
last published from; removes stale files and verifies every file and techdocs_metadata.json.
Sites this repo published for an entity it no longer has (removed, renamed, moved) are removed
(by the run without --shard, or shard 1/n), but only while the catalog gate passes: a file that
does not load cleanly could be hiding the entity.

Storage:
  --publisher azureBlobStorage --container NAME
      [--connection-string-env NAME]           (default: AZURE_STORAGE_CONNECTION_STRING)
      [--account-name NAME --account-key-env NAME]
  --publisher awsS3 --bucket NAME --region REGION [--endpoint URL] [--force-path-style]
      (credentials from the AWS default chain: AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, …)
Options:
  --force            rebuild and publish every site
  --dry-run          list what would be built and published
  --shard i/n        publish only this share of the sites (CI matrix jobs)
  --sites DIR        publish the sites \`techdocs build --out DIR\` built from this commit (in a job
                     without secrets) instead of building them here: no MkDocs runs where the
                     storage credentials are
  --allow-mass-delete
                     remove stale sites even when that is every site this repo published, or more
                     than five and more than a tenth of them
  --adopt-site NS/KIND/NAME
                     replace this site although another source published it (an entity whose docs
                     moved to this repo); without it, a site whose techdocs_metadata.json etag is not
                     a commit of this repo's history is never overwritten (repeatable)
  --root DIR         repository root (default: current folder)

Exit codes: 0 published (or up to date), 1 a site failed to build, publish or verify, 2 usage error.
`;

export async function techdocsCommand(argv: string[], io: CliIo): Promise<number> {
  if (argv[0] === 'build') return techdocsBuildCommand(argv.slice(1), io);
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      publisher: { type: 'string' }, container: { type: 'string' }, 'connection-string-env': { type: 'string', default: 'AZURE_STORAGE_CONNECTION_STRING' },
      'account-name': { type: 'string' }, 'account-key-env': { type: 'string' }, bucket: { type: 'string' }, region: { type: 'string' },
      endpoint: { type: 'string' }, 'force-path-style': { type: 'boolean' }, force: { type: 'boolean' }, 'dry-run': { type: 'boolean' },
      shard: { type: 'string' }, root: { type: 'string' }, sites: { type: 'string' }, 'allow-mass-delete': { type: 'boolean' }, 'adopt-site': { type: 'string', multiple: true }, help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return io.stdout.write(TECHDOCS_HELP), 0;
  if (positionals[0] !== 'publish') throw subcommandProblem('techdocs', positionals[0], ['publish', 'build']);
  const adopt = new Set((values['adopt-site'] ?? []).map(triplet => triplet.trim().toLowerCase()));
  const badTriplet = [...adopt].find(triplet => !/^[^/\s]+\/[^/\s]+\/[^/\s]+$/.test(triplet));
  if (badTriplet !== undefined) throw new UsageError(`--adopt-site ${logText(badTriplet.slice(0, 200))}: give the site as namespace/kind/name, such as default/component/orders-api`);
  const { 'adopt-site': _adopt, 'allow-mass-delete': allowMass, ...storage } = values;
  const target = storageTarget(storage, io.env);
  // Storage credentials never reach the log, whatever an SDK error or a build echoes.
  hideSecrets(io, ...(target.type === 'azureBlobStorage' ? [target.connectionString, target.accountKey] : [target.secretAccessKey, io.env.AWS_SESSION_TOKEN]));
  refuseUrlCredentials(io, values.endpoint as string | undefined, '--endpoint', 'AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY');
  const refused = target.type === 'azureBlobStorage' && target.connectionString ? azureConnectionProblem(target.connectionString) : undefined;
  // The SDK's reason is bounded and may only name a part of the string: the value itself is hidden above.
  if (refused !== undefined) throw new UsageError(`${logText(String(values['connection-string-env']).slice(0, 100))} is not a connection string the Azure Storage SDK accepts (${logText(refused.slice(0, 200))}); copy it from the storage account's Access keys page: DefaultEndpointsProtocol=https;AccountName=<account>;AccountKey=<key>;EndpointSuffix=core.windows.net, or BlobEndpoint=<url>;SharedAccessSignature=<token>`);
  const root = repoRoot(io.cwd, values.root);
  const config = await loadConfig(root);
  const { entities } = await loadEntities(root);
  const repoFiles = new Set(await listRepoFiles(root));
  const settings = await techdocsGeneratorSettings(config);
  const sites = buildableSites(entities, repoFiles, config.repoUrl, settings);
  const mine = shard(sites, values.shard);
  const head = spawnSync('git', ['-C', root, 'rev-parse', 'HEAD'], { encoding: 'utf8', env: childEnv() });
  const commit = head.status === 0 ? head.stdout.trim() : 'unversioned';
  if (values.sites === undefined) io.stderr.write(`techdocs: ${logText(describeTechdocsCore())}\n`);
  io.stderr.write(`techdocs: ${mine.length} of ${sites.length} site(s)${values.shard ? ` in shard ${logText(values.shard)}` : ''}, commit ${logText(commit.slice(0, 12))}\n`);
  const prebuilt = values.sites === undefined ? undefined : resolve(io.cwd, values.sites);
  if (prebuilt !== undefined && !existsSync(prebuilt)) throw new UsageError(`--sites ${logText(values.sites ?? '')}: no such folder (give the --out folder of techdocs build)`);
  // Stale sites are looked for once per commit: by the unsharded run, or by shard 1/n.
  // An entity still written in a file the catalog does not read is hidden, not gone: its site stays.
  const stale = shard([0], values.shard).length ? { known: new Set([...sites.map(s => s.triplet.toLowerCase()), ...writtenUnread(root, repoFiles, new Set(entities.map(e => e.file)), config.catalog.maxFileBytes)]), blocked: await catalogProblem(config), allowMass: Boolean(allowMass) } : undefined;
  const results = await publishSites({ root, sites: mine, settings, target, commit, force: Boolean(values.force), dryRun: Boolean(values['dry-run']), prebuilt, adopt, stale, log: line => io.stderr.write(`techdocs: ${logText(line)}\n`) });
  const count = (o: string) => results.filter(r => r.outcome === o).length;
  const removed = count('removed') + count('would-remove') ? `, ${count('removed')} stale site(s) removed${count('would-remove') ? `, ${count('would-remove')} to remove` : ''}` : '';
  io.stdout.write(`${count('published')} published, ${count('up-to-date')} up to date, ${count('would-publish')} to publish${removed}, ${count('failed')} failed\n`);
  return count('failed') > 0 ? 1 : 0;
}

/**
 * The entities (as lower-cased namespace/kind/name, the publisher's triplets) written in the repository's
 * YAML files that the catalog does not read (`read`: the files its entities came from): a file no Location
 * reaches any more (a team's Location file dropped another team's target, with no `catalog.include` to call
 * it unreachable) still holds entities a merge did not remove, so their sites are not stale. Files over
 * `maxBytes`, or that do not parse are skipped (parsed with the gate's bounded YAML reader).
 * Never throws.
 */
function writtenUnread(root: string, repoFiles: ReadonlySet<string>, read: ReadonlySet<string>, maxBytes: number): string[] {
  const found: string[] = [];
  for (const file of repoFiles) {
    if (read.has(file) || !/\.ya?ml$/i.test(file)) continue;
    let text: string;
    try {
      if (statSync(join(root, file)).size > maxBytes) continue;
      text = readRepoFile(root, file, 'utf8');
    } catch {
      continue;
    }
    if (!/\bkind\s*:/.test(text)) continue;
    let documents: unknown[];
    try {
      documents = parseYaml(text, file).documents;
    } catch {
      continue;
    }
    for (const document of documents) {
      if (!isRecord(document) || typeof document.kind !== 'string' || !isRecord(document.metadata) || typeof document.metadata.name !== 'string') continue;
      const namespace = typeof document.metadata.namespace === 'string' ? document.metadata.namespace : 'default';
      found.push(`${namespace}/${document.kind}/${document.metadata.name}`.toLowerCase());
    }
  }
  return found;
}

/**
 * Why stale sites must not be looked for this run: the catalog gate's errors in catalog files (a file
 * that does not parse or a Location that does not resolve hides entities that are still meant to be
 * there), else undefined. Errors in the docs themselves (mkdocs.yml) hide no entity.
 */
async function catalogProblem(config: Awaited<ReturnType<typeof loadConfig>>): Promise<string | undefined> {
  const input = await prepareCatalogCheck(config, []);
  const catalogFiles = new Set([...input.loaded.files, ...input.loaded.context].map(f => f.file));
  const gate = await checkCatalog(input);
  const errors = settledGateFindings(gate.diagnostics, config).filter(d => d.severity === 'error' && (!d.file || catalogFiles.has(d.file)));
  return errors.length ? `the catalog gate reports ${errors.length} error(s) in catalog files (first: ${errors[0].file ?? ''} ${errors[0].ruleId}), so an entity missing from the catalog may only be unreadable; run check` : undefined;
}

function storageTarget(values: Record<string, string | boolean | undefined>, env: CliIo['env']): StorageTarget {
  if (values.publisher === 'azureBlobStorage') {
    if (!values.container) throw new UsageError('--container is required for azureBlobStorage');
    const connectionString = env[String(values['connection-string-env'])];
    if (!connectionString && !values['account-name']) throw new UsageError(`Set ${values['connection-string-env']} or give --account-name`);
    return { type: 'azureBlobStorage', containerName: String(values.container), connectionString, accountName: values['account-name'] as string | undefined, accountKey: values['account-key-env'] ? env[String(values['account-key-env'])] : undefined };
  }
  if (values.publisher === 'awsS3') {
    if (!values.bucket || !values.region) throw new UsageError('--bucket and --region are required for awsS3');
    return { type: 'awsS3', bucketName: String(values.bucket), region: String(values.region), endpoint: values.endpoint as string | undefined, forcePathStyle: Boolean(values['force-path-style']), accessKeyId: env.AWS_ACCESS_KEY_ID, secretAccessKey: env.AWS_SECRET_ACCESS_KEY };
  }
  throw new UsageError('--publisher takes azureBlobStorage or awsS3');
}
