import { spawnSync } from 'node:child_process';
import { hash } from 'node:crypto';
import { closeSync, lstatSync, readdirSync, readlinkSync, readSync } from 'node:fs';
import { join, posix } from 'node:path';
import { FILE_START, type Diagnostic } from '../diagnostic.ts';
import { leavesRoot } from '../load/leavesRoot.ts';
import { openRegularFile, readRegularFile } from '../load/readSource.ts';
import { OutsideRepositoryError, realRepoPath } from '../load/repoPath.ts';
import { childEnv } from '../process/childEnv.ts';
import { boundedText, logText } from '../report/safeText.ts';
import { carriedFindings, carriedTexts, runsText, type Carried } from './carriedTexts.ts';
import type { History, HistoryVersion } from './historyVersions.ts';
import { inertDirectives } from './decodedFindings.ts';
import { printableRuns, type TextRun } from './printableRuns.ts';
import { scanRenders } from './scanRenders.ts';
import { sampleIsText, scanLabel, scanText, type ScanText } from './scanText.ts';
import { SecretScanThread } from './secretScanThread.ts';
import type { ValuesRender } from './templateValues.ts';

/**
 * A text file larger than this is not scanned: it is a secret-scan-incomplete error (never a silent pass); so
 * is a binary file whose printable runs, or whose gzip data decompressed, hold more.
 */
export const SECRET_SCAN_MAX_BYTES = 16 * 1024 * 1024;
/** What all of one run's scan may take (seconds); what is left then is secret-scan-incomplete. */
export const SECRET_SCAN_SECONDS = 60;
// How much of a file over the bound is read to tell text from binary.
const SAMPLE_BYTES = 64 * 1024;

/**
 * secret-written findings for the repo paths `files` under `root` (what the change touches, or what a run was
 * given), and secret-scan-incomplete errors for each of them that is text and was not scanned. Every file is
 * read as scanText reads it; a binary file (an image, an archive, a text with a stray byte that makes it none)
 * for the texts it carries (carriedTexts: its printable runs as `strings` finds them, what its gzip data
 * decompresses to), each finding at its start with the place in the message (carriedFindings). A symbolic
 * link's target is scanned as a text of its own (git commits it as the link's content), wherever it points; what
 * it points at is scanned as a file only inside the repository. A file missing (deleted), not a regular file (a
 * submodule) or behind a link leaving the repository (repo-symlink's) is no file to scan. A text file over SECRET_SCAN_MAX_BYTES, a binary one carrying more, one that cannot be read,
 * and every one still unscanned when
 * `seconds` have passed (secretlint runs on a thread that is then stopped: secretScanThread.ts) is
 * incomplete: the gate fails closed. Each distinct content is linted once (a pull request of sixty copies of
 * one costly file pays for one). The paths themselves are scanned too (TechDocs publishes a docs file's
 * path in its URL). secretlint is loaded only when there is something to scan. `history` (historyVersions):
 * the versions the pull request's commits wrote that its last commit no longer holds, each scanned as its file
 * would be and said as that file's, in the commit that wrote it; when the history could not be read whole, the
 * first file is incomplete. `renders` (valuesRenders): skeleton files scanned once more as their fetch:template
 * step renders them with the values its template writes out, after the files, under the same deadline (scanRenders:
 * a file not read so is incomplete). Returns the findings in file order; never throws.
 */
