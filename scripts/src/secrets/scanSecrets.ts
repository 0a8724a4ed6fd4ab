import { spawnSync } from 'node:child_process';
import { hash } from 'node:crypto';
import { closeSync, readdirSync, readSync } from 'node:fs';
import { join, posix } from 'node:path';
import { FILE_START, type Diagnostic } from '../diagnostic.ts';
import { leavesRoot } from '../load/leavesRoot.ts';
import { openRegularFile, readRegularFile } from '../load/readSource.ts';
import { OutsideRepositoryError, realRepoPath } from '../load/repoPath.ts';
import { childEnv } from '../process/childEnv.ts';
import { boundedText, logText } from '../report/safeText.ts';
import { sampleIsText, scanLabel, scanText } from './scanText.ts';
import { SecretScanThread } from './secretScanThread.ts';

/** A text file larger than this is not scanned: it is a secret-scan-incomplete error (never a silent pass). */
export const SECRET_SCAN_MAX_BYTES = 16 * 1024 * 1024;
/** What all of one run's scan may take (seconds); what is left then is secret-scan-incomplete. */
export const SECRET_SCAN_SECONDS = 60;
// How much of a file over the bound is read to tell text from binary.
const SAMPLE_BYTES = 64 * 1024;

/**
 * secret-written findings for the repo paths `files` under `root` (what the change touches, or what a run was
 * given), and secret-scan-incomplete errors for each of them that is text and was not scanned. Every file is
 * read as scanText reads it: binary files (images, archives) are skipped, a file missing (deleted), not a
 * regular file (a submodule) or behind a link leaving the repository (repo-symlink's) is no file to scan. A
 * text file over SECRET_SCAN_MAX_BYTES, one that cannot be read, and every one still unscanned when
 * `seconds` have passed (secretlint runs on a thread that is then stopped: secretScanThread.ts) is
 * incomplete: the gate fails closed. Each distinct content is linted once (a pull request of sixty copies of
 * one costly file pays for one). The paths themselves are scanned too (TechDocs publishes a docs file's
 * path in its URL). secretlint is loaded only when there is something to scan. Returns the findings in file
 * order; never throws.
 */
export async function scanSecrets(root: string, files: readonly string[], seconds = SECRET_SCAN_SECONDS): Promise<Diagnostic[]> {
  const thread = new SecretScanThread(Date.now() + seconds * 1000);
  const found: Diagnostic[] = [];
  const byContent = new Map<string, Diagnostic[] | 'timeout' | 'failed'>();
  try {
    const present = files.filter(file => readable(root, file));
    const paths = await pathFindings(thread, present);
    // The paths are scanned first, in one text: when even they were not, each file says so once, below.
    const pathsUnsaid = typeof paths === 'string' ? `its path was not scanned either (${paths === 'timeout' ? 'no time was left' : 'secretlint failed'})` : undefined;
    if (typeof paths !== 'string') found.push(...paths);
    const incomplete = (file: string, why: string) => found.push(incompleteFinding(file, pathsUnsaid ? `${why}; ${pathsUnsaid}` : why));
    for (const file of present) {
      const read = readForScan(root, file);
      if (read === undefined) {
        if (pathsUnsaid) found.push(incompleteFinding(file, pathsUnsaid.replace(' either', '')));
        continue;
      }
      if ('problem' in read) {
        incomplete(file, read.problem);
        continue;
      }
      const label = scanLabel(file);
      const key = `${label}\0${hash('sha256', read.text)}`;
      let result = byContent.get(key);
      if (result === undefined) {
        result = await thread.lint(label, read.text);
        byContent.set(key, result);
      }
      if (result === 'timeout') incomplete(file, `the secret scan's ${seconds} s were used up before it was scanned`);
      else if (result === 'failed') incomplete(file, 'secretlint failed on it');
      else {
        found.push(...result.map(d => ({ ...d, file })));
        if (pathsUnsaid) found.push(incompleteFinding(file, pathsUnsaid.replace(' either', '')));
      }
    }
  } finally {
    await thread.close();
  }
  return found;
}

/** Whether repo path `file` is there to be read as a file (not deleted, no folder, no link leaving the repository). */
function readable(root: string, file: string): boolean {
  try {
    openRegular(root, file);
    return true;
  } catch (error) {
    return !isNoFile(error);
  }
}

const isNoFile = (error: unknown) => error instanceof OutsideRepositoryError || ['ENOENT', 'ENOTDIR', 'EISDIR', 'ENOTREG', 'ELOOP'].includes((error as NodeJS.ErrnoException)?.code ?? '');

