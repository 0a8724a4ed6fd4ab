import { chmodSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync, spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { replaceFile } from '../../src/cli/replaceFile.ts';

describe('replaceFile (how commands write --output and generated files)', () => {
  it('replaces a file whole, keeps its mode and leaves no temporary file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'replace-'));
    const path = join(dir, 'CODEOWNERS');
    writeFileSync(path, 'old\n');
    chmodSync(path, 0o600);
    // A reader polling while many writes land never sees an empty or partial file.
    let reads = 0;
    const writes = Promise.all(Array.from({ length: 40 }, (_, i) => replaceFile(path, `${'x'.repeat(100_000)}${i}\n`)));
    let done = false;
    void writes.then(() => (done = true));
    while (!done) {
      const text = readFileSync(path, 'utf8');
      expect(text === 'old\n' || /^x{100000}\d+\n$/.test(text)).toBe(true);
      reads++;
      await new Promise(resolve => setImmediate(resolve));
    }
    expect(reads).toBeGreaterThan(0);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readdirSync(dir)).toEqual(['CODEOWNERS']);
  });

  it('writes into a FIFO in place (as for --output /dev/stdout), makes a missing folder, and fails with nothing left behind where none can be made', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'replace-'));
    const fifo = join(dir, 'pipe');
    execFileSync('mkfifo', [fifo]);
    // Read by another process: this thread must stay free for the write's callbacks.
    const cat = spawn('cat', [fifo]);
    let read = '';
    cat.stdout.on('data', chunk => (read += chunk));
    const reader = new Promise<string>(resolve => cat.on('close', () => resolve(read)));
    await replaceFile(fifo, 'through the pipe\n');
    expect(await reader).toBe('through the pipe\n');
    // A folder that cannot be made (a file stands where it would go) fails with nothing left behind; a
    // missing one is made (CI names --output files under folders no step creates).
    writeFileSync(join(dir, 'taken'), '');
    await expect(replaceFile(join(dir, 'taken/report.md'), 'x')).rejects.toThrow(/ENOTDIR|EEXIST/);
    expect(readdirSync(dir).sort()).toEqual(['pipe', 'taken']);
    await replaceFile(join(dir, 'missing/deeper/report.md'), 'x');
    expect(readFileSync(join(dir, 'missing/deeper/report.md'), 'utf8')).toBe('x');
    expect(readdirSync(join(dir, 'missing/deeper'))).toEqual(['report.md']);
  });
});
