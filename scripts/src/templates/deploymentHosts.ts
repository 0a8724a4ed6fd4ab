import { OWN_PARAMETERS } from './ownParameters.ts';
import { createRequire } from 'node:module';
import { isRecord } from '../load/loadCatalog.ts';
import { deferUnreadScaffolderModules } from './offlineScaffolder.ts';

const require = createRequire(import.meta.url);

// The parts of a RepoUrlPicker value (host?owner=…&repo=…) parseRepoUrl reads.
const PICKER_VALUE = /^([A-Za-z0-9.-]+(?::\d{1,5})?)\?(?:[^#]*&)?(?:owner|repo|organization|workspace|project)=/;

/**
 * The integrations config a render reads repo URLs with: Backstage's defaults (github.com, gitlab.com,
 * bitbucket.org, dev.azure.com…) plus every other host the task's values give a RepoUrlPicker value for, or a
 * picker's allowedHosts offer. Such a host is one the deployment's own `integrations:` configures (the
 * picker offers nothing else that works), which `check` already leaves to the deployment; offline
 * parseRepoUrl refused it ('No matching integration configuration for host …'), the runner swallowed the
 * error, and the step got its raw `${{ … | parseRepoUrl }}` text, which the skeleton then wrote out. Its type
 * is not known here, so it is read as the one that requires the fewest parts (gitea: repo only): parseRepoUrl
 * returns the same host, owner, repo, organization, workspace and project whatever the type, but requires
 * more of some: a host the template gives an action of a typed module (`typed`, from typedHosts) is read as
 * that type, as the deployment must configure it for the action to run (a GitHub Enterprise value without
 * its owner is refused as Backstage refuses it). The template's own host (`sourceHost`) is left as it is
 * configured, so relative urls resolve as before.
 */
export function renderIntegrationsConfig(values: unknown, parameters: unknown, sourceHost: string | undefined, typed: ReadonlyMap<string, string> = new Map()): Record<string, unknown> {
  const { ScmIntegrations } = require('@backstage/integration');
  const { ConfigReader } = require('@backstage/config');
  const defaults = ScmIntegrations.fromConfig(new ConfigReader({}));
  const hosts = new Set<string>();
  const seen = new Set<unknown>();
  const visit = (value: unknown, depth: number, pickers: boolean): void => {
    if (depth > 64 || hosts.size >= 50 || (typeof value === 'object' && value !== null && seen.has(value))) return;
    if (typeof value === 'string') {
      const host = PICKER_VALUE.exec(value)?.[1];
      if (host) hosts.add(host.toLowerCase());
      return;
    }
    if (typeof value === 'object' && value !== null) seen.add(value);
    if (Array.isArray(value)) for (const item of value) visit(item, depth + 1, pickers);
    else if (isRecord(value)) {
      if (pickers && isRecord(value['ui:options']) && Array.isArray(value['ui:options'].allowedHosts)) {
        for (const host of value['ui:options'].allowedHosts) if (typeof host === 'string' && /^[A-Za-z0-9.-]+(?::\d{1,5})?$/.test(host)) hosts.add(host.toLowerCase());
      }
      for (const item of Object.values(value)) visit(item, depth + 1, pickers);
    }
  };
  visit(values, 0, false);
  visit(parameters, 0, true);
  for (const host of typed.keys()) if (hosts.size < 50) hosts.add(host);
  const configured: Record<string, Record<string, unknown>[]> = {};
  for (const host of hosts) {
    if (host === sourceHost?.toLowerCase() || defaults.byHost(host)) continue;
    // The type the template's own actions require of the host (publish:github: a github integration), else gitea.
    for (const type of [typed.get(host), 'gitea']) {
      const entry = type && integrationEntry(type, host);
      if (!entry) continue;
      (configured[type!] ??= []).push(entry);
      break;
    }
  }
  return Object.keys(configured).length ? { integrations: configured } : {};
}

/**
 * The integration type a scaffolder module's actions require of a repoUrl's host: the SCM its package is
 * named for (@backstage/plugin-scaffolder-backend-module-github: publish:github reads the host through
 * parseRepoUrl, then integrations.github.byHost, and fails the task for a host of any other type). Undefined
 * for scaffolder-backend itself or a declared action; a module named for no integration type gives a name
 * integrationEntry configures nothing with.
 */
export function integrationTypeOf(provider: string | undefined): string | undefined {
  const scm = provider && /(?:^|\/)(?:plugin-)?scaffolder-backend-module-([a-z]+(?:-[a-z]+)*)$/.exec(provider)?.[1];
  if (!scm) return undefined;
  // Checked only where a host is configured with it (integrationEntry: a name the integrations lack configures
  // nothing), so that check, which calls this per step, loads no integration code for it.
  return scm.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}

/**
 * The fewest settings Backstage's integrations accept for a host of `type` (GitLab needs its API's URL,
 * Gerrit its Gitiles URL), or undefined when that type cannot configure the host (bitbucketCloud is
 * bitbucket.org only). parseRepoUrl reads only the host's type.
 */
export function integrationEntry(type: string, host: string): Record<string, unknown> | undefined {
  deferUnreadScaffolderModules();
  const { ScmIntegrations } = require('@backstage/integration');
  const { ConfigReader } = require('@backstage/config');
  const entry: Record<string, unknown> = { host };
  if (type === 'gitlab') entry.apiBaseUrl = `https://${host}/api/v4`;
  if (type === 'gerrit') entry.gitilesBaseUrl = `https://${host}/gitiles`;
  try {
    return ScmIntegrations.fromConfig(new ConfigReader({ integrations: { [type]: [entry] } })).byHost(host)?.type === type ? entry : undefined;
  } catch {
    // Not a host Backstage's integrations accept: parseRepoUrl refuses it there too.
    return undefined;
  }
}

/**
 * The hosts a template's steps give to actions that require a type of integration (integrationTypeOf), and
 * that type: a host written in the step's repoUrl, and the hosts of each RepoUrlPicker parameter it names
 * (the value's, and the picker's allowedHosts). The first step to type a host wins.
 */
export function typedHosts(steps: readonly unknown[], values: unknown, parameters: unknown, providerOf: (action: string) => string | undefined): Map<string, string> {
  const typed = new Map<string, string>();
  const pickers = pickerHosts(parameters);
  for (const step of steps) {
    if (!isRecord(step) || typeof step.action !== 'string' || !isRecord(step.input) || typeof step.input.repoUrl !== 'string') continue;
    const type = integrationTypeOf(providerOf(step.action));
    if (!type) continue;
    const hosts = new Set<string>();
    const literal = PICKER_VALUE.exec(step.input.repoUrl)?.[1];
    if (literal) hosts.add(literal.toLowerCase());
    for (const [, name] of step.input.repoUrl.matchAll(new RegExp(String.raw`${OWN_PARAMETERS}\s*\.\s*([A-Za-z_$][\w$]*)`, 'g'))) {
      const value = isRecord(values) ? values[name] : undefined;
      const host = typeof value === 'string' ? PICKER_VALUE.exec(value)?.[1] : undefined;
      if (host) hosts.add(host.toLowerCase());
      for (const h of pickers.get(name) ?? []) hosts.add(h);
    }
    for (const host of hosts) if (!typed.has(host)) typed.set(host, type);
  }
  return typed;
}

/** Each parameter's allowedHosts (ui:options), by the parameter's name, from every page of spec.parameters. */
function pickerHosts(parameters: unknown): Map<string, string[]> {
  const found = new Map<string, string[]>();
  for (const page of Array.isArray(parameters) ? parameters : [parameters]) {
    if (!isRecord(page) || !isRecord(page.properties)) continue;
    for (const [name, schema] of Object.entries(page.properties)) {
      const allowed = isRecord(schema) && isRecord(schema['ui:options']) ? schema['ui:options'].allowedHosts : undefined;
      if (Array.isArray(allowed)) found.set(name, allowed.filter((h): h is string => typeof h === 'string' && /^[A-Za-z0-9.-]+(?::\d{1,5})?$/.test(h)).map(h => h.toLowerCase()));
    }
  }
  return found;
}
