import { execFile } from 'node:child_process';
import { existsSync, lstatSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { childEnv } from '../process/childEnv.ts';
import { readRepoFile } from './repoPath.ts';

const execFileAsync = promisify(execFile);

/** A tracked file that git writes to the work tree through a `.gitattributes` transformation. */
export interface CheckoutTransform {
  /** Repo-relative path, forward slashes. */
  file: string;
  /** The attribute as `.gitattributes` sets it: `working-tree-encoding=UTF-7`, `ident`, `filter=…`, `export-subst`. */
  attribute: string;
  /**
   * `checkout`: git writes the work tree differently from the blob. `archive`: the blob is the checkout, but
   * an archive of the tree (`git archive`, and the git host's tarball/zipball, which Backstage's URL readers
   * fetch for readTree: glob Location targets, TechDocs sources, the skeletons fetch:template and fetch:plain
   * copy) holds something else (`export-subst` expands `$Format:…$`, `export-ignore` leaves the file or folder out).
   */
  via: 'checkout' | 'archive';
  /**
   * On `export-subst`: where the work-tree file holds a `$Format:` that a later `$` closes (what git archive
   * expands), 1-based; absent when it holds none (nothing is expanded until an edit adds one).
   */
  format?: { line: number; column: number };
  /** The `.gitattributes` lines (file, 1-based line and column of the attribute) that name the attribute and may apply to the file. */
  setBy?: readonly { file: string; line: number; column: number; text: string }[];
}

// Text the gate and Backstage both read as UTF-8: catalog files, API definitions, config, policies, CODEOWNERS.
const READ_AS_TEXT = /(\.ya?ml|\.json|\.md|\.proto|\.graphql|\.gql)$|(^|\/)CODEOWNERS$/i;
/** Whether the gate and Backstage read `file` (repo-relative) as UTF-8 text: catalog files, definitions, docs, CODEOWNERS. */
export const readAsText = (file: string): boolean => READ_AS_TEXT.test(file);
/** At most this many findings of the rule in one run (sorted by path): a `* export-subst` could name every file. */
export const MAX_REPORTED = 50;

/**
 * Whether the gate's `repo-checkout-transform` judges `transform` where it lies: `working-tree-encoding`,
 * `ident` and `export-ignore` everywhere; `filter` and `export-subst` on the text the catalog reads
 * (READ_AS_TEXT) and on every file a Template's fetch:template / fetch:plain may copy (`fetched`: path
 * prefixes, '' for all), whatever its extension, binary ones included: Backstage copies a skeleton from the git
 * host's archive (GitHub's tarball is `git archive`, which expands `$Format:…$` and never runs a filter's smudge)
 * into every repository created from the template. Pure; takes the transform and the prefixes.
 */
export function judgedTransform(transform: CheckoutTransform, fetched: readonly string[]): boolean {
  const attribute = transform.attribute.split('=')[0];
  if (attribute !== 'filter' && attribute !== 'export-subst') return true;
  return READ_AS_TEXT.test(transform.file) || fetched.some(prefix => transform.file.startsWith(prefix));
}

/**
 * The tracked files under `root` whose work-tree copy git writes differently from the committed blob
 * because of a tracked `.gitattributes` (any in the tree, nested ones included, as git resolves
 * them: `git check-attr`): `working-tree-encoding` (git re-encodes the UTF-8 blob, e.g. to UTF-7, where
 * `{ [ " # |` become `+AHs-`-style text) and `ident` (`$Id$` expanded) on any file, and a `filter` driver
 * (which the git host never runs: it serves the blob, a Git LFS pointer say). The gate judges the checkout,
 * while Backstage, GitHub's CODEOWNERS and Azure Repos read the blob, so such a file is judged as something
 * nobody else reads. `eol`/`text` are not listed: a line ending changes no YAML, JSON or Markdown value, and the
 * offline render writes a skeleton's file with the line ends the host's archive gives it (eolConversions). Also
 * what makes an ARCHIVE of the tree differ (`via: 'archive'`): `export-subst` (a `# $Format:%B$` comment becomes
 * the lines of the tip commit's message, which a later pull request's title and description write; `format`
 * says where) and `export-ignore` on any file or folder: GitHub's and GitLab's archives apply both, and Backstage
 * reads glob Location targets, TechDocs sources and skeletons from them. Every such file, sorted, with the
 * `.gitattributes` lines that name the attribute (`setBy`); which of them the gate reports is judgedTransform's
 * call. Empty outside a git work tree, without git, or without a `.gitattributes` that names one of these
 * attributes (then no git process asks about every path). Never throws.
 */
export async function checkoutTransforms(root: string): Promise<CheckoutTransform[]> {
  // Asynchronous, so git runs on the other core while the catalog is read and parsed (prepareCatalogCheck).
  const listed = await git(root, ['ls-files', '-z']);
  if (listed === undefined || listed === '') return [];
  // Only a .gitattributes in the tree can come from a pull request (the machine's own attribute files are
  // the operator's): without one below the root or above it up to the repository's top that names one of
  // the attributes asked (a macro defined there counts), asking git about every path (most of this
  // function's time) is skipped.
  const paths = listed.split('\0').filter(path => path !== '');
  const attributeFiles = readAttributeFiles(root, paths);
  if (!attributeFiles.some(({ text }) => ASKED_WORD.test(text)) && !attributesAbove(root)) return [];
  // export-ignore also leaves out a whole folder that matches (git archive asks it of each folder it enters,
  // as `folder/`: a pattern that ends in a slash, `catalog/x/ export-ignore`, matches only a path so asked).
  const folders = new Set<string>();
  for (const file of paths) for (let at = file.indexOf('/'); at > 0; at = file.indexOf('/', at + 1)) folders.add(file.slice(0, at + 1));
  const input = `${listed}${[...folders].map(folder => `${folder}\0`).join('')}`;
  const attrs = await git(root, ['check-attr', '-z', '--stdin', ...ASKED], input);
  if (attrs === undefined) return [];
  // -z output: path NUL attribute NUL info NUL, for every path and attribute asked.
  const fields = attrs.split('\0');
  const found: CheckoutTransform[] = [];
  for (let i = 0; i + 2 < fields.length; i += 3) {
    const [asked, attribute, info] = [fields[i], fields[i + 1], fields[i + 2]];
    if (info === 'unspecified' || info === 'unset') continue;
    const isFolder = folders.has(asked);
    // A folder is named as the rest of the gate names folders, without the slash it was asked with.
    const file = isFolder ? asked.slice(0, -1) : asked;
    if (isFolder && attribute !== 'export-ignore') continue;
    if ((attribute === 'ident' || attribute.startsWith('export-')) && info !== 'set') continue;
    const transform: CheckoutTransform = { file, attribute: info === 'set' ? attribute : `${attribute}=${info}`, via: attribute.startsWith('export-') ? 'archive' : 'checkout' };
    if (attribute === 'export-subst') {
      const format = formatPlaceholder(root, file);
      if (format) transform.format = format;
    }
    const setBy = linesNaming(attributeFiles, file, attribute);
    if (setBy.length > 0) transform.setBy = setBy;
    found.push(transform);
  }
  return found.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
}

const ASKED = ['working-tree-encoding', 'ident', 'filter', 'export-subst', 'export-ignore'];
// A .gitattributes that names none of these (nor a macro, `[attr]`, which may set them) cannot set them.
const ASKED_WORD = /working-tree-encoding|ident|filter|export-subst|export-ignore|\[attr\]/;
// Work-tree bytes searched for `$Format:`: a skeleton or catalog file is far smaller; a larger one is judged by its start.
const MAX_SEARCHED = 4 * 1024 * 1024;

/** The tracked `.gitattributes` files among `paths` (relative to `root`), with their text; links and unreadable ones left out. */
function readAttributeFiles(root: string, paths: readonly string[]): { file: string; text: string }[] {
  return paths
    .filter(path => path === '.gitattributes' || path.endsWith('/.gitattributes'))
    .map(file => ({ file, text: plainFile(root, file)?.toString('utf8') }))
    .filter((entry): entry is { file: string; text: string } => entry.text !== undefined);
}

/**
 * The bytes of the regular file `file` (relative to `root`), or undefined for a symbolic link or what cannot be
 * read: git reads a `.gitattributes` without following a link, and archives a link as its target's path, so a
 * link's target (possibly a file of the runner) is never read into a message.
 */
function plainFile(root: string, file: string): Buffer | undefined {
  try {
    return lstatSync(join(root, file)).isFile() ? readRepoFile(root, file) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The lines of the `.gitattributes` files in `file`'s folder and above it that name `attribute` (as git
 * resolves them, the deepest file's last matching line wins, so those come first). Not a pattern matcher: git
 * answered whether the attribute applies; these are the lines a reader should look at. At most 3.
 */
function linesNaming(attributeFiles: readonly { file: string; text: string }[], file: string, attribute: string): { file: string; line: number; column: number; text: string }[] {
  const lines: { file: string; line: number; column: number; text: string }[] = [];
  const applying = attributeFiles
    .filter(({ file: at }) => file.startsWith(at.slice(0, -'.gitattributes'.length)))
    .sort((a, b) => b.file.length - a.file.length);
  for (const { file: at, text } of applying) {
    const all = text.split('\n');
    for (let index = all.length - 1; index >= 0 && lines.length < 3; index--) {
      const tokens = [...all[index].matchAll(/\S+/g)];
      if (tokens.length < 2 || tokens[0][0].startsWith('#')) continue;
      const named = tokens.slice(1).find(token => token[0] === attribute || token[0].startsWith(`${attribute}=`));
      if (named) lines.push({ file: at, line: index + 1, column: named.index + 1, text: all[index].replace(/\r$/, '') });
    }
  }
  return lines;
}

/** Where the work-tree `file` holds a `$Format:` closed by a later `$` (what git archive's export-subst expands), or undefined. */
function formatPlaceholder(root: string, file: string): { line: number; column: number } | undefined {
  const content = plainFile(root, file);
  if (content === undefined) return undefined;
  const text = content.subarray(0, MAX_SEARCHED).toString('latin1');
  const at = text.indexOf('$Format:');
  if (at < 0 || text.indexOf('$', at + 8) < 0) return undefined;
  const before = text.slice(0, at);
  const lineStart = before.lastIndexOf('\n') + 1;
  return { line: before.split('\n').length, column: at - lineStart + 1 };
}

/** git's stdout for `args` run in `root` (with `input` on its stdin), or undefined when git fails or is missing. */
async function git(root: string, args: string[], input?: string): Promise<string | undefined> {
  try {
    const run = execFileAsync('git', ['-C', root, ...args], { encoding: 'utf8', maxBuffer: 1024 * 1024 * 1024, env: childEnv() });
    // git may exit before it has read everything (a failure): the write then fails, and git's exit says so.
    run.child.stdin?.on('error', () => undefined);
    run.child.stdin?.end(input ?? '');
    return (await run).stdout;
  } catch {
    return undefined;
  }
}

/**
 * Whether a folder above the root, up to the folder holding `.git`, has a `.gitattributes` that names an
 * attribute asked (the root's own is among the tracked files ls-files lists).
 */
function attributesAbove(root: string): boolean {
  for (let folder = resolve(root); !existsSync(join(folder, '.git')) && dirname(folder) !== folder; ) {
    folder = dirname(folder);
    const attributes = join(folder, '.gitattributes');
    try {
      if (lstatSync(attributes).isFile() && ASKED_WORD.test(readFileSync(attributes, 'utf8'))) return true;
    } catch {
      // None there.
    }
  }
  return false;
}
