import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { plainConfigValue, readConfigDocument, schemaProblems } from './configFile.ts';
import { UsageError } from './usageError.ts';
import { selfAlias } from '../load/acyclicYaml.ts';
import { logText } from '../report/safeText.ts';
import type { Severity } from '../diagnostic.ts';
import { configPathOutside } from './configPaths.ts';
import { toolkitSchemaShown, toolkitValidator } from './toolkitSchemas.ts';
import { CONFIG_FILE } from './repoRoot.ts';
import { inferRepoUrl } from '../process/inferRepoUrl.ts';
import { appBackendCatalog } from './appBackend.ts';
import { appConfigLocations, type AppLocation } from './appConfigLocations.ts';
import { appScaffolderModules, type AppScaffolderModules } from './appScaffolderModules.ts';

// Kept apart so a command that may not need the config (a replayed `check`) loads neither Ajv nor yaml.
export { CONFIG_FILE, repoRoot } from './repoRoot.ts';

export interface ExternalEntities {
  kind?: string;
  namespace?: string;
  refs?: string[];
  /** Which ingestion brings them (`githubOrg`, `microsoftGraphOrg`, …): githubOrg groups are GitHub teams by name. */
  reason?: string;
}

export interface GitopsConfig {
  /** False when the folder has no gitops.config.yaml: Backstage's own rules and references only. */
  found: boolean;
  root: string;
  repoUrl?: string;
  failOn: Severity;
  codeowners?: { file: string; platformTeam: string; platformPaths: string[] };
  /** `actions`: scaffolder actions the managed Backstage provides beyond the installed modules, with their schemas. */
  backstageConfig?: { files: string[]; plugins: string[]; actions?: Record<string, { input: object; output?: object; supportsDryRun?: boolean }>; additionalTemplateFilters?: string[]; additionalTemplateGlobals?: string[] };
  /** Without gitops.config.yaml, in a Backstage app's repository: the scaffolder modules its backend adds (appScaffolderModules). */
  appScaffolder?: AppScaffolderModules;
  /** The generated JSON Schema editors validate catalog files with (`schema --write`). */
  editorSchema?: { file: string };
  rules: Record<string, Severity | 'off'>;
  /** The findings the catalog had when it was put under the gate (`check --write-baseline`): up to its counts they are info. */
  baseline?: string;
  /** Policy for changes to API definitions that other teams consume (the PR report). */
  apiChanges: ApiChangePolicy;
  catalog: {
    roots: string[];
    rootLocationType: 'url' | 'file';
    include: string[];
    policies?: string;
    appConfig?: string;
    allowedLocationTypes: string[];
    maxFileBytes: number;
    external: ExternalEntities[];
    /** Registered locations (`<type>:<target>`) whose entities `sync` may adopt; any other holder is a conflict. */
    adoptFrom: string[];
    /** `$<name>` placeholders the managed Backstage resolves besides text, json and yaml (e.g. openapi). */
    placeholderResolvers: string[];
    /** API groups of custom kinds the managed Backstage has processors for (e.g. `acme.com`). */
    apiGroups: string[];
    /** Catalog backend modules the managed Backstage runs that extend its entity model (e.g. `@backstage/plugin-catalog-backend-module-ai-model`). */
    modules: string[];
    /**
     * Without gitops.config.yaml, in a Backstage app's own repository: the files its app-config.yaml's
     * catalog.locations register (appConfigLocations), which tell a real conflict from a copy that app never reads.
     */
    appLocations?: AppLocation[];
  };
}

export { UsageError };

export interface ApiChangePolicy {
  breakingWithOtherConsumers: 'error' | 'warning' | 'allowed';
  allowWhenLifecycle: string[];
  allowWhenMajorVersion: boolean;
  /** Repo-relative path of the Spectral ruleset for changed definitions. */
  ruleset: string;
}

export const DEFAULT_API_CHANGE_POLICY: ApiChangePolicy = { breakingWithOtherConsumers: 'error', allowWhenLifecycle: ['experimental'], allowWhenMajorVersion: true, ruleset: 'schemas/api-lint/ruleset.yaml' };

export function defaultConfig(root: string): GitopsConfig {
  return {
    found: false,
    root,
    failOn: 'error',
    rules: {},
    apiChanges: DEFAULT_API_CHANGE_POLICY,
    catalog: {
      roots: [],
      rootLocationType: 'url',
      include: [],
      // CatalogBuilder's own default (plugin-catalog-backend): a backend that allows more says so in the config.
      allowedLocationTypes: ['url'],
      maxFileBytes: 1024 * 1024,
      external: [],
      adoptFrom: [],
      placeholderResolvers: [],
      apiGroups: [],
      modules: [],
    },
  };
}

