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

/** The head side does not compile on its own while the base side does: buf's first compile error, clipped. */
export interface ProtoHeadUnreadable {
  headDoesNotCompile: string;
}

const bufWrapper = (): string | undefined => {
  try {
    return join(createRequire(import.meta.url).resolve('@bufbuild/buf/package.json'), '..', 'bin', 'buf');
  } catch {
    return undefined;
  }
};

/**
 * Runs buf (`args`, in a temporary folder holding each side's text alone under `before/` and `after/`)
 * with an empty environment (its cache in the temporary folder), never the job's. Returns undefined when
 * buf is not installed.
 */
function runBuf(sides: { before?: string; after?: string }, file: string, args: string[]) {
  const wrapper = bufWrapper();
  if (!wrapper) return undefined;
  const dir = mkdtempSync(join(tmpdir(), 'gitops-proto-'));
  try {
    const name = basename(file).replace(/[^A-Za-z0-9_.-]/g, '_');
    for (const [side, text] of Object.entries(sides)) {
      mkdirSync(join(dir, side));
      writeFileSync(join(dir, side, name.endsWith('.proto') ? name : `${name}.proto`), text ?? '');
    }
    const env = { ...childEnv(), BUF_CACHE_DIR: join(dir, 'cache'), HOME: dir };
    return spawnSync(process.execPath, [wrapper, ...args], { env, cwd: dir, encoding: 'utf8', timeout: 60_000, maxBuffer: 16 * 1024 * 1024 });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Breaking changes between two versions of one .proto file, by `buf breaking` (Buf's FILE rules,
 * from the @bufbuild/buf package). Each version is written alone to a temporary folder, so a file that
 * imports others of the repo cannot compile. Returns the findings; `{ headDoesNotCompile }` when the base
 * compiles on its own and the head does not (text that is no proto, or a proto broken in the change: a
 * change nobody can judge); undefined when the base does not compile on its own (it was never judged) or
 * buf is not installed (the report then says only that the definition changed).
 */
export function protoBreaking(before: string, after: string, file: string): ProtoFinding[] | ProtoHeadUnreadable | undefined {
  const run = runBuf({ before, after }, file, ['breaking', 'after', '--against', 'before', '--error-format', 'json']);
  // buf exits 0 when nothing breaks and 100 when something does; anything else is a usage or tool error.
  if (!run || (run.status !== 0 && run.status !== 100)) return undefined;
  const found = run.stdout
    .split('\n')
    .filter(Boolean)
    .flatMap(line => {
      try {
        return [JSON.parse(line) as { path?: string; type?: string; message?: string; start_line?: number }];
      } catch {
        return [];
      }
    });
  // buf reports a side that does not compile as COMPILE findings on that side's path.
  const compile = found.filter(f => f.type === 'COMPILE');
  if (compile.some(f => f.path?.startsWith('before/'))) return undefined;
  if (compile.length) {
    const first = compile[0];
    const message = String(first.message ?? 'does not compile');
    return { headDoesNotCompile: `${message.length > 80 ? `${message.slice(0, 79)}…` : message}${first.start_line ? ` at line ${first.start_line}` : ''}` };
  }
  return found.map(f => ({ entry: { type: 'breaking' as const, action: f.type ?? 'breaking', description: `${f.message ?? 'breaking change'} (buf rule ${f.type ?? 'unknown'})`, path: [] }, ...(f.start_line ? { line: f.start_line } : {}) }));
}

/**
 * Whether one .proto text compiles on its own (`buf build`, as protoBreaking reads a side): true, false,
 * or undefined when buf is not installed.
 */
export function protoCompiles(text: string, file: string): boolean | undefined {
  const run = runBuf({ before: text }, file, ['build', 'before']);
  return run ? run.status === 0 : undefined;
}
