import { createRequire } from 'node:module';
import { isRecord } from '../load/loadCatalog.ts';

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
 * returns the same host, owner, repo, organization, workspace and project whatever the type. The template's
 * own host (`sourceHost`) is left as it is configured, so relative urls resolve as before.
 */
export function renderIntegrationsConfig(values: unknown, parameters: unknown, sourceHost: string | undefined): Record<string, unknown> {
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
  const gitea: { host: string }[] = [];
  for (const host of hosts) {
    if (host === sourceHost?.toLowerCase() || defaults.byHost(host)) continue;
    try {
      ScmIntegrations.fromConfig(new ConfigReader({ integrations: { gitea: [{ host }] } }));
      gitea.push({ host });
    } catch {
      // Not a host Backstage's integrations accept: parseRepoUrl refuses it there too.
    }
  }
  return gitea.length ? { integrations: { gitea } } : {};
}
