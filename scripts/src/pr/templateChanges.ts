import { existsSync, readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import type { GitopsConfig } from '../config/gitopsConfig.ts';
import { findPlaceholders, placeholderTarget } from '../catalog/placeholders.ts';
import type { Diagnostic } from '../diagnostic.ts';
import { isRecord } from '../load/loadCatalog.ts';
import { parseYaml } from '../load/parseYaml.ts';
import { readRepoFile } from '../load/repoPath.ts';
import { loadOrgCatalog } from '../templates/renderedCatalog.ts';
import { discoverCases, folderTemplateFiles, runCase } from '../templates/runTemplateTests.ts';
import { inSkeletonFolder, skeletonFolder } from '../templates/skeletonFolder.ts';
import { resolveTemplatePlaceholders } from '../templates/templatePlaceholders.ts';
import { snapshotDifference } from '../templates/snapshotDifference.ts';

/** One test case of a template the change touches, as the PR report shows it. */
export interface TemplateCaseChange {
  template: string;
  caseFile: string;
  /** Whether the case passes on the head (its findings are among the report's). */
  passed: boolean;
  /**
   * What its render does differently from the base revision's snapshot of the case: `same` (the same
   * tree), `new` (the base has no snapshot of it), `unknown` (it did not render, or keeps no snapshot),
   * or the difference in words (snapshotDifference).
   */
  rendered: 'same' | 'new' | 'unknown' | string;
}

/**
 * The templates a change touches (a changed file in the template's folder, its tests included, or under a
 * folder or file one of its steps fetches by a relative url: the skeleton), with every test case of them
 * rendered on the head as `templates test` renders it, and its rendered tree compared with the snapshot the
 * base revision holds: what the template now generates differently from main, for the reviewer of a
 * skeleton who otherwise reads two YAML snapshots side by side (or nothing, when the snapshot was not
 * updated). Takes the head's root, the base checkout's folder, the changed files and the head's config;
 * returns the cases and their findings. Reads files; never runs a case's commands (`--run`).
 */
export async function templateChanges(root: string, baseDir: string, changedFiles: readonly string[], config: GitopsConfig): Promise<{ cases: TemplateCaseChange[]; diagnostics: Diagnostic[] }> {
  const touched = folderTemplateFiles(root).filter(file => readsChanged(root, file, changedFiles, config.repoUrl));
  const items = discoverCases(root, [], touched);
  if (!items.length) return { cases: [], diagnostics: [] };
  const org = await loadOrgCatalog(config);
  const cases: TemplateCaseChange[] = [];
  const diagnostics: Diagnostic[] = [];
  for (const item of items) {
    const result = await runCase(root, config.repoUrl ?? 'https://github.com/offline/template/blob/main/', item, { updateSnapshots: false, run: false, org, configRepoUrl: config.repoUrl });
    diagnostics.push(...result.diagnostics);
    const snapshot = join(baseDir, item.caseFile.replace(/\.ya?ml$/, '.snapshot.yaml'));
    // The base is a checkout made for this report; a link in it is the base's own file, read as text only.
    const before = existsSync(snapshot) ? readFileSync(snapshot, 'utf8') : undefined;
    const rendered = result.rendered === undefined ? 'unknown' : before === undefined ? 'new' : before === result.rendered ? 'same' : snapshotDifference(before, result.rendered) ?? 'unknown';
    cases.push({ template: item.template, caseFile: item.caseFile, passed: result.diagnostics.every(d => d.severity !== 'error'), rendered });
  }
  return { cases, diagnostics };
}

/**
 * Whether a changed file is one the template's render reads: the template's own folder (its tests included),
 * a file a `$yaml`/`$json`/`$text` placeholder in it names (relative, or a URL into this repository), or one
 * under a folder or file a step fetches by a relative url, read from the template as the catalog's
 * PlaceholderProcessor hands it to the scaffolder (resolveTemplatePlaceholders: steps kept in a `$yaml` file
 * are the template's steps). A fetch url that names the repository's root (`.`) reads every file.
 * Takes the head's root, the template file, the changed files and gitops.config.yaml's repoUrl; never throws.
 */
function readsChanged(root: string, templateFile: string, changedFiles: readonly string[], repoUrl?: string): boolean {
  const reads = [posix.dirname(templateFile)];
  try {
    for (const written of parseYaml(readRepoFile(root, templateFile, 'utf8'), templateFile).documents) {
      for (const use of findPlaceholders(written)) {
        const target = placeholderTarget(templateFile, use.value, repoUrl);
        if (typeof target === 'string') reads.push(target);
      }
      const document = resolveTemplatePlaceholders(root, templateFile, written, repoUrl);
      const steps = isRecord(document) && isRecord(document.spec) && Array.isArray(document.spec.steps) ? document.spec.steps : [];
      for (const step of steps) {
        const path = isRecord(step) && isRecord(step.input) ? skeletonFolder(templateFile, step.input.url) : undefined;
        if (path !== undefined && !path.startsWith('..')) reads.push(path);
      }
    }
  } catch {
    // A template file that cannot be read is the gate's finding; its folder still counts.
  }
  return changedFiles.some(file => reads.some(read => file === read || inSkeletonFolder(file, read)));
}
