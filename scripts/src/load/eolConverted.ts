import { spawnSync } from 'node:child_process';
import { childEnv } from '../process/childEnv.ts';

/**
 * The files under `folder` (relative to `root`, posix; '' for all) whose working-tree copy git wrote with CRLF
 * line ends from a blob with LF ones: a checkout with `core.autocrlf=true` (Git for Windows' default) or an
 * `eol=crlf` attribute. The git host, where Backstage reads a template's files, holds the LF blob, so an
 * offline render must read such a file as git stores it (normalizeEol). Returns root-relative posix paths, from
 * one `git ls-files --eol` with `folder` as a literal pathspec (its `i/lf w/crlf` entries, only those under
 * `folder`); an empty set outside a work tree, without git, or when git refuses to answer: the working tree is
 * then read as it is. Never throws.
 */
export function eolConverted(root: string, folder: string): Set<string> {
  const converted = new Set<string>();
  // A literal pathspec: a folder named `*/*` is that folder, not a glob over the whole repository.
  const run = spawnSync('git', ['--literal-pathspecs', '-C', root, 'ls-files', '--eol', '-z', '--', folder === '' ? '.' : folder], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, env: childEnv() });
  if (run.error || run.status !== 0 || typeof run.stdout !== 'string') return converted;
  for (const entry of run.stdout.split('\0')) {
    const tab = entry.indexOf('\t');
    if (tab < 0) continue;
    const [index, worktree] = entry.slice(0, tab).split(/\s+/);
    const path = entry.slice(tab + 1);
    // Only what lies in the folder asked about, whatever git answered.
    if (index === 'i/lf' && worktree === 'w/crlf' && (folder === '' || folder === '.' || path === folder || path.startsWith(`${folder.replace(/\/+$/, '')}/`))) converted.add(path);
  }
  return converted;
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