export async function scanSecrets(root: string, files: readonly string[], seconds = SECRET_SCAN_SECONDS, history?: History, renders: readonly ValuesRender[] = []): Promise<Diagnostic[]> {
  const thread = new SecretScanThread(Date.now() + seconds * 1000);
  const found: Diagnostic[] = [];
  const byContent = new Map<string, Diagnostic[] | 'timeout' | 'failed'>();
  try {
    const present = files.filter(file => readable(root, file) || linkTarget(root, file) !== undefined);
    // A path only an earlier commit wrote (a file added, then renamed or deleted) is in the history as well.
    const earlier = new Map<string, HistoryVersion>();
    const presentSet = new Set(present);
    for (const version of history?.versions ?? []) if (!earlier.has(version.file) && !presentSet.has(version.file)) earlier.set(version.file, version);
    const paths = await pathFindings(thread, [...present, ...earlier.keys()]);
    // The paths are scanned first, in one text: when even they were not, each file says so once, below.
    const pathsUnsaid = typeof paths === 'string' ? `its path was not scanned either (${paths === 'timeout' ? 'no time was left' : 'secretlint failed'})` : undefined;
    if (typeof paths !== 'string') found.push(...paths.map(d => (earlier.has(d.file) ? historyFinding(d, earlier.get(d.file)!) : d)));
    const incomplete = (file: string, why: string) => found.push(incompleteFinding(file, pathsUnsaid ? `${why}; ${pathsUnsaid}` : why));
    // Lints each text (each distinct content once: byContent) and keeps its findings; returns `problems` with
    // why any text was not scanned.
    const lintAll = async (texts: readonly ScanText[], problems: string[]): Promise<string[]> => {
      for (const { label, text, findings } of texts) {
        const key = `${label}\0${hash('sha256', text)}`;
        let result = byContent.get(key);
        if (result === undefined) {
          result = await thread.lint(label, text);
          byContent.set(key, result);
        }
        if (result === 'timeout') problems.push(`the secret scan's ${seconds} s were used up before it was scanned`);
        else if (result === 'failed') problems.push('secretlint failed on it');
        else found.push(...findings(result));
      }
      return problems;
    };
    for (const file of present) {
      const read = readForScan(root, file, thread.deadline);
      const target = linkTarget(root, file);
      if (read === undefined && target === undefined) {
        if (pathsUnsaid) found.push(incompleteFinding(file, pathsUnsaid.replace(' either', '')));
        continue;
      }
      if (read !== undefined && 'problem' in read) {
        incomplete(file, read.problem);
        continue;
      }
      const problems = await lintAll(textsOf(file, read, target), read !== undefined && 'binary' in read ? [...read.binary.problems] : []);
      // One incomplete finding a file, saying every reason (a text, or what a binary carries, left unscanned).
      if (problems.length) incomplete(file, [...new Set(problems)].join('; '));
      else if (pathsUnsaid) found.push(incompleteFinding(file, pathsUnsaid.replace(' either', '')));
    }
    found.push(...(await scanRenders(renders, { read: file => readForScan(root, file, thread.deadline), lint: lintAll, deadline: thread.deadline, seconds }, found)));
    if (history?.problem) found.push(incompleteFinding(files[0] ?? history.versions[0]?.file ?? '.', `the pull request's earlier commits were not scanned: ${history.problem}`));
    // Versions left unscanned, by file: one finding a file, however many of its versions (a long history).
    const unscanned = new Map<string, string[]>();
    for (const version of history?.versions ?? []) {
      const read = version.problem !== undefined ? { problem: version.problem } : version.link ? undefined : bytesForScan(version.file, version.bytes!, thread.deadline);
      const problems = read !== undefined && 'problem' in read ? [read.problem] : await lintAll(textsOf(version.file, read, version.link ? version.bytes!.toString('utf8') : undefined, d => historyFinding(d, version)), read !== undefined && 'binary' in read ? [...read.binary.problems] : []);
      if (problems.length) unscanned.set(version.file, [...(unscanned.get(version.file) ?? []), `commit ${version.commit.slice(0, 12)}'s (${[...new Set(problems)].join('; ')})`]);
    }
    for (const [file, said] of unscanned) found.push(incompleteFinding(file, `versions the pull request's earlier commits wrote (no longer in its last commit, still in its history) were not scanned: ${said.slice(0, 3).join(', ')}${said.length > 3 ? `, and ${said.length - 3} more` : ''}`));
  } finally {
    await thread.close();
  }
  return found;
}

/**
 * The texts to lint of `file`: its text, or those a binary file carries (`read`), and a symbolic link's `target`;
 * each text's findings said as the file's (at the carried text's place, or as the link's), then passed through
 * `also` (an earlier version's say which commit wrote it).
 */
