import type { CatalogEntity } from '../catalog/catalogEntity.ts';
import { externalMatcher } from '../catalog/externalEntities.ts';
import type { GitopsConfig } from '../config/gitopsConfig.ts';
import type { Diagnostic } from '../diagnostic.ts';
import { FILE_START } from '../diagnostic.ts';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, posix, relative, resolve, sep } from 'node:path';
import { yamlPackage } from '../load/lazyPackages.ts';
import { regularFileThroughFolders } from '../load/repoFiles.ts';
import { DEFAULT_YAML_LIMITS } from '../load/parseYaml.ts';
import { mappingKeysExceeded, nodeBudgetExceeded } from '../load/yamlNodeBudget.ts';
import { CODEOWNERS_HEADER, generateCodeownersChecked, githubTeamOfExternal, type SkeletonUse, type TemplateOwnership } from './generateCodeowners.ts';
import { skeletonFolder } from '../templates/skeletonFolder.ts';
import { reachFolder, stepReach } from '../templates/templateReach.ts';
import { firstOwnershipDifference, ownershipFindings, staleCodeownersCause, type OwnershipDifference } from './staleCause.ts';
import { GITHUB_CODEOWNERS_PATHS } from './githubCodeownersPaths.ts';

export const DEFAULT_PLATFORM_PATHS = ['/schemas/', '/scripts/', '/actions/', '/pipelines/', '/backstage-config/', '/scorecards/', '/gitops.config.yaml', '/package.json', '/package-lock.json', '/.github/'];

/** The CODEOWNERS the catalog generates (`refused`: the paths and team slugs it could not write safely). */
export function codeownersFor(config: GitopsConfig, entities: readonly CatalogEntity[]): { file: string; text: string; refused: Diagnostic[] } | undefined {
  return generatedFor(config, entities, templateOwnership(config.root, config.repoUrl));
}

function generatedFor(config: GitopsConfig, entities: readonly CatalogEntity[], templates: readonly TemplateOwnership[]): { file: string; text: string; refused: Diagnostic[] } | undefined {
  if (!config.codeowners) return undefined;
  const { platformTeam, platformPaths, file } = config.codeowners;
  // Whatever the org's platformPaths say, no team may own the toolkit's config, CODEOWNERS itself or the
  // baseline (its counts turn findings into info: a team owning it could approve its own new errors).
  const protectedPaths = ['/gitops.config.yaml', `/${file ?? '.github/CODEOWNERS'}`, ...(config.baseline ? [`/${posix.normalize(config.baseline)}`] : [])];
  const generated = generateCodeownersChecked({ entities, templates, platformTeam, platformPaths: platformPaths ?? DEFAULT_PLATFORM_PATHS, protectedPaths, repoUrl: config.repoUrl, placeholderResolvers: new Set(config.catalog.placeholderResolvers), externalTeam: githubTeamOfExternal(config.catalog.external, platformTeam), isExternal: externalMatcher(config.catalog.external) });
  return { file: file ?? '.github/CODEOWNERS', ...generated };
}

/**
 * The CODEOWNERS text the catalog would generate without what a finding is about: the entity of its
 * entityRef in its file, else every entity of its file, and a template whose template file it is. The gate
 * compares it with the generated text to tell which lines follow from the finding (staleCodeownersCause).
 * Takes the config and the catalog's entities; returns a function of the finding (the templates folder is
 * read once, on its first call). Never throws for a catalog codeownersFor generates from.
 */
export function codeownersRegenerator(config: GitopsConfig, entities: readonly CatalogEntity[]): (finding: Diagnostic) => string {
  let templates: readonly TemplateOwnership[] | undefined;
  return finding => {
    templates ??= templateOwnership(config.root, config.repoUrl);
    const about = (entity: CatalogEntity) => entity.file === finding.file && (finding.entityRef === undefined || entity.ref === finding.entityRef);
    return generatedFor(config, entities.filter(entity => !about(entity)), templates.filter(template => template.file !== finding.file))?.text ?? '';
  };
}

