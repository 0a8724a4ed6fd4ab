import { spawnSync } from 'node:child_process';
import { childEnv } from '../process/childEnv.ts';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { ApiDiffEntry } from './apiChanges.ts';

export interface ProtoFinding {
  entry: ApiDiffEntry;
  /** 1-based line in the head file, where buf points. */
  line?: number;
}

/**
 * Breaking changes between two versions of one .proto file, by `buf breaking` (Buf's FILE rules,
 * from the @bufbuild/buf package). Each version is written alone to a temporary folder, so a file that
 * imports others of the repo cannot compile: then, and when buf is not installed, returns undefined
 * (the report then says only that the definition changed). buf runs with an empty environment
 * (its cache in the temporary folder), never the job's.
 */
export function protoBreaking(before: string, after: string, file: string): ProtoFinding[] | undefined {
  let wrapper: string;
  try {
    wrapper = join(createRequire(import.meta.url).resolve('@bufbuild/buf/package.json'), '..', 'bin', 'buf');
  } catch {
    return undefined;
  }
  const dir = mkdtempSync(join(tmpdir(), 'gitops-proto-'));
  try {
    const name = basename(file).replace(/[^A-Za-z0-9_.-]/g, '_');
    for (const [side, text] of [['before', before], ['after', after]] as const) {
      mkdirSync(join(dir, side));
      writeFileSync(join(dir, side, name.endsWith('.proto') ? name : `${name}.proto`), text);
    }
    const env = { ...childEnv(), BUF_CACHE_DIR: join(dir, 'cache'), HOME: dir };
    const run = spawnSync(process.execPath, [wrapper, 'breaking', 'after', '--against', 'before', '--error-format', 'json'], { env,
      cwd: dir,
      encoding: 'utf8',
      timeout: 60_000,
      maxBuffer: 16 * 1024 * 1024,
    });
    // buf exits 0 when nothing breaks and 100 when something does; anything else is a compile or usage error.
    if (run.status !== 0 && run.status !== 100) return undefined;
    return run.stdout
      .split('\n')
      .filter(Boolean)
      .flatMap(line => {
        try {
          const f = JSON.parse(line) as { type?: string; message?: string; start_line?: number };
          return [{ entry: { type: 'breaking' as const, action: f.type ?? 'breaking', description: `${f.message ?? 'breaking change'} (buf rule ${f.type ?? 'unknown'})`, path: [] }, ...(f.start_line ? { line: f.start_line } : {}) }];
        } catch {
          return [];
        }
      });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
