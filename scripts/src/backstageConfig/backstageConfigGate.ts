import { existsSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve, sep } from 'node:path';
import type { GitopsConfig } from '../config/gitopsConfig.ts';
import type { Diagnostic } from '../diagnostic.ts';
import { FILE_START } from '../diagnostic.ts';
import { isRecord } from '../load/loadCatalog.ts';
import { parseYaml } from '../load/parseYaml.ts';
import type { PathSegment } from '../load/yamlPath.ts';
import { checkBackstageConfig, type ConfigFile } from './checkBackstageConfig.ts';
import { loadPluginConfigSchema, rememberedFindings, type RememberedFindings } from './configSchema.ts';
import { resolveAppConfig, type ConfigRead } from './resolveAppConfig.ts';
import { affordableYaml } from '../load/yamlNodeBudget.ts';
import { leavesRoot } from '../load/leavesRoot.ts';

const require = createRequire(import.meta.url);

// parseYaml words its problems for catalog files; config-loader throws on them instead (yaml.parse in
// sources/utils.cjs.js parseYamlContent), and the backend stops while loading its config.
const LOADER_HINTS: Record<string, string> = {
  'yaml-syntax': 'Fix the YAML syntax here: @backstage/config-loader cannot parse the file, so the backend does not start.',
  'yaml-duplicate-key': "Keep one of the two keys: @backstage/config-loader's YAML parser rejects a repeated key, so the backend does not start.",
};

/**
 * Reads the app-config files named in gitops.config.yaml and checks them as the managed Backstage loads
 * them. A missing file is a finding; for the others, each file's YAML problems and the findings are
 * remembered per text while the files their includes read are unchanged (see rememberedFindings), so an
 * unchanged config is neither parsed nor checked again. Returns diagnostics; throws only for a broken install.
 */
export async function backstageConfigGate(config: GitopsConfig): Promise<Diagnostic[]> {
  if (!config.backstageConfig) return [];
  const present: { file: string; text: string }[] = [];
  const missing = new Map<number, Diagnostic>();
  config.backstageConfig.files.forEach((file, i) => {
    const path = join(config.root, file);
    if (!insideRepo(config.root, path)) missing.set(i, { ruleId: 'config-load', severity: 'error', message: `${file} is not a file inside the repo; it is not read.`, hint: 'Name the app-config by its path inside the repo (no ../, no symbolic link that leads out).', file: 'gitops.config.yaml', range: FILE_START });
    else if (existsSync(path)) present.push({ file, text: readFileSync(path, 'utf8') });
    else missing.set(i, { ruleId: 'config-load', severity: 'error', message: `${file} is missing.`, hint: 'Create it or remove it from backstageConfig.files: config-loader stops on a config file that does not exist, and the backend does not start.', file: 'gitops.config.yaml', range: FILE_START });
  });
  const { plugins } = config.backstageConfig;
  const remembered = present.length ? await rememberedFindings(config.root, plugins, present, async () => checkTexts(config.root, present, plugins)) : { problems: [], findings: [] };
  // In the order of backstageConfig.files: each file's own problems, then what the schema says.
  let next = 0;
  const perFile = config.backstageConfig.files.flatMap((_, i) => missing.get(i) ?? remembered.problems[next++]);
  return [...perFile, ...remembered.findings, ...resolversWithoutModule(config)];
}

const OPENAPI_MODULE = '@backstage/plugin-catalog-backend-module-openapi';

/**
 * `$openapi`/`$asyncapi` resolve only where the managed Backstage runs catalog-backend-module-openapi:
 * catalog.placeholderResolvers saying so while backstageConfig.plugins (the list of what it runs) leaves
 * the module out is a contradiction the catalog gate would trust. One warning, on gitops.config.yaml.
 */
function resolversWithoutModule(config: GitopsConfig): Diagnostic[] {
  const bundling = config.catalog.placeholderResolvers.filter(r => r === 'openapi' || r === 'asyncapi');
  if (bundling.length === 0 || !config.backstageConfig || config.backstageConfig.plugins.includes(OPENAPI_MODULE)) return [];
  return [{
    ruleId: 'config-resolver-module-missing',
    severity: 'warning',
    message: `catalog.placeholderResolvers lists ${bundling.join(' and ')}, but backstageConfig.plugins does not name ${OPENAPI_MODULE}, the module that resolves ${bundling.map(r => `$${r}`).join(' and ')}: the gate accepts definitions the managed Backstage, as this config describes it, leaves unresolved (an object where the API kind needs text).`,
    hint: `Add ${OPENAPI_MODULE} to backstageConfig.plugins if the managed Backstage runs it; otherwise remove ${bundling.join(' and ')} from catalog.placeholderResolvers and read definitions with $text.`,
    file: 'gitops.config.yaml',
    range: FILE_START,
  }];
}

/** Whether `path` (a config file named in gitops.config.yaml) is in the repo, lexically and once symbolic links are followed. */
function insideRepo(root: string, path: string): boolean {
  const rel = relative(root, path);
  if (rel === '' || leavesRoot(rel)) return false;
  try {
    const realRoot = realpathSync(root);
    const real = realpathSync(path);
    return real.startsWith(realRoot + sep) && statSync(real).isFile();
  } catch {
    // Not there: reported as missing.
    return true;
  }
}

/**
 * Parses each app-config text as config-loader does (its own `yaml`; positions from parseYaml), applies
 * its transforms (resolveAppConfig) and checks the files that load against the plugins' schema.
 */