/**
 * Each template folder under templates/ with its spec.owner and the folders its steps fetch (any step's
 * `input.url` read as report reads it, stepReach: relative to the template file, a url into this repository
 * (gitops.config.yaml's `repoUrl`), or built from `${{ … }}` expressions, whose reach is the folder that
 * holds its prefix (reachFolder: `../../skeletons/${{ parameters.lang }}` is skeletons/, the root for a url
 * that may read anything); with the step's id and the url's 1-based range for findings; a
 * fetch:template:file or fetch:plain:file url names one file). The template
 * file is template.yaml, else template.yml (the names the templates command and check find). Unreadable or
 * over-budget files give a template with no owner or skeletons.
 */
export function templateOwnership(root: string, repoUrl?: string): TemplateOwnership[] {
  const dir = join(root, 'templates');
  if (!existsSync(dir)) return [];
  // Only a regular template file reached through real folders: a link (the file's, or the template folder's)
  // could lead to a file outside the repository, and its parse error would quote it.
  const templateFile = (name: string) => ['template.yaml', 'template.yml'].find(f => regularFileThroughFolders(root, `templates/${name}/${f}`));
  return readdirSync(dir).filter(name => templateFile(name) !== undefined).sort().map(name => {
    const file = `templates/${name}/${templateFile(name)}`;
    let owner: unknown;
    const skeletons: SkeletonUse[] = [];
    try {
      const text = readFileSync(join(root, file), 'utf8');
      // Over the node budget the gate reports it (yaml-node-limit); parsing it here would cost seconds.
      // So would one mapping of many keys (mappingKeysExceeded: `yaml` is quadratic in them).
      if (!nodeBudgetExceeded(text, DEFAULT_YAML_LIMITS.maxNodes) && !mappingKeysExceeded(text)) {
        const { LineCounter, parseDocument, isMap, isSeq, isScalar } = yamlPackage();
        const lineCounter = new LineCounter();
        const doc = parseDocument(text, { lineCounter, logLevel: 'error' });
        owner = doc.getIn(['spec', 'owner']);
        const steps = doc.getIn(['spec', 'steps']);
        for (const step of isSeq(steps) ? steps.items : []) {
          if (!isMap(step)) continue;
          const url = step.getIn(['input', 'url'], true);
          if (!isScalar(url)) continue;
          const action = step.get('action');
          // A fetch step's url of any form (another action's relative url as before: an expression there is no read).
          const plain = skeletonFolder(file, url.value);
          const reach = typeof action === 'string' && action.startsWith('fetch:') ? stepReach(file, url.value, repoUrl) : plain === undefined ? undefined : { folder: plain };
          if (reach === undefined) continue;
          // A url built from expressions may read anything under its prefix: the folder that holds it all is judged.
          const folder = reachFolder(reach);
          if (folder === '..' || folder.startsWith('../')) continue;
          const id = step.get('id');
          const at = (offset: number) => { const { line, col } = lineCounter.linePos(offset); return { line, column: col }; };
          const oneFile = action === 'fetch:template:file' || action === 'fetch:plain:file';
          skeletons.push({ folder, ...(oneFile ? { file: true } : {}), step: typeof id === 'string' ? id : undefined, range: url.range ? { start: at(url.range[0]), end: at(url.range[1]) } : FILE_START });
        }
      }
    } catch {
      owner = undefined;
    }
    return { folder: `templates/${name}`, file, owner: typeof owner === 'string' ? owner : undefined, skeletons };
  });
}

/**
 * The CODEOWNERS files of the repo at `root` that GitHub reads instead of the configured `file`: those of
 * its locations (.github/, the root, docs/, first found wins) that come before `file`, or all that exist
 * when `file` is none of them. A pull request that points codeowners.file elsewhere would otherwise keep
 * a hand-edited file where GitHub reads it while the gate compares the generated one with a file GitHub
 * ignores. Returns repo-relative paths; never throws.
 */
export function shadowingCodeowners(root: string, file: string): string[] {
  const at = GITHUB_CODEOWNERS_PATHS.indexOf(file);
  return GITHUB_CODEOWNERS_PATHS.slice(0, at === -1 ? undefined : at).filter(path => existsSync(join(root, path)));
}

