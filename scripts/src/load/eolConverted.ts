import { spawnSync } from 'node:child_process';
import { childEnv } from '../process/childEnv.ts';

/**
 * The files under `folder` (relative to `root`, posix; '' for all) whose working-tree copy git wrote with CRLF
 * line ends from a blob with LF ones: a checkout with `core.autocrlf=true` (Git for Windows' default) or an
 * `eol=crlf` attribute. The git host's raw file (what Backstage's readUrl fetches: fetch:plain:file, a $text)
 * is the LF blob, so an offline render must read such a file as git stores it (normalizeEol); a tree comes from
 * the host's archive instead, which applies the attributes (archiveEol). Returns root-relative posix paths, from
 * one `git ls-files --eol` with `folder` as a literal pathspec (its `i/lf w/crlf` entries, only those under
 * `folder`); an empty set outside a work tree, without git, or when git refuses to answer: the working tree is
 * then read as it is. Never throws.
 */
export function eolConverted(root: string, folder: string): Set<string> {
  return new Set(eolEntries(root, folder).filter(e => e.index === 'i/lf' && e.worktree === 'w/crlf').map(e => e.path));
}

/**
 * What an ARCHIVE of the tree under `folder` (relative to `root`, posix; '' for all) holds as line ends, against
 * the working tree: git archive (GitHub's tarball, which Backstage's readTree extracts for fetch:template and
 * fetch:plain) writes each file through its attributes with the host's defaults (no core.autocrlf, LF as
 * native eol), so a file whose attributes say `eol=crlf` (`text eol=crlf`, `eol=crlf` alone, which makes it
 * text, or `text=auto eol=crlf` on a text blob without CR) is served with CRLF, and every other one as stored.
 * `toLf`: files a CRLF checkout wrote with CRLF that the archive holds with LF (core.autocrlf, as eolConverted);
 * `toCrlf`: files with LF line ends in the blob that the archive serves with CRLF, whatever the checkout wrote
 * (it may predate the attribute). Root-relative posix paths from one `git ls-files --eol`; empty sets outside a
 * work tree or without git. Never throws.
 */
export function archiveEol(root: string, folder: string): { toLf: Set<string>; toCrlf: Set<string> } {
  const toLf = new Set<string>();
  const toCrlf = new Set<string>();
  for (const { index, worktree, attributes, path } of eolEntries(root, folder)) {
    // git's convert.c: eol=crlf makes a file text unless -text; text=auto leaves a blob with any CR (i/mixed,
    // i/crlf) or a binary one (i/-text) as it is; explicit text turns each lone LF into CRLF, even in a blob git
    // takes for binary (i/-text), which the archive then corrupts: the snapshot's hash of it changes.
    const crlf = /(^|\s)eol=crlf(\s|$)/.test(attributes) && !/(^|\s)-text(\s|$)/.test(attributes);
    const auto = /(^|\s)text=auto(\s|$)/.test(attributes);
    if (crlf && (index === 'i/lf' || (!auto && (index === 'i/mixed' || index === 'i/-text')))) toCrlf.add(path);
    else if (index === 'i/lf' && worktree === 'w/crlf') toLf.add(path);
  }
  return { toLf, toCrlf };
}

/** `git ls-files --eol` of `folder` (a literal pathspec) as entries, only those under `folder`; [] when git fails. */
function eolEntries(root: string, folder: string): { index: string; worktree: string; attributes: string; path: string }[] {
  // A literal pathspec: a folder named `*/*` is that folder, not a glob over the whole repository.
  const run = spawnSync('git', ['--literal-pathspecs', '-C', root, 'ls-files', '--eol', '-z', '--', folder === '' ? '.' : folder], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, env: childEnv() });
  if (run.error || run.status !== 0 || typeof run.stdout !== 'string') return [];
  const entries: { index: string; worktree: string; attributes: string; path: string }[] = [];
  for (const entry of run.stdout.split('\0')) {
    const tab = entry.indexOf('\t');
    if (tab < 0) continue;
    // `i/lf    w/crlf  attr/text eol=crlf      \tpath`: the attr column may hold spaces.
    const [index, worktree] = entry.slice(0, tab).split(/\s+/);
    const attributes = /attr\/(.*)$/.exec(entry.slice(0, tab))?.[1].trim() ?? '';
    const path = entry.slice(tab + 1);
    // Only what lies in the folder asked about, whatever git answered.
    if (folder === '' || folder === '.' || path === folder || path.startsWith(`${folder.replace(/\/+$/, '')}/`)) entries.push({ index, worktree, attributes, path });
  }
  return entries;
}

/** `content` with every lone LF as CRLF: what git archive serves for a file archiveEol names in `toCrlf`. */
export function withCrlf(content: Buffer): Buffer {
  return Buffer.from(normalizeEol(content).toString('latin1').replace(/\n/g, '\r\n'), 'latin1');
}

/** `content` with every CRLF as LF: what git's clean conversion stores for a file eolConverted names. */
export function normalizeEol(content: Buffer): Buffer {
  return content.includes(13) ? Buffer.from(content.toString('latin1').replace(/\r\n/g, '\n'), 'latin1') : content;
}

/**
 * `text` with every CRLF as LF: a generated file (a snapshot, the editor schema, the Tech Insights config)
 * as git stores it when a CRLF checkout wrote it with CRLF, to compare with what the toolkit generates (LF).
 */
export function withLf(text: string): string {
  return text.includes('\r') ? text.replace(/\r\n/g, '\n') : text;
}
