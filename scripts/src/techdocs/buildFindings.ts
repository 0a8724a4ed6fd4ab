import { posix } from 'node:path';
import { FILE_START, type Diagnostic, type Range } from '../diagnostic.ts';
import { isRecord } from '../load/loadCatalog.ts';
import { parseYaml } from '../load/parseYaml.ts';
import type { PathSegment } from '../load/yamlPath.ts';

export interface FailedBuild {
  /** Repo-relative mkdocs.yml the site was built from (written by TechDocs when `generated`). */
  mkdocsFile: string;
  generated: boolean;
  /** The repo's text of mkdocs.yml (undefined when generated), and of the site's pages by repo path. */
  mkdocsText?: string;
  pages: ReadonlyMap<string, string>;
  /** The whole output of @techdocs/cli and MkDocs, or the toolkit's own reason when there is none. */
  log: string;
  /** The error the build ended with (its first line says why, e.g. no index.html). */
  reason: string;
}

const MAX_FINDINGS = 20;
const MAX_MESSAGE = 600;
const HINT = 'Run `npx backstage-gitops techdocs build --out site` to reproduce it locally; the site must build before it can be published.';

/**
 * MkDocs' own complaints about a site that did not build, as Diagnostics (rule `techdocs-build-failed`):
 * a page MkDocs names (`Documentation file 'x.md' contains a link …`) on that page at the link's line,
 * a nav entry on that entry of mkdocs.yml, `Config value 'key'` on that key, a YAML error of mkdocs.yml
 * at the line and column it gives; anything else on mkdocs.yml's first line with the build's last words.
 * Temporary build folders in messages are shown as the site's folder. At most 20 findings, each message
 * at most 600 characters. Pure: reads nothing but its input.
 */
export function buildFindings(build: FailedBuild): Diagnostic[] {
  const folder = posix.dirname(build.mkdocsFile) === '.' ? '' : posix.dirname(build.mkdocsFile);
  const config = build.mkdocsText === undefined ? undefined : parseYaml(build.mkdocsText, build.mkdocsFile);
  const docsDir = posix.join(folder, docsDirOf(config?.documents[0]));
  const lines = cleanLines(build.log, folder || '.');
  const findings: Diagnostic[] = [];
  const finding = (file: string, range: Range, message: string): void => {
    findings.push({ ruleId: 'techdocs-build-failed', severity: 'error', file, range, message: bounded(message), hint: HINT });
  };
  const onConfig = (path: PathSegment[], key = false): Range => (config && !build.generated ? config.locate(0, path, { key }) : FILE_START);

  for (const line of lines) {
    const logged = /^(WARNING|ERROR)\s+-\s+(.*)$/.exec(line);
    const yamlError = /^(.+) \((\d+):(\d+)\)$/.exec(line);
    if (logged) {
      const message = `MkDocs: ${logged[2]}`;
      const page = /^(?:Documentation|Doc) file '([^']+)'(?: contains a link to '([^']+)')?/.exec(logged[2]);
      const nav = /A relative path to '([^']+)' is included in the 'nav' configuration/.exec(logged[2]);
      const configValue = /^Config value '([^']+)'/.exec(logged[2]);
      if (page) {
        const file = posix.join(docsDir, page[1]);
        const text = build.pages.get(file);
        finding(text === undefined ? build.mkdocsFile : file, text === undefined ? FILE_START : lineOf(text, page[2] ?? ''), message);
      } else if (nav) finding(build.mkdocsFile, onConfig(navPath(config?.documents[0], nav[1]) ?? ['nav']), message);
      else if (configValue) finding(build.mkdocsFile, onConfig([configValue[1]], true), message);
      else finding(build.mkdocsFile, FILE_START, message);
    } else if (yamlError && build.mkdocsText !== undefined && !build.generated && /mapping|sequence|stream|indent|scalar|flow|block|document|alias|tag|key|quote/i.test(yamlError[1])) {
      const lineNo = Number(yamlError[2]);
      const column = Number(yamlError[3]);
      finding(build.mkdocsFile, { start: { line: lineNo, column }, end: { line: lineNo, column } }, `TechDocs cannot read mkdocs.yml: ${yamlError[1]}`);
    }
  }
  if (findings.length === 0) {
    const last = lines.filter(l => !/^(INFO|DEBUG)\b/.test(l)).slice(-6).join(' | ');
    finding(build.mkdocsFile, FILE_START, `The TechDocs build failed: ${build.reason.split('\n')[0]}${last ? ` (last output: ${last})` : ''}`);
  }
  if (findings.length <= MAX_FINDINGS) return findings;
  const kept = findings.slice(0, MAX_FINDINGS);
  kept.push({ ...kept[0], file: build.mkdocsFile, range: FILE_START, message: `…and ${findings.length - MAX_FINDINGS} more problems in this site's build.` });
  return kept;
}