/**
 * Where `file` (codeowners.file, relative to `root`) sits in the git repository that holds `root`, when
 * GitHub never reads it there: GitHub takes one CODEOWNERS per repository, from `.github/`, the top folder
 * or `docs/` of the repository (GitHub's "About code owners"). Returns the path from the repository's top
 * (`platform/.github/CODEOWNERS` for a control repo in a subfolder, `owners/CODEOWNERS` for a name GitHub
 * does not look for), or undefined when GitHub reads it, when `repoUrl` is on Azure DevOps (which reads no
 * CODEOWNERS; azure-reviewers turns the file into branch policies) or when no git checkout holds `root`.
 * The repository's top is the nearest folder from `root` up that holds `.git` (a folder, or the file a
 * worktree or submodule has). Reads only file system records; never throws.
 */
export function unreadCodeowners(root: string, file: string, repoUrl?: string): string | undefined {
  if (repoUrl && /^https?:\/\/([^/]+\.)?(dev\.azure\.com|visualstudio\.com)(:\d+)?\//i.test(repoUrl)) return undefined;
  let top = resolve(root);
  for (;;) {
    if (existsSync(join(top, '.git'))) break;
    const up = dirname(top);
    if (up === top) return undefined;
    top = up;
  }
  const path = relative(top, resolve(root, file)).split(sep).join('/');
  return GITHUB_CODEOWNERS_PATHS.includes(path) ? undefined : path;
}

/** The finding for a CODEOWNERS GitHub never reads (unreadCodeowners): the ownership the gate checks routes no reviews. */
export function unreadCodeownersProblem(file: string, fromTop: string): Diagnostic {
  const inSubfolder = fromTop !== file;
  return {
    ruleId: 'codeowners-stale',
    severity: 'error',
    message: `GitHub never reads ${file} (codeowners.file in gitops.config.yaml): it takes one CODEOWNERS per repository, from .github/, the top folder or docs/ of the repository, and this one is ${fromTop}${inSubfolder ? ' in the git repository that holds this control repo' : ''}. The ownership the gate generates and checks routes no reviews.`,
    hint: inSubfolder
      ? 'Keep the control repo at the top of its own GitHub repository (its CODEOWNERS paths are written from there), or route reviews for this folder from the repository\'s own top-level CODEOWNERS, which the gate cannot check.'
      : 'Set codeowners.file to .github/CODEOWNERS (or CODEOWNERS, docs/CODEOWNERS) and run `npx backstage-gitops codeowners --write`.',
    file,
    range: FILE_START,
  };
}

/**
 * A stale CODEOWNERS routes reviews to the wrong team: the committed file must be the generated one, and
 * it must be the file GitHub reads (`shadowedBy`: shadowingCodeowners). When every line that differs
 * follows from one of `catalogFindings` (a misspelt owner or kind: staleCodeownersCause, which tells it with
 * `regenerate`, codeownersRegenerator), the finding names it instead of reading as a second mistake. Returns codeowners-stale findings, the generator's refusals and
 * codeowners-too-large when the generated file is one GitHub does not load; pure.
 */
export function codeownersGate(expected: { file: string; text: string; refused?: Diagnostic[] } | undefined, committed: string | undefined, shadowedBy: readonly string[] = [], catalogFindings: readonly Diagnostic[] = [], regenerate?: (finding: Diagnostic) => string): Diagnostic[] {
  if (!expected) return [];
  const refused = [...tooLarge(expected), ...(expected.refused ?? [])];
  const shadows = shadowedBy.map((path): Diagnostic => ({
    ruleId: 'codeowners-stale',
    severity: 'error',
    message: `GitHub reads ${path} for code owners, not ${expected.file} (codeowners.file in gitops.config.yaml): the generated ownership is not what routes reviews, and ${path} is not checked.`,
    hint: `Keep one CODEOWNERS: remove ${path}, or set codeowners.file to ${path} and run \`npx backstage-gitops codeowners --write\`.`,
    file: path,
    range: FILE_START,
  }));
  // Spaces between a path and its owners mean nothing to GitHub: a file the generator aligned differently
  // (an older toolkit padded every line to the longest path) routes reviews the same and is not stale.
  if (committed !== undefined && sameLines(committed, expected.text)) return [...shadows, ...refused];
  // One misspelt owner or kind used to read as two mistakes: say which finding the staleness follows from.
  const cause = committed === undefined ? undefined : staleCodeownersCause(committed, expected.text, catalogFindings, regenerate);
  // Where and why: the first line that differs, and whom the committed file and the catalog give its path.
  const difference = committed === undefined ? undefined : firstOwnershipDifference(committed, expected.text);
  // A difference the ownership reading cannot see (a character GitHub reads and a trim drops) is still one.
  const textLine = committed !== undefined && !difference ? firstDifferentLine(committed, expected.text) : undefined;
  const at = difference?.line ?? textLine;
  const range = at ? { start: { line: at, column: 1 }, end: { line: at, column: 1 } } : FILE_START;
  const where = difference ? `: ${describeDifference(difference)}` : textLine ? `: ${describeTextLine(committed!, expected.text, textLine)}` : '';
  const write = '`npx backstage-gitops codeowners --write`';
  if (cause) {
    const at = `${cause.file}:${cause.range.start.line}:${cause.range.start.column}`;
    return [{
      ruleId: 'codeowners-stale',
      severity: 'error',
      message: `${expected.file} differs from what the catalog generates only because of the ${cause.ruleId} finding at ${at}${where}.`,
      hint: `Fix the ${cause.ruleId} finding at ${at}, not this file: this finding then goes away. Only if the change also moves ownership on purpose, run ${write} after that and commit the result; writing it before would route reviews by the mistake.`,
      file: expected.file,
      range,
    }, ...shadows, ...refused];
  }
  const handWritten = committed !== undefined && !committed.startsWith(CODEOWNERS_HEADER.split('\n')[0]);
  // "Fix the catalog's other errors first" only when there are such errors: a pull request that hands an entity
  // to another team has none, and read it as a mistake it had not made.
  const others = ownershipFindings(catalogFindings);
  const next = others.length
    ? `Fix the catalog's ${others.length === 1 ? `${others[0].ruleId} finding at ${others[0].file}:${others[0].range.start.line}:${others[0].range.start.column}` : `${others.length} findings that change ownership (a misspelt owner, kind or Location target; the first at ${others[0].file}:${others[0].range.start.line}:${others[0].range.start.column})`} first, since writing now would route reviews by the mistake; then run ${write} and commit the result.`
    : `Run ${write} and commit the result. The file is generated: to give a path to another team, change the owning entity's spec.owner (or codeowners.platformPaths in gitops.config.yaml), since a hand edit here is overwritten.`;
  return [{
    ruleId: 'codeowners-stale',
    severity: 'error',
    message: committed === undefined ? `${expected.file} is missing (or is not a file).`
      // A CODEOWNERS that predates the toolkit: --write replaces every line of it, not only the stale ones.
      : handWritten ? `${expected.file} was not generated from the catalog (it lacks the generated header): \`codeowners --write\` replaces all of it, hand-written lines included, with the owners the catalog names.`
      : `${expected.file} does not match the catalog's ownership${where}.`,
    hint: `${handWritten ? 'Before writing, carry over what the old file says that the catalog does not: each team\'s GitHub team as github.com/team-slug on its Group, paths only the platform team reviews under codeowners.platformPaths. ' : ''}${next}`,
    file: expected.file,
    range,
  }, ...shadows, ...refused];
}

/** `line 12 gives /catalog/x/ to @acme/a, the catalog to @acme/b (and 2 more paths differ)`. */
function describeDifference(d: OwnershipDifference): string {
  const owners = (value: string | undefined) => (value ? value : 'no owner');
  const what = d.committed === undefined
    ? `it has no line for ${d.path}, which the catalog gives to ${owners(d.generated)}`
    : d.generated === undefined
      ? `line ${d.line} gives ${d.path} to ${owners(d.committed)}, a line the catalog no longer generates`
      : `line ${d.line} gives ${d.path} to ${owners(d.committed)}, the catalog to ${owners(d.generated)}`;
  return `${what}${d.count > 1 ? ` (and ${d.count - 1} more ${d.count === 2 ? 'path differs' : 'paths differ'})` : ''}`;
}

/**
 * A CODEOWNERS line as GitHub tells it apart: runs of spaces and tabs are one separator and the line's ends
 * (with a CRLF file's CR) carry nothing. Only those: String.prototype.trim and \s also take U+3000, U+00A0,
 * U+FEFF or U+2028, which GitHub reads as part of a path or an owner, so a line ending in one routes reviews
 * differently (or, invalid, not at all) while it looks and trims the same.
 */
function normalLine(line: string): string {
  return line.replace(/^[ \t\r]+|[ \t\r]+$/g, '').replace(/[ \t]+/g, ' ');
}

/** Whether two CODEOWNERS texts have the same lines, told apart as normalLine does. */
function sameLines(a: string, b: string): boolean {
  const lines = (text: string) => text.split('\n').map(normalLine).join('\n');
  return lines(a) === lines(b);
}

/** The first line (1-based) of `committed` that differs from `expected`'s, told apart as normalLine does. */
// What GitHub reads as part of a path or owner and a trim or a reader's eye does not show.
const UNSEEN = /[\u00a0\u1680\u2000-\u200f\u2028-\u202f\u205f-\u2064\u3000\ufeff]/;

/**
 * Line `line` (1-based) of the committed CODEOWNERS against the generated one, when no path's owners differ:
 * an unseen character (a non-breaking space…), or else both lines as written, clipped (a comment added by
 * hand read as "a character such as a non-breaking space" before).
 */
function describeTextLine(committed: string, expected: string, line: number): string {
  // A final line break ends the last line; it starts no empty one.
  const lines = (text: string) => text.replace(/\r?\n$/, '').split(/\r?\n/);
  const [is, was] = [lines(committed)[line - 1], lines(expected)[line - 1]];
  if (is !== undefined && UNSEEN.test(is)) return `line ${line} differs from the generated line by a character such as a non-breaking or ideographic space, a zero-width no-break space or a line separator, which GitHub reads as part of the path or owner`;
  const shown = (text: string) => JSON.stringify(text.length > 100 ? `${text.slice(0, 99)}…` : text);
  const there = was === undefined ? 'where the generated file ends' : `where the generated file has ${shown(was)}`;
  return `line ${line} ${is === undefined ? 'is missing' : `reads ${shown(is)}`}, ${there} (it is generated: a hand edit, a comment included, is not kept)`;
}

function firstDifferentLine(committed: string, expected: string): number {
  const a = committed.split('\n');
  const b = expected.split('\n');
  let line = 0;
  while (line < a.length && line < b.length && normalLine(a[line]) === normalLine(b[line])) line++;
  return line + 1;
}

/**
 * GitHub does not load a CODEOWNERS file of 3 MB or more ("CODEOWNERS files must be under 3 MB in size …
 * code owners will not be requested to review changes"; GitHub's "About code owners"): every path, the platform
 * paths included, then merges without a code owner's review. A pull request can grow the generated file past
 * that with its own entities (a line per placeholder target). Counted in bytes, 3 MB read as 3,000,000, the
 * smaller of its readings.
 */
export const CODEOWNERS_MAX_BYTES = 3_000_000;

function tooLarge(expected: { file: string; text: string }): Diagnostic[] {
  const bytes = Buffer.byteLength(expected.text, 'utf8');
  if (bytes < CODEOWNERS_MAX_BYTES) return [];
  // The teams with the most lines: where the size comes from.
  const perOwner = new Map<string, number>();
  for (const line of expected.text.split('\n')) {
    const owners = line.startsWith('#') ? '' : line.trim().split(/[ \t]+/).slice(1).join(' ');
    if (owners) perOwner.set(owners, (perOwner.get(owners) ?? 0) + 1);
  }
  const top = [...perOwner].sort((a, b) => b[1] - a[1]).slice(0, 3).map(([owners, lines]) => `${owners.slice(0, 100)} (${lines} lines)`).join(', ');
  return [{
    ruleId: 'codeowners-too-large',
    severity: 'error',
    message: `The ${expected.file} the catalog generates is ${(bytes / 1e6).toFixed(2)} MB: GitHub does not load a CODEOWNERS file of 3 MB or more, so no code owner review would be requested on any path, the platform paths included. Most lines go to ${top}.`,
    hint: 'Each file a placeholder ($text, $json, $yaml) reads and each TechDocs folder gets a line of its own: keep them in fewer files (one definition per API, fixtures in the repository that uses them), or split the catalog into more repositories.',
    file: expected.file,
    range: FILE_START,
  }];
}