function textsOf(file: string, read: { text: string } | { binary: Carried } | undefined, target: string | undefined, also: (d: Diagnostic) => Diagnostic = d => d): ScanText[] {
  const texts: ScanText[] = read === undefined ? [] : 'text' in read ? [{ label: scanLabel(file), text: read.text, findings: found => found.map(d => also({ ...d, file })) }] : read.binary.texts.map(t => ({ label: t.label, text: t.text, findings: found => carriedFindings(file, t, found).map(also) }));
  if (target !== undefined) texts.push({ label: scanLabel(file), text: inertDirectives(target), findings: found => linkFindings(file, found).map(also) });
  return texts;
}

/**
 * The target of repo path `file` when it is a symbolic link (its folder inside the repository), as text:
 * git stores a link as a blob holding its target, so that text is committed, pushed and shown in the pull
 * request's diff like a file's, wherever the link points (nowhere, a URL, outside the repository). Undefined
 * for anything else. Never throws.
 */
function linkTarget(root: string, file: string): string | undefined {
  try {
    const path = join(realRepoPath(root, posix.dirname(file)), posix.basename(file));
    return lstatSync(path).isSymbolicLink() ? readlinkSync(path, { encoding: 'buffer' }).toString('utf8') : undefined;
  } catch {
    return undefined;
  }
}

const LINK_HINT = "Remove the link, or point it at a path that holds no credential, and rotate the credential: git stores a link's target as its content, so it is in the git history once pushed. A `secretlint-disable-line` comment is not honoured in a link's target.";

