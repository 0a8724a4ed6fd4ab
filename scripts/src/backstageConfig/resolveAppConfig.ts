import { createHash } from 'node:crypto';
import { closeSync, fstatSync, openSync, readSync, realpathSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, sep } from 'node:path';
import { DEFAULT_YAML_LIMITS } from '../load/parseYaml.ts';
import { affordableYaml, nodeUpperBound } from '../load/yamlNodeBudget.ts';
import { leavesRoot } from '../load/leavesRoot.ts';
import { spawnSync } from 'node:child_process';
import { childEnv } from '../process/childEnv.ts';

const require = createRequire(import.meta.url);

/**
 * What an environment variable (`${VAR}`, `$env: VAR`) stands for at check time: some string, unknown.
 * Backstage substitutes it when the backend starts; offline, only what holds for every string is known
 * (a string is present, it is never an object or a list).
 */
export const ENV_STRING = '\u{F8FF}gitops-env\u{F8FF}';
/** What a `$include` the check cannot read (its path comes from the environment, or it lies outside the repo) stands for: any value. */
export const UNKNOWN_VALUE = '\u{F8FF}gitops-unknown\u{F8FF}';

/** Whether a resolved value (or anything inside it) comes from outside the repo: the environment or an unread file. */
export function holdsUnknown(value: unknown): boolean {
  if (typeof value === 'string') return value.includes(ENV_STRING) || value.includes(UNKNOWN_VALUE);
  if (Array.isArray(value)) return value.some(holdsUnknown);
  if (value !== null && typeof value === 'object') return Object.values(value).some(holdsUnknown);
  return false;
}

/** A file an app-config read through `$include`/`$file`: its repo-relative path and sha256 (null: it did not exist). */
export interface ConfigRead {
  path: string;
  sha256: string | null;
}

export interface ResolvedAppConfig {
  /** The config as Backstage's loader hands it on: substitutions and includes applied, unknowns marked. */
  data?: Record<string, unknown>;
  /** Why config-loader refuses the file (the backend does not start), in its own words. */
  error?: string;
  /** Files read (or missing) on the way; a remembered result holds only while they are unchanged. */
  reads: ConfigRead[];
  /** Includes that link out of the repo: not read. Repo-relative paths. */
  linksOut: string[];
  /** Includes of repo paths that do not exist (the deployment must provide them). Repo-relative paths. */
  missing: string[];
}

// config-loader's own transform (substitution, then $file/$env/$include), as FileConfigSource builds it:
// not re-exported from the package's index, so loaded from its file. The package has no `exports` map.
interface Transformer {
  (input: unknown, context: { dir: string }): Promise<Record<string, unknown>>;
}
function configTransformer(options: { substitutionFunc: (name: string) => Promise<string | undefined>; readFile: (path: string) => Promise<string> }): Transformer {
  const { createConfigTransformer } = require('@backstage/config-loader/dist/sources/transform/apply.cjs.js');
  return createConfigTransformer(options);
}

/** Most `$include`/`$file` reads one app-config file may make (includes of includes counted). */
const MAX_INCLUDES = 100;
/** Largest file a `$include`/`$file` may pull in; beyond it the read fails as a hostile one would. */
const MAX_INCLUDED_BYTES = 1_000_000;
/**
 * YAML values all the `$include`/`$file` reads of one app-config file may bring in together (each read
 * charged nodeUpperBound of its text): the catalog's per-file node budget. One file under every per-file cap,
 * included 99 times, made config-loader walk 33 million values (156 s of CPU, 2.4 GB).
 */
const MAX_INCLUDED_NODES = DEFAULT_YAML_LIMITS.maxNodes;

/**
 * One app-config file's data (as `yaml.parse` gives it) through @backstage/config-loader's transforms,
 * as FileConfigSource applies them when the backend starts (sources/FileConfigSource.cjs.js,
 * sources/transform/apply.cjs.js): `${VAR}` strings and `$env` become ENV_STRING (kept inside the
 * surrounding text, `$${…}` stays literal), `$file`/`$include` of a file inside `root` read that file
 * (symlinks resolved; one that leads out of the repo is not read); one outside the repo or not in it
 * becomes UNKNOWN_VALUE (a deployment mounts it; config-loader stops if it does not). Returns the data, or the loader's error (e.g. "expected object at config
 * root", an include that does not exist or does not parse) as it words it. Never throws for repo content.
 * `file` is repo-relative; `root` absolute.
 */
