import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { childEnv } from '../process/childEnv.ts';

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
   * fetch for readTree: glob Location targets, TechDocs sources) holds something else (`export-subst`
   * expands `$Format:…$`, `export-ignore` leaves the file or folder out).
   */
  via: 'checkout' | 'archive';
}

// Text the gate and Backstage both read as UTF-8: catalog files, API definitions, config, policies, CODEOWNERS.
const READ_AS_TEXT = /(\.ya?ml|\.json|\.md|\.proto|\.graphql|\.gql)$|(^|\/)CODEOWNERS$/i;
const MAX_REPORTED = 50;

/**
 * The tracked files under `root` whose work-tree copy git writes differently from the committed blob
 * because of a tracked `.gitattributes` (any in the tree, nested ones included, as git resolves
 * them: `git check-attr`): `working-tree-encoding` (git re-encodes the UTF-8 blob, e.g. to UTF-7, where
 * `{ [ " # |` become `+AHs-`-style text) and `ident` (`$Id$` expanded) on any file, and a `filter` driver on
 * a file read as text. The gate judges the checkout, while Backstage, GitHub's CODEOWNERS and Azure Repos
 * read the blob, so such a file is judged as something nobody else reads. `eol`/`text` are not listed: a
 * line ending changes no YAML, JSON or Markdown value. Also what makes an ARCHIVE of the tree differ
 * (`via: 'archive'`): `export-subst` on a file read as text (a `# $Format:%B$` comment becomes the lines of
 * the tip commit's message, which a later pull request's title and description write) and `export-ignore` on
 * any file or folder: GitHub's and GitLab's archives apply both, and Backstage reads glob Location targets
 * and TechDocs sources from them. At most 50, sorted; empty outside a git work tree or without git. Never throws.
 */
export async function checkoutTransforms(root: string): Promise<CheckoutTransform[]> {
  // Asynchronous, so git runs on the other core while the catalog is read and parsed (prepareCatalogCheck).
  const listed = await git(root, ['ls-files', '-z']);
  if (listed === undefined || listed === '') return [];
  // Only a .gitattributes in the tree can come from a pull request (the machine's own attribute files are
  // the operator's): without one below the root or above it up to the repository's top, asking git about
  // every path (most of this function's time) is skipped.
  if (!/(?:^|\0|\/)\.gitattributes\0/.test(listed) && !attributesAbove(root)) return [];
  // export-ignore also leaves out a whole folder that matches (git archive asks it of each folder it enters,
  // as `folder/`: a pattern that ends in a slash, `catalog/x/ export-ignore`, matches only a path so asked).
  const folders = new Set<string>();
  for (const file of listed.split('\0')) for (let at = file.indexOf('/'); at > 0; at = file.indexOf('/', at + 1)) folders.add(file.slice(0, at + 1));
  const input = `${listed}${[...folders].map(folder => `${folder}\0`).join('')}`;
  const attrs = await git(root, ['check-attr', '-z', '--stdin', 'working-tree-encoding', 'ident', 'filter', 'export-subst', 'export-ignore'], input);
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
    if ((attribute === 'filter' || attribute === 'export-subst') && !READ_AS_TEXT.test(file)) continue;
    if ((attribute === 'ident' || attribute.startsWith('export-')) && info !== 'set') continue;
    found.push({ file, attribute: info === 'set' ? attribute : `${attribute}=${info}`, via: attribute.startsWith('export-') ? 'archive' : 'checkout' });
  }
  return found.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0)).slice(0, MAX_REPORTED);
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

/** Whether the root's folder or one above it, up to the folder holding `.git`, has a `.gitattributes`. */
function attributesAbove(root: string): boolean {
  for (let folder = resolve(root); ; folder = dirname(folder)) {
    if (existsSync(join(folder, '.gitattributes'))) return true;
    if (existsSync(join(folder, '.git')) || dirname(folder) === folder) return false;
  }
}
