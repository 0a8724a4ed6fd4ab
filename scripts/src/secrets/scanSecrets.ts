import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join, posix } from 'node:path';
import type { Diagnostic } from '../diagnostic.ts';
import { leavesRoot } from '../load/leavesRoot.ts';
import { readRegularFile } from '../load/readSource.ts';
import { realRepoPath } from '../load/repoPath.ts';
import { childEnv } from '../process/childEnv.ts';
import { secretFindings, type SecretlintMessage } from './secretFindings.ts';

/** Files past this size are not scanned (generated data, not a place anyone types a token). */
export const SECRET_SCAN_MAX_BYTES = 1024 * 1024;
// git's own test for a binary file: a NUL byte in its first 8,000 bytes.
const BINARY_PROBE = 8 * 1024;

/**
 * secret-written findings for the repo paths `files` under `root` (what the change touches, or what a run was
 * given). Only text is read: a file that is missing, not a regular file, behind a link leaving the repository,
 * over 1 MB or with a NUL byte in its first 8 KB is skipped without a word (other gates report links). secretlint
 * (≈350 ms to load) is imported only when a file is left to scan. Returns the findings in file order.
 */
export async function scanSecrets(root: string, files: readonly string[]): Promise<Diagnostic[]> {
  const texts: { file: string; content: string }[] = [];
  for (const file of files) {
    const content = scannableText(root, file);
    if (content !== undefined) texts.push({ file, content });
  }
  if (!texts.length) return [];
  const [{ lintSource }, { creator }] = await Promise.all([import('@secretlint/core'), import('@secretlint/secretlint-rule-preset-recommend')]);
  const config = { rules: [{ id: '@secretlint/secretlint-rule-preset-recommend', rule: creator }] };
  const found: Diagnostic[] = [];
  for (const [i, { file, content }] of texts.entries()) {
    // The path is only a label for secretlint's rules (none reads the file), and secretlint's profiler puts it
    // in a performance mark name that it splits with a pattern a newline breaks: a pull request's file named
    // `evil\n::add-mask::…` made every command exit 2. The rules see a neutral name with the file's extension.
    const extension = posix.extname(file).replace(/[^\w.]/g, '').slice(0, 16);
    const result = await lintSource({ source: { filePath: `/file-${i}${extension}`, content, contentType: 'text' }, options: { config, maskSecrets: true } });
    found.push(...secretFindings(file, content, result.messages as unknown as SecretlintMessage[]));
  }
  return found;
}

/** The text of repo path `file` when it is one to scan (see scanSecrets), else undefined. A leading BOM is dropped. */
function scannableText(root: string, file: string): string | undefined {
  let bytes: Buffer;
  try {
    bytes = readRegularFile(realRepoPath(root, file), SECRET_SCAN_MAX_BYTES);
  } catch {
    return undefined;
  }
  if (bytes.subarray(0, BINARY_PROBE).includes(0)) return undefined;
  const text = bytes.toString('utf8');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
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