export async function resolveAppConfig(root: string, file: string, data: unknown): Promise<ResolvedAppConfig> {
  const reads: ConfigRead[] = [];
  const linksOut: string[] = [];
  const missing: string[] = [];
  let includes = 0;
  let nodes = 0;
  const realRoot = realpathSync(root);
  if (cyclic(data)) return { error: CYCLE, reads, linksOut, missing };
  const transform = configTransformer({
    substitutionFunc: async () => ENV_STRING,
    readFile: async (path: string) => {
      // config-loader follows an include cycle forever (each $include is transformed again): bounded here.
      if (++includes > MAX_INCLUDES) throw new Error(`more than ${MAX_INCLUDES} $include/$file reads: an include that includes itself never ends, and config-loader never finishes loading`);
      if (path.includes(ENV_STRING)) return JSON.stringify(UNKNOWN_VALUE);
      const rel = relative(root, path);
      if (rel === '' || leavesRoot(rel)) return JSON.stringify(UNKNOWN_VALUE);
      // The deployment reads the files of the repository, not what a checkout holds beside them: git's own
      // folder (.git/config may hold a token) and untracked files (a CI step's .npmrc) are unknown, never
      // read. Red team: `$file: ../.git/config` under scaffolder.defaultEnvironment reached the render.
      if (!trackedByGit(root, rel)) {
        reads.push({ path: rel, sha256: null });
        missing.push(rel.split(sep).join('/'));
        return JSON.stringify(UNKNOWN_VALUE);
      }
      let real: string;
      try {
        real = realpathSync(path);
      } catch {
        reads.push({ path: rel, sha256: null });
        // Not committed: a deployment mounts it (a secret file is kept out of the repo on purpose), or
        // config-loader stops on it. What it holds is unknown here.
        missing.push(rel.split(sep).join('/'));
        return JSON.stringify(UNKNOWN_VALUE);
      }
      if (real !== realRoot && !real.startsWith(realRoot + sep)) {
        linksOut.push(rel.split(sep).join('/'));
        return JSON.stringify(UNKNOWN_VALUE);
      }
      let text: string;
      try {
        text = readBounded(real);
      } catch (error) {
        // Never equal to a hash: a result that met an unreadable include is computed again next time.
        reads.push({ path: rel, sha256: 'unreadable' });
        throw error;
      }
      reads.push({ path: rel, sha256: createHash('sha256').update(text).digest('hex') });
      if (/\.ya?ml$/.test(path) && cyclic(loaderYamlParse(text))) throw new Error(CYCLE);
      nodes += nodeUpperBound(text);
      if (nodes > MAX_INCLUDED_NODES) throw new Error(`the files its $include/$file reads hold more than ${MAX_INCLUDED_NODES} YAML values in all (an include bomb, or a generated dump); the toolkit stops reading them here`);
      return text;
    },
  });
  try {
    return { data: await transform(data, { dir: dirname(join(root, file)) }), reads, linksOut, missing };
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error), reads, linksOut, missing };
  }
}

/** Why a YAML value that holds itself stops config-loader: its transforms walk it without end (the process runs out of memory). */
const CYCLE = 'an alias stands inside the node its anchor names (a cycle): config-loader walks it without end and never finishes loading';

/** Whether `value` holds itself (a YAML alias inside its own anchor's node). */
function cyclic(value: unknown): boolean {
  try {
    JSON.stringify(value);
    return false;
  } catch (error) {
    return error instanceof TypeError;
  }
}

/** config-loader's own `yaml`, as its $include parses an included .yaml/.yml; undefined when it does not parse (config-loader reports that). */
function loaderYamlParse(text: string): unknown {
  try {
    affordableYaml(text);
    return (createRequire(require.resolve('@backstage/config-loader'))('yaml') as { parse(text: string): unknown }).parse(text);
  } catch {
    return undefined;
  }
}

function readBounded(path: string): string {
  // Checked before opening: opening a FIFO would block the run.
  if (!statSync(path).isFile()) throw new Error('not a regular file');
  const fd = openSync(path, 'r');
  try {
    const { size } = fstatSync(fd);
    if (size > MAX_INCLUDED_BYTES) throw new Error(`file is larger than ${MAX_INCLUDED_BYTES} bytes`);
    const buffer = Buffer.alloc(size);
    let read = 0;
    while (read < size) {
      const n = readSync(fd, buffer, read, size - read, read);
      if (n === 0) break;
      read += n;
    }
    return buffer.subarray(0, read).toString('utf8');
  } finally {
    closeSync(fd);
  }
}

/** Whether every file a remembered result read still has the content it had then (null: still missing). */
export function readsUnchanged(root: string, reads: readonly ConfigRead[]): boolean {
  const realRoot = realpathSync(root);
  return reads.every(({ path, sha256 }) => {
    let now: string | null;
    try {
      const real = realpathSync(join(root, path));
      if (!real.startsWith(realRoot + sep)) return false;
      now = createHash('sha256').update(readBounded(real)).digest('hex');
    } catch {
      now = null;
    }
    return now === sha256;
  });
}

/**
 * Whether `rel` (a path from `root`) is a file git tracks, or `root` is not in a git work tree at all (then
 * every file counts). A path inside git's own folder never counts. One `git ls-files` per read; never throws.
 */
function trackedByGit(root: string, rel: string): boolean {
  if (rel.split(sep).includes('.git')) return false;
  const listed = spawnSync('git', ['-C', root, '--literal-pathspecs', 'ls-files', '-z', '--error-unmatch', '--', rel], { encoding: 'utf8', env: childEnv({ LC_ALL: 'C' }) });
  if (listed.status === 0) return true;
  return /not a git repository/i.test(listed.stderr ?? '');
}