function openRegular(root: string, file: string): void {
  closeSync(openRegularFile(realRepoPath(root, file)).fd);
}

/**
 * The text of repo path `file` to scan, undefined when there is none (binary, or no file: see scanSecrets), or
 * why a text file cannot be scanned (too large, unreadable).
 */
function readForScan(root: string, file: string): { text: string } | { problem: string } | undefined {
  let bytes: Buffer;
  try {
    const real = realRepoPath(root, file);
    const { fd, size } = openRegularFile(real);
    try {
      if (size > SECRET_SCAN_MAX_BYTES) {
        const sample = Buffer.alloc(Math.min(size, SAMPLE_BYTES));
        const n = readSync(fd, sample, 0, sample.length, 0);
        return sampleIsText(sample.subarray(0, n)) ? { problem: `it is ${size} bytes, over the ${SECRET_SCAN_MAX_BYTES} bytes the secret scan reads of one file` } : undefined;
      }
    } finally {
      closeSync(fd);
    }
    bytes = readRegularFile(real, SECRET_SCAN_MAX_BYTES);
  } catch (error) {
    if (isNoFile(error)) return undefined;
    return { problem: `it could not be read (${logText(boundedText(String((error as NodeJS.ErrnoException)?.code ?? error), 40))})` };
  }
  const text = scanText(bytes);
  return text === undefined ? undefined : { text };
}

/**
 * secret-written findings for credentials in the paths `files` (a token as a docs file's name is a TechDocs
 * URL): one per distinct path up to the end of the match (a token as a folder's name is one finding); or why
 * they were not scanned.
 */
async function pathFindings(thread: SecretScanThread, files: readonly string[]): Promise<Diagnostic[] | 'timeout' | 'failed'> {
  if (!files.length) return [];
  // One path a line: a line break inside a name (secretlint's: \r, \n, U+2028, U+2029) becomes a space.
  const text = files.map(f => f.replace(/[\r\n\u2028\u2029]/g, ' ')).join('\n');
  const result = await thread.lint('/paths.txt', text);
  if (result === 'timeout' || result === 'failed') return result;
  const said = new Set<string>();
  const found: Diagnostic[] = [];
  for (const d of result) {
    const file = files[d.range.start.line - 1];
    const key = `${file.slice(0, d.range.end.column - 1)}\0${d.message}`;
    if (file === undefined || said.has(key)) continue;
    said.add(key);
    found.push({ ...d, file, message: d.message.replace('in this file', "in this file's path (TechDocs publishes a docs file's path in its URL, and git keeps it)"), range: FILE_START });
  }
  return found;
}

function incompleteFinding(file: string, why: string): Diagnostic {
  return {
    ruleId: 'secret-scan-incomplete',
    severity: 'error',
    message: `This file was not scanned for credentials written out: ${why}. Whatever it holds reaches Backstage, TechDocs or new repositories unchecked.`,
    hint: 'A platform reviewer must check the file for credentials by hand; better, split it into smaller files (or take generated data out of the repository) so that the scan reads it.',
    file,
    range: FILE_START,
  };
}

/**
 * The files under the repo paths `given` (files or folders, from `root`; '' for the root itself) that git
 * tracks or would track (not ignored), as sorted repo paths; outside a git work tree, every file under them but
 * .git and node_modules. Paths leaving the root are left out.
 */
export function givenFiles(root: string, given: readonly string[]): string[] {
  const inside = [...new Set(given.map(p => posix.normalize(p.split('\\').join('/')).replace(/\/+$/, '')).filter(p => !leavesRoot(p)))].map(p => (p === '.' ? '' : p));
  if (!inside.length) return [];
  const listed = spawnSync('git', ['--literal-pathspecs', '-C', root, 'ls-files', '-z', '--cached', '--others', '--exclude-standard', '--', ...inside.map(p => p || '.')], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, env: childEnv() });
  if (listed.status === 0) return [...new Set(listed.stdout.split('\0').filter(Boolean))].sort();
  return [...new Set(inside.flatMap(p => walk(root, p)))].sort();
}

function walk(root: string, path: string): string[] {
  let entries;
  try {
    entries = readdirSync(join(root, path), { withFileTypes: true });
  } catch {
    // A file (or nothing): scannableText decides.
    return path ? [path] : [];
  }
  return entries.filter(e => e.name !== '.git' && e.name !== 'node_modules' && !e.isSymbolicLink()).flatMap(e => walk(root, path ? `${path}/${e.name}` : e.name));
}