async function checkTexts(root: string, texts: readonly { file: string; text: string }[], plugins: readonly string[]): Promise<RememberedFindings> {
  const files: ConfigFile[] = [];
  const findings: Diagnostic[] = [];
  const reads: ConfigRead[] = [];
  let allLoad = true;
  const problems: Diagnostic[][] = [];
  for (const { file, text } of texts) {
    const parsed = parseYaml(text, file);
    const own = parsed.problems.map(p => (LOADER_HINTS[p.ruleId] ? { ...p, hint: LOADER_HINTS[p.ruleId] } : p));
    problems.push(own);
    const source = { file, documents: parsed.documents, problems: parsed.problems, locate: parsed.locate };
    let data: unknown;
    try {
      // parseYaml reported a text over the YAML budgets (yaml-node-limit): the loader's parse would spend minutes on it.
      affordableYaml(text);
      data = loaderYaml().parse(text);
    } catch (error) {
      allLoad = false;
      if (!own.some(p => p.severity === 'error')) findings.push(loadFailure(file, `it does not parse: ${messageOf(error)}`, FILE_START));
      continue;
    }
    // FileConfigSource skips a file that holds nothing.
    if (data === null || data === undefined) continue;
    const resolved = await resolveAppConfig(root, file, data);
    reads.push(...resolved.reads);
    for (const path of resolved.linksOut) {
      findings.push({ ruleId: 'config-include-link-out', severity: 'warning', message: `${path} is a symbolic link that leads out of the repo; what it holds is not checked.`, hint: 'Commit the file itself, or name the mounted path outside the repo directly.', file, range: FILE_START });
    }
    for (const path of resolved.missing) {
      findings.push({ ruleId: 'config-include-missing', severity: 'warning', message: `${path} is not in the repo: config-loader stops on an $include/$file it cannot read, so the backend starts only where the deployment provides this file.`, hint: 'Make sure the deployment mounts it (a secret file stays out of the repo), or fix the path.', file, range: includeRange(root, file, data, path, parsed.locate) });
    }
    if (resolved.error !== undefined || !resolved.data) {
      allLoad = false;
      const at = errorPath(resolved.error ?? '');
      findings.push(loadFailure(file, resolved.error ?? 'no data', isRecord(data) && at.length ? parsed.locate(0, writtenPrefix(data, at)) : FILE_START));
      continue;
    }
    if (isRecord(data)) files.push({ source, data, resolved: resolved.data });
  }
  if (files.length) {
    const { schema, unchecked } = await loadPluginConfigSchema(plugins);
    for (const { plugin, reason } of unchecked) {
      findings.push({ ruleId: 'config-plugin-unchecked', severity: 'warning', message: `${plugin} ${reason}: the config it reads is not checked.`, hint: 'Install the plugin at the version the managed Backstage runs beside backstage-gitops (npm install --save-exact), or remove it from backstageConfig.plugins.', file: 'gitops.config.yaml', range: FILE_START });
    }
    // A file that does not load stops the backend: the others' merged config would lack its values.
    findings.push(...checkBackstageConfig(files, schema, { judgeSchema: allLoad }));
  }
  return { problems, findings, reads };
}

function loadFailure(file: string, reason: string, range: Diagnostic['range']): Diagnostic {
  // The loader's message quotes repo content (and the parser's code frame after the first line): bounded.
  const first = reason.split('\n')[0];
  // A deep path (an include cycle's) would crowd out the reason after it.
  const line = first.replace(/^error at (\S{120,}?), /, (_, at: string) => `error at ${at.slice(0, 60)}…${at.slice(-40)}, `);
  const bounded = line.length > 300 ? `${line.slice(0, 300)}…` : line;
  return { ruleId: 'config-load', severity: 'error', message: `Backstage cannot load ${file}: ${bounded}`, hint: '@backstage/config-loader stops on this, so the backend does not start; fix what the message names.', file, range };
}

/** config-loader's own `yaml` (the one its parseYamlContent and $include use). */
function loaderYaml(): { parse(text: string): unknown } {
  return createRequire(require.resolve('@backstage/config-loader'))('yaml');
}

/** The path in apply.cjs.js's "error at .backend.database[0], …" as segments. */
function errorPath(message: string): PathSegment[] {
  const at = /^error at ((?:\.[^.,[\s]+|\[\d+\])*),/.exec(message)?.[1] ?? '';
  return [...at.matchAll(/\.([^.,[\s]+)|\[(\d+)\]/g)].map(m => (m[2] !== undefined ? Number(m[2]) : m[1]));
}

/** Where `file` names the include of repo path `target` (`$include`/`$file`, relative to the file's folder); the file's start when nested in another include. */
function includeRange(root: string, file: string, data: unknown, target: string, locate: (document: number, path: readonly PathSegment[]) => Diagnostic['range']): Diagnostic['range'] {
  const dir = dirname(join(root, file));
  const search = (node: unknown, path: PathSegment[]): PathSegment[] | undefined => {
    if (node === null || typeof node !== 'object') return undefined;
    for (const [key, value] of Object.entries(node)) {
      const at = [...path, Array.isArray(node) ? Number(key) : key];
      if ((key === '$include' || key === '$file') && typeof value === 'string' && relative(root, resolve(dir, value.split('#')[0])).split(sep).join('/') === target) return at;
      const found = search(value, at);
      if (found) return found;
    }
    return undefined;
  };
  const path = search(data, []);
  return path ? locate(0, path) : FILE_START;
}

function writtenPrefix(data: unknown, path: PathSegment[]): PathSegment[] {
  let node = data;
  let i = 0;
  for (; i < path.length; i++) {
    if (node === null || typeof node !== 'object' || !Object.hasOwn(node, path[i])) break;
    node = (node as Record<PathSegment, unknown>)[path[i]];
  }
  return path.slice(0, i);
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
