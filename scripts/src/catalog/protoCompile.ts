import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { arch, endianness, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { remembered } from '../load/remembered.ts';
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
  return (await compileAll(protos, bufCommand())).found;
}

/**
 * protoCompileErrors, remembered: buf's verdict on the same protos (each one's name, text, imported texts
 * and missing imports, in order) by the same buf and toolkit is read back from node_modules/.cache/
 * backstage-gitops (remembered.ts: keyed by the toolkit's code, the installed tree and these inputs; a
 * stored value of another shape, or one naming other protos, is not used), so a run whose protos did not
 * change starts no buf. Only a verdict every buf run gave (exit 0 or 100) is remembered: buf missing,
 * stopped at its time limit or failing otherwise says nothing, and is asked again next time.
 */
export async function rememberedProtoCompileErrors(protos: readonly ProtoSource[]): Promise<Map<number, ProtoCompileError>> {
  if (protos.length === 0) return new Map();
  const command = bufCommand();
  if (!command) return new Map();
  const names = protos.map(p => p.name);
  const inputs = JSON.stringify([command.version, protos.map(p => [p.name, p.text, [...p.imports], p.missing])]);
  let unremembered: Map<number, ProtoCompileError> | undefined;
  try {
    const verdict = await remembered('proto-compile', inputs, (value): value is RememberedVerdict => isVerdict(value, names), async () => {
      const compiled = await compileAll(protos, command);
      if (!compiled.complete) {
        unremembered = compiled.found;
        throw new Error('buf gave no answer');
      }
      return { names, errors: [...compiled.found] };
    });
    return new Map(verdict.errors);
  } catch (error) {
    if (unremembered) return unremembered;
    throw error;
  }
}

/** What is remembered of one buf verdict: the protos' names (checked on reading) and each failing one's first error. */
interface RememberedVerdict {
  names: string[];
  errors: [number, ProtoCompileError][];
}

const isCount = (n: unknown) => typeof n === 'number' && Number.isSafeInteger(n) && n > 0;

function isVerdict(value: unknown, names: readonly string[]): value is RememberedVerdict {
  if (!value || typeof value !== 'object') return false;
  const { names: stored, errors } = value as Record<string, unknown>;
  if (!Array.isArray(stored) || stored.length !== names.length || stored.some((n, i) => n !== names[i])) return false;
  if (!Array.isArray(errors) || errors.length > names.length) return false;
  const seen = new Set<number>();
  return errors.every(entry => {
    if (!Array.isArray(entry) || entry.length !== 2) return false;
    const [i, error] = entry as [unknown, unknown];
    if (typeof i !== 'number' || !Number.isSafeInteger(i) || i < 0 || i >= names.length || seen.has(i)) return false;
    seen.add(i);
    if (!error || typeof error !== 'object' || Array.isArray(error)) return false;
    const e = error as Record<string, unknown>;
    if (Object.keys(e).some(k => !['message', 'line', 'column', 'elsewhere'].includes(k))) return false;
    if (typeof e.message !== 'string' || e.message.length > 200) return false;
    if (e.elsewhere !== undefined && (typeof e.elsewhere !== 'string' || e.elsewhere.length > 120 || e.line !== undefined || e.column !== undefined)) return false;
    return (e.line === undefined || isCount(e.line)) && (e.column === undefined || isCount(e.column));
  });
}

/** How buf is started: the platform's binary that @bufbuild/buf installs, run directly (no Node start of its wrapper), else the wrapper. */
interface BufCommand {
  file: string;
  args: string[];
  /** The installed buf's package versions: part of what a remembered verdict is keyed by. */
  version: string;
}

