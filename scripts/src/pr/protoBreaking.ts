import { spawnSync } from 'node:child_process';
import { childEnv } from '../process/childEnv.ts';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
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
  /** Imports of that side the repository does not hold (clipped by the caller), when there are any. */
  missing?: string[];
}

const BUF_TIMEOUT_MS = 60_000;
const BUF_MAX_OUTPUT = 16 * 1024 * 1024;

/** The path of @bufbuild/buf's Node wrapper (run with process.execPath), or undefined when buf is not installed. */
export const bufWrapper = (): string | undefined => {
  try {
    return join(createRequire(import.meta.url).resolve('@bufbuild/buf/package.json'), '..', 'bin', 'buf');
  } catch {
    return undefined;
  }
};

/** One side of the comparison: the API's .proto text and the files it imports, by import path (protoImports). */
export interface ProtoSide {
  text: string;
  imports?: ReadonlyMap<string, string>;
}

/**
 * Runs buf (`args`, in a temporary folder holding each side's file under `before/` and `after/`, with the
 * files it imports at their import paths beside it) with an empty environment (its cache in the temporary
 * folder), never the job's. Returns undefined when buf is not installed.
 */
function runBuf(sides: { before?: ProtoSide; after?: ProtoSide }, name: string, args: string[]) {
  const wrapper = bufWrapper();
  if (!wrapper) return undefined;
  const dir = mkdtempSync(join(tmpdir(), 'gitops-proto-'));
  try {
    for (const [side, { text, imports }] of Object.entries(sides)) {
      for (const [path, content] of imports ?? []) {
        // The API's own file keeps its place; protoImports only hands out relative paths without `..`.
        if (path === name) continue;
        try {
          mkdirSync(dirname(join(dir, side, path)), { recursive: true });
          writeFileSync(join(dir, side, path), content);
        } catch {
          // `a.proto` and `a.proto/b.proto` both imported: the one left out is a compile error buf names.
        }
      }
      mkdirSync(join(dir, side), { recursive: true });
      writeFileSync(join(dir, side, name), text);
    }
    const env = { ...childEnv(), BUF_CACHE_DIR: join(dir, 'cache'), HOME: dir };
    return spawnSync(process.execPath, [wrapper, ...args], { env, cwd: dir, encoding: 'utf8', timeout: BUF_TIMEOUT_MS, maxBuffer: BUF_MAX_OUTPUT });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Breaking changes between two versions of one .proto file, by `buf breaking` (Buf's FILE rules,
 * from the @bufbuild/buf package). Each version is written to a temporary folder with the files it imports
 * from its own revision of the repository (`before.imports`, `after.imports`: protoImports), so a proto that
 * imports a shared file of the repo compiles as in its own build; a change to an imported file shows as a
 * finding naming that file (no line: the line is not in the API's file). Returns the findings, or
 * `{ doesNotCompile }` naming the side buf cannot compile (buf reports it as COMPILE findings, which are no
 * breaking changes of the API): the base (a proto that imports a file the repository does not hold), or the
 * head when the base compiles (text that is no proto, or a proto broken in the change), with `missing`, the
 * imports of that side the repository does not hold (`missingBefore`/`missingAfter`). `{ failed }` when buf
 * ran and gave no answer (ProtoUnjudged): the caller counts that as a change nobody can judge, never as one
 * without breaking changes, since a pull request that makes buf fail (or flood its output) would otherwise
 * pass any breaking change with it. Undefined only when buf is not installed (the report then says only that
 * the definition changed).
 */
export function protoBreaking(before: ProtoSide | string, after: ProtoSide | string, file: string, missing: { before?: readonly string[]; after?: readonly string[] } = {}): ProtoFinding[] | ProtoUncompilable | ProtoUnjudged | undefined {
  const sides = { before: typeof before === 'string' ? { text: before } : before, after: typeof after === 'string' ? { text: after } : after };
  const base = basename(file).replace(/[^A-Za-z0-9_.-]/g, '_');
  const name = base.endsWith('.proto') ? base : `${base}.proto`;
  const breaking = runBuf(sides, name, ['breaking', 'after', '--against', 'before', '--error-format', 'json']);
  if (!breaking) return undefined;
  const found = findingsOf(breaking);
  if (!found) return { failed: whyFailed(breaking) };
  const compile = found.filter(f => f.type === 'COMPILE');
  if (compile.length) {
    // buf stops at the first input that does not compile (the head): the base is asked on its own.
    const baseErrors = compile.some(f => f.path?.startsWith('before/')) ? compile : findingsOf(runBuf({ before: sides.before }, name, ['build', 'before', '--error-format', 'json']), 'stderr')?.filter(f => f.type === 'COMPILE');
    const first = baseErrors?.[0] ?? compile[0];
    const message = String(first.message ?? 'does not compile');
    const error = `${message.length > 80 ? `${message.slice(0, 79)}…` : message}${first.start_line ? ` at line ${first.start_line}` : ''}`;
    const side = baseErrors?.length ? 'base' : 'head';
    const absent = (side === 'base' ? missing.before : missing.after) ?? [];
    return { doesNotCompile: side, error, ...(absent.length ? { missing: [...absent] } : {}) };
  }
  return found.map(f => {
    const where = f.path?.replace(/^after\//, '');
    const elsewhere = where !== undefined && where !== name ? `in the imported ${where.length > 120 ? `${where.slice(0, 119)}…` : where}; ` : '';
    // buf's sentence ends in a full stop; the file it is in goes inside the brackets after it.
    const message = elsewhere ? (f.message ?? 'breaking change').replace(/\.$/, '') : f.message ?? 'breaking change';
    return { entry: { type: 'breaking' as const, action: f.type ?? 'breaking', description: `${message} (${elsewhere}buf rule ${f.type ?? 'unknown'})`, path: [] }, ...(f.start_line && !elsewhere ? { line: f.start_line } : {}) };
  });
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
