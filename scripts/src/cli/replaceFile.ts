import { randomBytes } from 'node:crypto';
import { lstat, mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/**
 * Writes `text` (UTF-8) to `path`. A regular file (or a new one) is written into a new file beside it,
 * then renamed over it: a reader at the same moment (another gate, an editor, a concurrent run of the
 * same command) sees the old text or the new, never a truncated file. Anything else (`/dev/stdout`, a
 * FIFO, a link: generated files' paths are refused earlier when a link leads out of the repo) is
 * written in place, as `fs.writeFile` does. A missing parent folder is created first, as ESLint's
 * --output-file does (CI names files under a fresh folder: `$(Build.ArtifactStagingDirectory)/junit/…`).
 * Throws the file system's error; leaves no temporary file.
 */
export async function replaceFile(path: string, text: string): Promise<void> {
  const existing = await lstat(path).catch(() => undefined);
  if (existing && !existing.isFile()) return writeFile(path, text, 'utf8');
  if (!existing) await mkdir(dirname(path), { recursive: true });
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    await writeFile(temporary, text, { encoding: 'utf8', flag: 'wx', mode: existing ? existing.mode & 0o777 : 0o666 });
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}