// The platform packages @bufbuild/buf's wrapper (bin/buf) picks from, by `${process.platform} ${arch()} ${endianness()}`.
const BUF_PLATFORM_PACKAGES: Record<string, string> = {
  'darwin arm64 LE': '@bufbuild/buf-darwin-arm64',
  'darwin x64 LE': '@bufbuild/buf-darwin-x64',
  'linux arm64 LE': '@bufbuild/buf-linux-aarch64',
  'linux armv7 LE': '@bufbuild/buf-linux-armv7',
  'linux x64 LE': '@bufbuild/buf-linux-x64',
  'win32 arm64 LE': '@bufbuild/buf-win32-arm64',
  'win32 x64 LE': '@bufbuild/buf-win32-x64',
};

let bufCommandMemo: BufCommand | null | undefined;

function bufCommand(): BufCommand | undefined {
  if (bufCommandMemo !== undefined) return bufCommandMemo ?? undefined;
  const wrapper = bufWrapper();
  bufCommandMemo = null;
  if (!wrapper) return undefined;
  const version = (packageJson: string) => {
    try {
      const { version } = JSON.parse(readFileSync(packageJson, 'utf8')) as { version?: unknown };
      return typeof version === 'string' ? version : '?';
    } catch {
      return '?';
    }
  };
  const wrapperPackage = join(wrapper, '..', '..', 'package.json');
  const fallback = { file: process.execPath, args: [wrapper], version: `@bufbuild/buf@${version(wrapperPackage)}` };
  const pkg = BUF_PLATFORM_PACKAGES[`${process.platform} ${arch()} ${endianness()}`];
  let direct: BufCommand | undefined;
  if (pkg) {
    try {
      // Resolved from the wrapper's own package, as its bin/buf resolves it.
      const require = createRequire(wrapperPackage);
      const binary = require.resolve(`${pkg}/bin/${process.platform === 'win32' ? 'buf.exe' : 'buf'}`);
      if (existsSync(binary)) direct = { file: binary, args: [], version: `${fallback.version} ${pkg}@${version(require.resolve(`${pkg}/package.json`))}` };
    } catch {
      // Not installed for this platform (or a downloaded binary): the wrapper finds it.
    }
  }
  bufCommandMemo = direct ?? fallback;
  return bufCommandMemo;
}

async function compileAll(protos: readonly ProtoSource[], command: BufCommand | undefined): Promise<{ found: Map<number, ProtoCompileError>; complete: boolean }> {
  const found = new Map<number, ProtoCompileError>();
  if (!command || protos.length === 0) return { found, complete: false };
  let complete = true;
  const answered = (status: number | null) => {
    if (status !== 0 && status !== 100) complete = false;
  };
  const dir = mkdtempSync(join(tmpdir(), 'gitops-proto-check-'));
  try {
    protos.forEach((proto, i) => writeModule(join(dir, `m${i}`), proto));
    if (protos.length > 1) {
      writeFileSync(join(dir, 'buf.yaml'), `version: v2\nmodules:\n${protos.map((_, i) => `  - path: m${i}\n`).join('')}`);
      const all = await runBuf(command, dir, ['build', '--error-format', 'json']);
      if (all.status === 0) return { found, complete };
      rmSync(join(dir, 'buf.yaml'));
    }
    let next = 0;
    const worker = async () => {
      for (let i = next++; i < protos.length; i = next++) {
        const run = await runBuf(command, dir, ['build', `m${i}`, '--error-format', 'json']);
        answered(run.status);
        const error = run.status === 100 ? firstError(run.lines, `m${i}/`, protos[i]) : undefined;
        if (error) found.set(i, error);
      }
    };
    await Promise.all(Array.from({ length: Math.min(PARALLEL, protos.length) }, worker));
    return { found, complete };
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
function runBuf(command: BufCommand, cwd: string, args: string[]): Promise<{ status: number | null; lines: BufLine[] }> {
  const env = { ...childEnv(), BUF_CACHE_DIR: join(cwd, '.cache'), HOME: cwd };
  return new Promise(resolve => {
    execFile(command.file, [...command.args, ...args], { cwd, env, encoding: 'utf8', timeout: BUF_TIMEOUT_MS, maxBuffer: BUF_MAX_OUTPUT }, (error, _stdout, stderr) => {
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
