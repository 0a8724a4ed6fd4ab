import { posix } from 'node:path';
import { CONFIG_FILE } from './repoRoot.ts';
import { isRecord } from '../load/loadCatalog.ts';
import { parseYaml } from '../load/parseYaml.ts';
import { readSource } from '../load/readSource.ts';
import { isYamlFile } from '../load/repoFiles.ts';
import { trimTrailingSlashes } from '../load/trailingSlashes.ts';
import type { GitopsConfig } from './gitopsConfig.ts';

// scorecards/ documents are small; a larger file is not read for its `output` (the scorecards gate reports it).
const SCORECARD_FILE_MAX_BYTES = 1024 * 1024;

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
 * The file scorecards/ names as its generated output: the `output` of its ScorecardConfig document (the Tech
 * Insights app-config `scorecards --write-config` writes, which the scorecards gate holds equal to what it
 * compiles: scorecard-config-stale), root-relative. Only when the scorecards gate runs (scorecards/config.yaml
 * exists) and scorecards/ holds exactly one ScorecardConfig: a second one (which that gate refuses) must not
 * exempt a file the gate never compares. `repoFiles` are the repo's files (root-relative, `/`-separated); an
 * unreadable or unparsable document names nothing (the scorecards gate reports it). Never throws.
 */
function scorecardOutputs(root: string, repoFiles: Iterable<string>): string[] {
  const configs: unknown[] = [];
  let gated = false;
  for (const file of repoFiles) {
    if (!file.startsWith('scorecards/') || !isYamlFile(file)) continue;
    if (file === 'scorecards/config.yaml') gated = true;
    const read = readSource(`${root}/${file}`, file, SCORECARD_FILE_MAX_BYTES);
    if ('problem' in read) continue;
    for (const doc of parseYaml(read.text, file).documents) if (isRecord(doc) && doc.kind === 'ScorecardConfig') configs.push(doc.output);
  }
  const [output] = configs;
  return gated && configs.length === 1 && typeof output === 'string' ? [posix.normalize(output)] : [];
}

/**
 * Whether a repo file (root-relative, `/`-separated) is one the toolkit reads or writes as its own
 * configuration or data: wholeRunPaths, the baseline of known findings, the API-lint ruleset
 * (apiChanges.ruleset), the files it generates (codeowners.file, editorSchema.file, and the scorecards'
 * ScorecardConfig `output`, read from `repoFiles` on the first call that needs it). Backstage reads none of
 * them as entities, and none can move out of a wide `catalog.include` (`**\/*.yaml`) without the config
 * saying so, so they are never catalog files a Location failed to reach.
 */
export function isToolkitFile(config: GitopsConfig, repoFiles: Iterable<string> = []): (file: string) => boolean {
  const { files, folders } = wholeRunPaths(config);
  const own = new Set(files);
  for (const file of [config.baseline, config.apiChanges.ruleset, config.codeowners?.file, config.editorSchema?.file]) if (file) own.add(posix.normalize(file));
  let generated: Set<string> | undefined;
  return file => own.has(file) || folders.some(folder => file.startsWith(folder)) || (generated ??= new Set(scorecardOutputs(config.root, repoFiles))).has(file);
}