/**
 * Reads `root/gitops.config.yaml`, validated against schemas/gitops-config.schema.json with its defaults
 * applied; without the file, the defaults of a plain folder (`found: false`) with the repoUrl its git
 * checkout gives (inferRepoUrl). `options.checkout`: the git checkout that repoUrl is read from instead of
 * `root`, for a folder that is a revision of that checkout extracted elsewhere (checkoutBase's `--base`
 * folder: git archive writes no `.git`). Throws a UsageError naming file, line and key for a file that is
 * not UTF-8, does not parse or breaks the schema.
 */
export async function loadConfig(root: string, options: { checkout?: string } = {}): Promise<GitopsConfig> {
  const path = join(root, CONFIG_FILE);
  // Without a config, the checkout's own origin says where the repository lives (absolute targets into it).
  // Backstage reads the base and the head from that one repository: an extracted base left to infer its own
  // (none, outside git) took `$text: https://host/org/repo/blob/main/api.yaml` for another repository's file,
  // so an unchanged entity read differently on the two sides and was reported changed, its findings new.
  if (!existsSync(path)) return withAppBackend({ ...defaultConfig(root), repoUrl: inferRepoUrl(options.checkout ?? root) });
  const validate = toolkitValidator('gitops-config');
  // A plain, valid config (the usual case) is read without `yaml`, which only a message needs for its
  // positions: anything else is read again from the start below, so every message stays what it was.
  const plain = plainConfigValue(path, CONFIG_FILE);
  if (plain) {
    const raw = (plain.value ?? {}) as RawConfig;
    if (validate(raw) && !configPathOutside(root, CONFIG_FILE, raw, () => 1)) return configFrom(root, raw);
  }
  const config = readConfigDocument(path, CONFIG_FILE);
  const loop = selfAlias(config.doc);
  if (loop) {
    const { line, col } = config.lineCounter.linePos(loop.range[0]);
    throw new UsageError(`${CONFIG_FILE}:${line}:${col}: the alias *${logText(loop.name.slice(0, 60))} stands inside the value its anchor names, so the value contains itself without end.\nWrite the nested value out, or point the alias at an anchor outside it.`);
  }
  const raw = (config.value ?? {}) as RawConfig;
  if (!validate(raw)) {
    const problems = schemaProblems(config, validate.errors ?? []);
    throw new UsageError(`${problems.slice(0, 5).join('\n')}${problems.length > 5 ? `\n… and ${problems.length - 5} more` : ''}\nSee ${toolkitSchemaShown('gitops-config', root)} for the keys ${CONFIG_FILE} takes.`);
  }
  // The config comes with pull requests: a path in it must not make `--write` or `check` leave the repo.
  const outside = configPathOutside(root, CONFIG_FILE, raw, path => {
    const node = config.doc.getIn(path, true) as { range?: [number, number, number] } | undefined;
    return node?.range ? config.lineCounter.linePos(node.range[0]).line : 1;
  });
  if (outside) throw new UsageError(outside);
  return configFrom(root, raw);
}

// A Backstage app's repository is read by that app's own backend: its catalog modules are the managed ones.
async function withAppBackend(config: GitopsConfig): Promise<GitopsConfig> {
  const app = await appBackendCatalog(config.root);
  const appLocations = appConfigLocations(config.root, config.repoUrl);
  const appScaffolder = appScaffolderModules(config.root);
  return app || appLocations || appScaffolder ? { ...config, ...(appScaffolder && { appScaffolder }), catalog: { ...config.catalog, ...app, ...(appLocations && { appLocations }) } } : config;
}

type RawConfig = { repoUrl?: string; failOn?: Severity; rules?: GitopsConfig['rules']; baseline?: string; codeowners?: GitopsConfig['codeowners']; backstageConfig?: GitopsConfig['backstageConfig']; editorSchema?: GitopsConfig['editorSchema']; apiChanges?: Partial<ApiChangePolicy>; catalog?: Partial<GitopsConfig['catalog']> };

/** The config of `root` from a file's value that the schema accepted (its defaults applied). */
function configFrom(root: string, raw: RawConfig): GitopsConfig {
  const base = defaultConfig(root);
  const catalog = raw.catalog ?? {};
  return {
    ...base,
    found: true,
    repoUrl: raw.repoUrl,
    failOn: raw.failOn ?? 'error',
    rules: raw.rules ?? {},
    baseline: raw.baseline,
    codeowners: raw.codeowners,
    // No app-config in this repo: plugins alone name the scaffolder modules the templates may use.
    backstageConfig: raw.backstageConfig && { ...raw.backstageConfig, files: raw.backstageConfig.files ?? [] },
    editorSchema: raw.editorSchema,
    apiChanges: { ...DEFAULT_API_CHANGE_POLICY, ...raw.apiChanges },
    catalog: { ...base.catalog, ...catalog },
  };
}