/** secret-written findings `found` in the target of the symbolic link `file`, as findings of that link. Pure. */
function linkFindings(file: string, found: readonly Diagnostic[]): Diagnostic[] {
  return found.map(d => ({ ...d, file, range: FILE_START, message: `${d.message.replace('written out in this file', "written out as the target of this symbolic link (git stores the target as the link's content, which the pull request's diff shows)")}`, hint: LINK_HINT }));
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
 * What of repo path `file` to scan: its text, or for a binary file the texts it carries (carriedTexts), undefined
 * when there is no file (see scanSecrets); or why a text file cannot be scanned (too large, unreadable). A
 * binary file over SECRET_SCAN_MAX_BYTES is read a window at a time for its runs only (largeBinary), until
 * `deadline`.
 */
function readForScan(root: string, file: string, deadline: number): { text: string } | { binary: Carried } | { problem: string } | undefined {
  let bytes: Buffer;
  try {
    const real = realRepoPath(root, file);
    const { fd, size } = openRegularFile(real);
    try {
      if (size > SECRET_SCAN_MAX_BYTES) {
        const sample = Buffer.alloc(Math.min(size, SAMPLE_BYTES));
        const n = readSync(fd, sample, 0, sample.length, 0);
        return sampleIsText(sample.subarray(0, n)) ? { problem: `it is ${size} bytes, over the ${SECRET_SCAN_MAX_BYTES} bytes the secret scan reads of one file` } : { binary: largeBinary(file, fd, size, deadline) };
      }
    } finally {
      closeSync(fd);
    }
    bytes = readRegularFile(real, SECRET_SCAN_MAX_BYTES);
  } catch (error) {
    if (isNoFile(error)) return undefined;
    return { problem: `it could not be read (${logText(boundedText(String((error as NodeJS.ErrnoException)?.code ?? error), 40))})` };
  }
  return bytesForScan(file, bytes, deadline);
}

/** What of the bytes of `file` (at most SECRET_SCAN_MAX_BYTES) to scan: its text, or what a binary file carries. */
function bytesForScan(file: string, bytes: Buffer, deadline: number): { text: string } | { binary: Carried } | { problem: string } {
  const text = scanText(bytes);
  if (text !== undefined) return { text };
  // Finding a binary file's runs and decompressing its gzip data take time on this thread: none once the
  // scan's time is up (red team: twelve crafted gzip files ran a 60 s scan to 101 s).
  if (Date.now() > deadline) return { problem: "the secret scan's time was used up before what it carries was read" };
  return { binary: carriedTexts(file, bytes, SECRET_SCAN_MAX_BYTES) };
}

const HISTORY_HINT = "Take the commit out of the pull request's history (`git rebase -i` onto the base, drop or edit it, then force-push) and rotate the credential: the host keeps every pushed commit (GitHub keeps refs/pull/N/head), and a merge commit carries it into the main branch. A later commit removing it is not enough.";

/** The start of every finding of an earlier version's (isEarlierVersion tells them by it). */
const IN_COMMIT = 'In commit ';

/**
 * A finding of the earlier `version` of its file, said as that version's (the commit that wrote it, the line in
 * that version) at the file's start (the line it had may hold anything now, or the file be gone), with what to do.
 */
function historyFinding(d: Diagnostic, version: HistoryVersion): Diagnostic {
  const line = d.range.start.line > 1 || d.range.start.column > 1 ? `, at line ${d.range.start.line}, column ${d.range.start.column} of that version` : '';
  return { ...d, range: FILE_START, message: `${IN_COMMIT}${version.commit.slice(0, 12)} of this pull request${line}, since changed: ${d.message}`, hint: d.ruleId === 'secret-written' ? HISTORY_HINT : d.hint };
}

/** Whether `d` is a finding of a version an earlier commit of the pull request wrote (historyFinding). Pure. */
export const isEarlierVersion = (d: Diagnostic) => d.message.startsWith(IN_COMMIT);

/**
 * The printable runs of the binary file open as `fd` (`size` bytes, over SECRET_SCAN_MAX_BYTES), read a window
 * at a time, each window cut after its last control byte (no run holds one, so none is split); and why not all
 * of it was scanned: runs over SECRET_SCAN_MAX_BYTES in all, `deadline` passed, gzip data (not decompressed
 * at this size). Throws the file system's error.
 */
function largeBinary(file: string, fd: number, size: number, deadline: number): Carried {
  const runs: TextRun[] = [];
  const problems: string[] = [];
  const window = Buffer.allocUnsafe(SECRET_SCAN_MAX_BYTES);
  let chars = 0;
  for (let at = 0; at < size; ) {
    if (Date.now() > deadline) {
      problems.push(`the secret scan's time was used up at byte ${at} of its ${size}`);
      break;
    }
    const n = readSync(fd, window, 0, window.length, at);
    if (n <= 0) break;
    if (at === 0 && window[0] === 0x1f && window[1] === 0x8b && window[2] === 0x08) problems.push(`it is gzip data over ${SECRET_SCAN_MAX_BYTES} bytes, which the secret scan does not decompress`);
    const end = at + n >= size ? n : lastControl(window, n) + 1 || n;
    for (const run of printableRuns(window.subarray(0, end))) {
      chars += run.text.length;
      if (chars <= SECRET_SCAN_MAX_BYTES) runs.push({ ...run, offset: run.offset + at });
    }
    if (chars > SECRET_SCAN_MAX_BYTES) {
      problems.push(`the printable text it carries (its \`strings\`) is over the ${SECRET_SCAN_MAX_BYTES} bytes the secret scan reads of one file`);
      break;
    }
    at += end;
  }
  return { texts: runs.length ? [runsText(posix.basename(file), runs, 0)] : [], problems };
}

/** The index of the last control byte (not tab, not NUL: UTF-16 runs hold NULs) in the first `n` bytes of `bytes`, -1 when none. */
function lastControl(bytes: Buffer, n: number): number {
  for (let i = n - 1; i >= 0; i--) {
    const b = bytes[i];
    if ((b > 0 && b < 0x20 && b !== 0x09) || b === 0x7f) return i;
  }
  return -1;
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
  // A link is a file of its own (its target is scanned), never a folder to walk into.
  return entries.filter(e => e.name !== '.git' && e.name !== 'node_modules').flatMap(e => (e.isSymbolicLink() ? [path ? `${path}/${e.name}` : e.name] : walk(root, path ? `${path}/${e.name}` : e.name)));
}
