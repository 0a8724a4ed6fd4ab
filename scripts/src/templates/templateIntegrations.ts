import { createRequire } from 'node:module';
import type { GitopsConfig } from '../config/gitopsConfig.ts';
import { managedAppConfigs } from '../backstageConfig/managedAppConfigs.ts';
import { holdsUnknown } from '../backstageConfig/resolveAppConfig.ts';

const require = createRequire(import.meta.url);

/** The managed Backstage's `integrations:` section, as its app-config files write it ({} when they write none). */
export interface DeploymentIntegrations {
  integrations: Record<string, unknown>;
}

// The keys an integration entry is found by: a host (or a URL holding one) that comes from the environment
// leaves unknown which hosts the deployment reads.
const HOST_KEYS = new Set(['host', 'baseUrl', 'apiBaseUrl', 'apiUrl', 'rawBaseUrl', 'gitilesBaseUrl', 'cloneUrl']);

/**
 * The `integrations` section of the managed Backstage's app-config files (managedAppConfigs: catalog.appConfig
 * and backstageConfig.files, later files winning key by key, as config-loader merges them), for the render to
 * build its ScmIntegrations with (@backstage/integration's ScmIntegrations.fromConfig, which adds the default
 * github.com, gitlab.com, bitbucket.org and dev.azure.com entries itself): parseRepoUrl, the filter and the
 * actions, then refuses a host the deployment has no integration for, as the task does ('No matching
 * integration configuration for host …'). Undefined when no app-config file is known (the deployment's
 * integrations are unknown, so the render keeps accepting a host a picker value names), when an entry's host
 * comes from the environment (`${GHE_HOST}`), or when Backstage's integrations refuse the section (the config
 * gate reports it).
 */
export async function templateIntegrations(config: GitopsConfig): Promise<DeploymentIntegrations | undefined> {
  const configs = await managedAppConfigs(config, { skipMissing: true });
  if (!configs.length) return undefined;
  const { ConfigReader } = require('@backstage/config') as typeof import('@backstage/config');
  // Backstage's integrations are built from the section where the render loads them (renderTemplate, which
  // falls back to unknown integrations when they refuse it): @backstage/integration's index, loaded here,
  // would evaluate Azure and GitHub App sign-in for every run.
  try {
    const reader = ConfigReader.fromConfigs(configs);
    const section = reader.getOptional('integrations') ?? {};
    if (!isRecord(section) || hostFromEnvironment(section)) return undefined;
    return { integrations: whereOnly(section) };
  } catch {
    return undefined;
  }
}

// What an entry says of where a host is, the only part parseRepoUrl and the actions' host lookup read. The rest
// (tokens, GitHub Apps, Azure credentials) an offline render never uses, and building the actions' credential
// providers from it evaluates @azure/identity and GitHub App sign-in (≈0.3 s) for nothing.
const WHERE_KEYS = new Set([...HOST_KEYS, 'endpoint', 'region', 's3ForcePathStyle']);

/** The integrations section with each entry cut to its WHERE_KEYS (a value that is no list of entries kept as written). */
function whereOnly(section: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(section).map(([type, entries]) => [type, Array.isArray(entries) ? entries.map(e => (isRecord(e) ? Object.fromEntries(Object.entries(e).filter(([k]) => WHERE_KEYS.has(k))) : e)) : entries]));
}

function hostFromEnvironment(value: unknown, depth = 0): boolean {
  if (depth > 16) return true;
  if (Array.isArray(value)) return value.some(v => hostFromEnvironment(v, depth + 1));
  if (!isRecord(value)) return false;
  return Object.entries(value).some(([key, v]) => (HOST_KEYS.has(key) && holdsUnknown(v)) || (typeof v === 'object' && hostFromEnvironment(v, depth + 1)));
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The hint for a render that failed, or a repoUrl refused, because parseRepoUrl found no integration for a
 * host in the managed Backstage's integrations (templateIntegrations); undefined for any other message.
 */
export function missingIntegrationHint(message: string): string | undefined {
  const host = /No matching integration configuration for host ([^\s,"']+)/.exec(message)?.[1];
  if (!host) return undefined;
  return `Backstage builds its integrations from the app-config gitops.config.yaml names (backstageConfig.files), which configures none for ${host.slice(0, 100)}: the task fails the same way. Add an entry for the host under integrations: in that app-config (github:, gitlab:, azure:… with host: ${host.slice(0, 100)}), or give a value on a host it configures.`;
}
