import { posix } from 'node:path';
import { CONFIG_FILE } from './repoRoot.ts';
import { trimTrailingSlashes } from '../load/trailingSlashes.ts';
import type { GitopsConfig } from './gitopsConfig.ts';

/** Repo files and folders (folders ending in `/`), root-relative and `/`-separated. */
export interface RepoPaths {
  files: ReadonlySet<string>;
  folders: readonly string[];
}

/**
 * What only the whole run's gates judge, as `config` names it: gitops.config.yaml, the Backstage config files
 * (catalog.appConfig, backstageConfig.files), and the scorecards, org-policy (catalog.policies) and
 * template-policy folders. They need the whole catalog, so `check <paths>` says it did not judge them.
 */
export function wholeRunPaths(config: GitopsConfig): RepoPaths {
  const files = [CONFIG_FILE, config.catalog.appConfig, ...(config.backstageConfig?.files ?? [])];
  return {
    files: new Set(files.filter((f): f is string => Boolean(f)).map(f => posix.normalize(f))),
    folders: ['scorecards/', `${trimTrailingSlashes(posix.normalize(config.catalog.policies ?? 'schemas/policy'))}/`, 'schemas/template-policy/'],
  };
}

/**
 * Whether a repo file (root-relative, `/`-separated) is one the toolkit reads as its own configuration or
 * data: wholeRunPaths, the baseline of known findings and the API-lint ruleset (apiChanges.ruleset). Backstage
 * reads none of them as entities, and none can move out of a wide `catalog.include` (`**\/*.yaml`) without
 * the config saying so, so they are never catalog files a Location failed to reach.
 */
export function isToolkitFile(config: GitopsConfig): (file: string) => boolean {
  const { files, folders } = wholeRunPaths(config);
  const own = new Set(files);
  for (const file of [config.baseline, config.apiChanges.ruleset]) if (file) own.add(posix.normalize(file));
  return file => own.has(file) || folders.some(folder => file.startsWith(folder));
}
