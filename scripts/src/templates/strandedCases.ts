import { posix } from 'node:path';
import { FILE_START, type Diagnostic } from '../diagnostic.ts';
import { readRepoFile } from '../load/repoPath.ts';
import { yamlPackage } from '../load/lazyPackages.ts';
import { parseYaml, yamlLimitsFor } from '../load/parseYaml.ts';
import { logText } from '../report/safeText.ts';
import { declaresTemplate, isTemplateDocument } from './templateFiles.ts';

/** What the search for templates beside test folders may read: the catalog's own file limit, as many files as a real folder holds. */
export interface StrandedLimits {
  /** catalog.maxFileBytes: a larger file is no catalog file Backstage reads. */
  maxFileBytes: number;
  /** Repo folders (no trailing slash) and path prefixes templates fetch: skeletons, whose templates are copied, not offered. */
  skeletonFolders?: readonly string[];
  fetchedPrefixes?: readonly string[];
}

/**
 * Test cases no `templates test` run renders: `<folder>/tests/*.yaml` (not snapshots) beside a YAML file
 * holding a scaffolder Template (kind Template, apiVersion scaffolder.backstage.io/v1beta3, in any of its
 * documents), where no tested template file (`templateFiles`: one the catalog reads, or
 * templates/<name>/template.yaml) lies in that folder, and the folder is not part of a skeleton (a template
 * of templates copies its template file into new repositories; it is not offered here). templates test
 * renders only the tested templates' cases, so these would be left out without a word, which reads as a
 * pass. Takes the root, the repository's files as listRepoFiles gives them (relative, `/`-separated), the
 * tested template files and the limits; returns one warning per such case file, at its start. A template
 * file that is not valid YAML is why its cases cannot run, and Backstage's catalog drops the whole file
 * (the catalog path left it out of the tested files): its YAML error, at its line, and an error per case
 * (template-render-failed, as a broken templates/<name>/template.yaml gives), so a run of templates test
 * alone does not pass. Reads and parses the folder's YAML files that mention `Template` (a link out of the
 * repository is not read); never throws.
 */
export function strandedCases(root: string, repoFiles: readonly string[], templateFiles: readonly string[], limits: StrandedLimits): Diagnostic[] {
  const tested = new Set(templateFiles.map(f => posix.dirname(f)));
  const skeleton = (folder: string) => (limits.skeletonFolders ?? []).some(s => s === '.' || folder === s || folder.startsWith(`${s}/`)) || (limits.fetchedPrefixes ?? []).some(p => `${folder}/`.startsWith(p));
  const casesByFolder = new Map<string, string[]>();
  for (const file of repoFiles) {
    const match = /^(?:(.*)\/)?tests\/[^/]+\.ya?ml$/.exec(file);
    if (!match || file.includes('.snapshot.')) continue;
    const folder = match[1] ?? '.';
    if (!tested.has(folder) && !skeleton(folder)) (casesByFolder.get(folder) ?? casesByFolder.set(folder, []).get(folder)!).push(file);
  }
  if (casesByFolder.size === 0) return [];
  const yamlByFolder = new Map<string, string[]>();
  for (const file of repoFiles) {
    if (!/\.ya?ml$/.test(file)) continue;
    const folder = posix.dirname(file);
    if (casesByFolder.has(folder)) (yamlByFolder.get(folder) ?? yamlByFolder.set(folder, []).get(folder)!).push(file);
  }
  const found: Diagnostic[] = [];
  for (const [folder, cases] of [...casesByFolder].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const template = (yamlByFolder.get(folder) ?? []).sort().find(file => holdsTemplate(root, file, limits.maxFileBytes));
    if (!template) continue;
    const broken = yamlProblem(root, template, limits.maxFileBytes);
    if (broken) {
      found.push(broken);
      const where = `line ${broken.range.start.line}, column ${broken.range.start.column}`;
      for (const caseFile of cases.sort()) {
        found.push({
          ruleId: 'template-render-failed',
          severity: 'error',
          message: `This test case cannot run: ${logText(template)} holds a scaffolder Template but is not valid YAML (${logText(firstLine(broken.message))}, ${where}), so Backstage's catalog drops the whole file, no template from it is offered, and templates test cannot render it.`,
          hint: `Fix ${logText(template)} at ${where} first (check reports it as ${broken.ruleId}).`,
          file: caseFile,
          range: FILE_START,
        });
      }
      continue;
    }
    for (const caseFile of cases.sort()) {
      found.push({
        ruleId: 'template-test-not-run',
        severity: 'warning',
        message: `This test case is never run: ${logText(template)} holds a scaffolder Template, but templates test renders only templates/<name>/template.yaml and the templates the catalog reads here (its Locations, or catalog.include), and this is neither. A template the managed Backstage registers some other way is not seen by the gate.`,
        hint: `List ${logText(template)} in a Location the catalog reads (spec.targets: a relative path, or repoUrl's spelling and branch; a target at HEAD or another branch is not followed), or keep it as templates/<name>/template.yaml; if it is not meant to be tested here, remove ${logText(posix.dirname(caseFile))}.`,
        file: caseFile,
        range: FILE_START,
      });
    }
  }
  return found;
}

const PARSED_BYTES = 64 * 1024;

/**
 * The error that makes Backstage's catalog drop a template file (its YAML does not parse, or repeats a key,
 * in any document), as the catalog's loader words it; undefined for a file that reads, or cannot be read.
 */
function yamlProblem(root: string, file: string, maxFileBytes: number): Diagnostic | undefined {
  let text: string;
  try {
    text = readRepoFile(root, file, 'utf8');
  } catch {
    return undefined;
  }
  return parseYaml(text, file, yamlLimitsFor(maxFileBytes)).problems.find(p => p.severity === 'error' && (p.ruleId === 'yaml-syntax' || p.ruleId === 'yaml-duplicate-key'));
}

function firstLine(message: string): string {
  return message.split('\n')[0].replace(/\.$/, '');
}

/** Whether the repo file holds a scaffolder Template in any document (parsed as YAML; unreadable, too large or invalid: no). */
function holdsTemplate(root: string, file: string, maxFileBytes: number): boolean {
  let text: string;
  try {
    text = readRepoFile(root, file, 'utf8');
  } catch {
    return false;
  }
  if (text.length > maxFileBytes || !text.includes('Template')) return false;
  if (!text.includes('scaffolder.backstage.io')) return false;
  // A block document says both at the start of a line: found in one pass, without parsing a file of any size.
  if (declaresTemplate(text)) return true;
  // Otherwise (flow or JSON style) a small file is parsed; without yaml's duplicate-key check, which is
  // quadratic in a mapping's keys (60,000 keys: 30 s), only kind and apiVersion being wanted.
  if (text.length > PARSED_BYTES) return false;
  try {
    return yamlPackage().parseAllDocuments(text, { logLevel: 'silent', uniqueKeys: false }).some(document => 'toJS' in document && isTemplateDocument(document.toJS({ maxAliasCount: 100 })));
  } catch {
    return false;
  }
}
