import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { childEnv } from '../process/childEnv.ts';
import { bufWrapper } from '../pr/protoBreaking.ts';

/** One gRPC API's .proto text, with the files it imports that the repository holds (protoImports). */
export interface ProtoSource {
  /** The file name buf compiles it as (a plain `name.proto`). */
  name: string;
  text: string;
  /** Import path to text. */
  imports: ReadonlyMap<string, string>;
  /** Imports the repository does not hold (a buf dependency such as googleapis). */
  missing: readonly string[];
}

/** buf's first compile error of one proto: its message, and where (in the API's own file unless `elsewhere` names the imported file). */
export interface ProtoCompileError {
  message: string;
  line?: number;
  column?: number;
  elsewhere?: string;
}

interface BufLine { path?: string; start_line?: number; start_column?: number; type?: string; message?: string }

const BUF_TIMEOUT_MS = 60_000;
const BUF_MAX_OUTPUT = 4 * 1024 * 1024;
const PARALLEL = 4;

// What follows from an import the repository does not hold (kept as a buf dependency, as googleapis often is):
// not the definition's fault, and Backstage never compiles it.
const FROM_MISSING_IMPORT = /^imported file does not exist|^cannot find `[^`]*` in this scope/;

/**
 * Compiles each proto with `buf build` as protoBreaking compiles one side (its imports from the repository
 * beside it, an environment of nothing but the allow-listed variables): first all at once, as the modules of
 * one buf workspace, which costs one start of buf for a catalog whose protos all compile; when that finds
 * anything (or cannot run: two protos holding the same file), each one alone, a few at a time. Errors that
 * follow from an import the repository does not hold are left out. Returns, by index into `protos`, the
 * first error of each proto that does not compile. buf missing, failing or stopped at its time limit gives
 * no error for that proto: a tool that gave no answer says nothing of the definition.
 */
export async function protoCompileErrors(protos: readonly ProtoSource[]): Promise<Map<number, ProtoCompileError>> {
  const found = new Map<number, ProtoCompileError>();
  const wrapper = bufWrapper();
  if (!wrapper || protos.length === 0) return found;
  const dir = mkdtempSync(join(tmpdir(), 'gitops-proto-check-'));
  try {
    protos.forEach((proto, i) => writeModule(join(dir, `m${i}`), proto));
    if (protos.length > 1) {
      writeFileSync(join(dir, 'buf.yaml'), `version: v2\nmodules:\n${protos.map((_, i) => `  - path: m${i}\n`).join('')}`);
      const all = await runBuf(wrapper, dir, ['build', '--error-format', 'json']);
      if (all.status === 0) return found;
      rmSync(join(dir, 'buf.yaml'));
    }
    let next = 0;
    const worker = async () => {
      for (let i = next++; i < protos.length; i = next++) {
        const run = await runBuf(wrapper, dir, ['build', `m${i}`, '--error-format', 'json']);
        const error = run.status === 100 ? firstError(run.lines, `m${i}/`, protos[i]) : undefined;
        if (error) found.set(i, error);
      }
    };
    await Promise.all(Array.from({ length: Math.min(PARALLEL, protos.length) }, worker));
    return found;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function writeModule(dir: string, proto: ProtoSource): void {
  for (const [path, content] of proto.imports) {
    // The API's own file keeps its place; protoImports only hands out relative paths without `..`.
    if (path === proto.name) continue;
    try {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), content);
    } catch {
      // `a.proto` and `a.proto/b.proto` both imported: the one left out is a compile error buf names.
    }
  }
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, proto.name), proto.text);
}

function firstError(lines: readonly BufLine[], prefix: string, proto: ProtoSource): ProtoCompileError | undefined {
  const errors = lines.filter(l => l.type === 'COMPILE' && !(proto.missing.length > 0 && FROM_MISSING_IMPORT.test(String(l.message ?? ''))));
  const first = errors.find(l => l.path === `${prefix}${proto.name}`) ?? errors[0];
  if (!first) return undefined;
  const message = String(first.message ?? 'does not compile');
  const where = first.path?.startsWith(prefix) ? first.path.slice(prefix.length) : first.path;
  return {
    message: message.length > 200 ? `${message.slice(0, 199)}…` : message,
    ...(where === proto.name ? { ...(first.start_line ? { line: first.start_line } : {}), ...(first.start_column ? { column: first.start_column } : {}) } : { elsewhere: where && where.length > 120 ? `${where.slice(0, 119)}…` : where ?? 'a file it imports' }),
  };
}

/** Runs buf in `cwd` with its cache there; buf writes a build's compile errors as JSON lines on stderr. */
function runBuf(wrapper: string, cwd: string, args: string[]): Promise<{ status: number | null; lines: BufLine[] }> {
  const env = { ...childEnv(), BUF_CACHE_DIR: join(cwd, '.cache'), HOME: cwd };
  return new Promise(resolve => {
    execFile(process.execPath, [wrapper, ...args], { cwd, env, encoding: 'utf8', timeout: BUF_TIMEOUT_MS, maxBuffer: BUF_MAX_OUTPUT }, (error, _stdout, stderr) => {
      const status = error ? (typeof error.code === 'number' ? error.code : null) : 0;
      const lines = String(stderr ?? '').split('\n').flatMap(line => {
        try {
          return line ? [JSON.parse(line) as BufLine] : [];
        } catch {
          return [];
        }
      });
      resolve({ status: error?.killed ? null : status, lines });
    });
  });
}