/** Repo paths of the pages MkDocs names in a build log, so the caller can read them for {@link buildFindings}. */
export function pagesNamed(log: string, mkdocsFile: string, mkdocsText: string | undefined): string[] {
  const folder = posix.dirname(mkdocsFile) === '.' ? '' : posix.dirname(mkdocsFile);
  let docsDir = 'docs';
  try {
    if (mkdocsText !== undefined) docsDir = docsDirOf(parseYaml(mkdocsText, mkdocsFile).documents[0]);
  } catch {
    // A config that does not parse names no pages.
  }
  const names = [...cleanLines(log, folder || '.').join('\n').matchAll(/(?:Documentation|Doc) file '([^'\n]+)'/g)].map(m => m[1]);
  return [...new Set(names)].slice(0, MAX_FINDINGS).map(name => posix.join(folder, docsDir, name)).filter(path => !path.startsWith('..'));
}

/** The log's lines without colours, @techdocs/cli's level prefixes or temporary build paths. */
function cleanLines(log: string, folder: string): string[] {
  return log
    // eslint-disable-next-line no-control-regex
    .replace(/\u001b\[[0-9;]*m/g, '')
    .replace(/\/[^\s'"]*gitops-techdocs-[A-Za-z0-9]+\/src/g, folder)
    .replace(/\/[^\s'"]*gitops-techdocs-[A-Za-z0-9]+\/site/g, '<site>')
    .split(/\r?\n/)
    .map(line => line.replace(/^(verbose|info|warn|error):\s*/, '').trim())
    .filter(Boolean);
}

function docsDirOf(config: unknown): string {
  return isRecord(config) && typeof config.docs_dir === 'string' ? config.docs_dir : 'docs';
}

/** The path inside mkdocs.yml of the nav entry whose target is `target`. */
function navPath(config: unknown, target: string): PathSegment[] | undefined {
  if (!isRecord(config) || !Array.isArray(config.nav)) return undefined;
  const walk = (items: unknown[], path: PathSegment[]): PathSegment[] | undefined => {
    for (const [i, item] of items.entries()) {
      if (item === target) return [...path, i];
      if (!isRecord(item)) continue;
      for (const [title, value] of Object.entries(item)) {
        if (value === target) return [...path, i, title];
        if (Array.isArray(value)) {
          const found = walk(value, [...path, i, title]);
          if (found) return found;
        }
      }
    }
    return undefined;
  };
  return walk(config.nav, ['nav']);
}

function lineOf(text: string, needle: string): Range {
  if (!needle) return FILE_START;
  const lines = text.split('\n');
  const index = lines.findIndex(l => l.includes(`(${needle}`) || l.includes(needle));
  if (index < 0) return FILE_START;
  const column = lines[index].indexOf(needle) + 1;
  return { start: { line: index + 1, column }, end: { line: index + 1, column: column + needle.length } };
}

function bounded(message: string): string {
  return message.length <= MAX_MESSAGE ? message : `${message.slice(0, MAX_MESSAGE - 1)}…`;
}
