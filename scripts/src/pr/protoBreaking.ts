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
 * buf ran but gave no answer: it exited other than 0 or 100, was stopped at its time limit, or wrote more
 * than the output it may (a change with tens of thousands of findings). Why, in a few words.
 */
export interface ProtoUnjudged {
  failed: string;
}

/** A side buf cannot compile on its own (the head only when the base compiles), with buf's first error, clipped. */
export interface ProtoUncompilable {
  doesNotCompile: 'base' | 'head';
  error: string;
}

const BUF_TIMEOUT_MS = 60_000;
const BUF_MAX_OUTPUT = 16 * 1024 * 1024;

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
    return spawnSync(process.execPath, [wrapper, ...args], { env, cwd: dir, encoding: 'utf8', timeout: BUF_TIMEOUT_MS, maxBuffer: BUF_MAX_OUTPUT });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Breaking changes between two versions of one .proto file, by `buf breaking` (Buf's FILE rules,
 * from the @bufbuild/buf package). Each version is written alone to a temporary folder, so a file that
 * imports others of the repo cannot compile. Returns the findings, or `{ doesNotCompile }` naming the side
 * buf cannot compile on its own (buf reports it as COMPILE findings, which are no breaking changes of the
 * API): the base (a proto that imports others), or the head when the base compiles (text that is no
 * proto, or a proto broken in the change). `{ failed }` when buf ran and gave no answer (ProtoUnjudged):
 * the caller counts that as a change nobody can judge, never as one without breaking changes, since a pull
 * request that makes buf fail (or flood its output) would otherwise pass any breaking change with it.
 * Undefined only when buf is not installed (the report then says only that the definition changed).
 */
export function protoBreaking(before: string, after: string, file: string): ProtoFinding[] | ProtoUncompilable | ProtoUnjudged | undefined {
  const breaking = runBuf({ before, after }, file, ['breaking', 'after', '--against', 'before', '--error-format', 'json']);
  if (!breaking) return undefined;
  const found = findingsOf(breaking);
  if (!found) return { failed: whyFailed(breaking) };
  const compile = found.filter(f => f.type === 'COMPILE');
  if (compile.length) {
    // buf stops at the first input that does not compile (the head): the base is asked on its own.
    const base = compile.some(f => f.path?.startsWith('before/')) ? compile : findingsOf(runBuf({ before }, file, ['build', 'before', '--error-format', 'json']), 'stderr')?.filter(f => f.type === 'COMPILE');
    const first = base?.[0] ?? compile[0];
    const message = String(first.message ?? 'does not compile');
    const error = `${message.length > 80 ? `${message.slice(0, 79)}…` : message}${first.start_line ? ` at line ${first.start_line}` : ''}`;
    return { doesNotCompile: base?.length ? 'base' : 'head', error };
  }
  return found.map(f => ({ entry: { type: 'breaking' as const, action: f.type ?? 'breaking', description: `${f.message ?? 'breaking change'} (buf rule ${f.type ?? 'unknown'})`, path: [] }, ...(f.start_line ? { line: f.start_line } : {}) }));
}

/** Why a buf run that gave no findings list failed, in a few words (buf's own first line clipped; formatters escape it). */
function whyFailed(run: NonNullable<ReturnType<typeof runBuf>>): string {
  const code = (run.error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ETIMEDOUT') return `buf did not finish within ${BUF_TIMEOUT_MS / 1000} s`;
  if (code === 'ENOBUFS') return `buf's findings passed the ${BUF_MAX_OUTPUT / 1024 / 1024} MB it may write`;
  if (run.error) return `buf could not run: ${String(run.error.message).slice(0, 120)}`;
  if (run.signal) return `buf was stopped by ${run.signal}`;
  const said = `${run.stderr ?? ''}`.trim().split('\n')[0] ?? '';
  return `buf exited with code ${run.status}${said ? `: ${said.length > 120 ? `${said.slice(0, 119)}…` : said}` : ''}`;
}

/**
 * buf's JSON lines (`--error-format json`) on `stream` (`buf breaking` writes its findings to stdout, `buf
 * build` its compile errors to stderr), or undefined when buf is missing or exits other than 0 or 100 (findings).
 */
function findingsOf(run: ReturnType<typeof runBuf>, stream: 'stdout' | 'stderr' = 'stdout'): { path?: string; type?: string; message?: string; start_line?: number }[] | undefined {
  if (!run || (run.status !== 0 && run.status !== 100)) return undefined;
  return run[stream]
    .split('\n')
    .filter(Boolean)
    .flatMap(line => {
      try {
        return [JSON.parse(line) as { path?: string; type?: string; message?: string; start_line?: number }];
      } catch {
        return [];
      }
    });
}
