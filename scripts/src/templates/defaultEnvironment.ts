import { createRequire } from 'node:module';
import type { GitopsConfig } from '../config/gitopsConfig.ts';
import { managedAppConfigs } from '../backstageConfig/managedAppConfigs.ts';
import { holdsUnknown } from '../backstageConfig/resolveAppConfig.ts';

const require = createRequire(import.meta.url);

/** The managed Backstage's `scaffolder.defaultEnvironment`, as its app-config writes it: what templates read as `environment.parameters` / `environment.secrets`. */
export interface DefaultEnvironment {
  parameters: Record<string, unknown>;
  secrets: Record<string, unknown>;
  /** The parameters left out because the managed Backstage takes their value from its environment: unknown offline. */
  fromDeployment?: string[];
}

/**
 * The `scaffolder.defaultEnvironment` of the managed Backstage's app-config files (managedAppConfigs: later
 * files win, key by key, as config-loader merges them), for the offline runner's config: the runner reads it
 * itself (resolveDefaultEnvironment, NunjucksWorkflowRunner.getEnvironmentConfig) and renders
 * `environment.parameters` from it, redacts the secrets from its log and, in a dry-run, renders
 * `environment.secrets` as nothing. An entry whose value the managed Backstage takes from its environment
 * (`${VAR}`, `$env`, an include the check cannot read) is left out: offline it is unknown, so it renders
 * empty; `fromDeployment` names such parameters, so a case that reads one can say so. Values are kept as written, so one that is not a string fails the render as it fails every task.
 * Undefined when no file sets one.
 */
export async function templateEnvironment(config: GitopsConfig): Promise<DefaultEnvironment | undefined> {
  // A render never needed the app-config files: one that is not there (a copy of the templates alone) sets nothing.
  const configs = await managedAppConfigs(config, { skipMissing: true });
  if (!configs.length) return undefined;
  const { ConfigReader } = require('@backstage/config') as typeof import('@backstage/config');
  let section: unknown;
  try {
    section = ConfigReader.fromConfigs(configs).getOptional('scaffolder.defaultEnvironment');
  } catch {
    // A scaffolder key that is not a mapping: the config gate reports it.
    return undefined;
  }
  if (!isRecord(section)) return undefined;
  const known = (value: unknown) => Object.fromEntries(Object.entries(isRecord(value) ? value : {}).filter(([, v]) => !holdsUnknown(v)));
  const fromDeployment = Object.entries(isRecord(section.parameters) ? section.parameters : {}).filter(([, v]) => holdsUnknown(v)).map(([k]) => k);
  return { parameters: known(section.parameters), secrets: known(section.secrets), ...(fromDeployment.length ? { fromDeployment } : {}) };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
