// Whether scripts/src/.build is exactly what `npm run build` would write now, so `npm run check` (which
// builds first) can skip a bundle that nothing changed. Decided by content, never by file dates: the
// manifest the build writes last holds the sha256 of every input and every output, and the bundle is
// reused only when all of them hash the same again and no input appeared or went away.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

const MANIFEST = 'build-manifest.json';
// Kept under node_modules, which `npm ci` deletes and nobody commits, not beside the bundle: a pull
// request could commit a bundle of its own together with a manifest that vouches for it (the bundle
// folder is gitignored, but `git add -f` commits it anyway). A manifest here was written by a build on
// this machine.
const manifestFile = root => join(root, 'node_modules/.cache/backstage-gitops', MANIFEST);
const VERSION = 1;

/** Every file under `dir` (repo-relative, `/`-separated, sorted), leaving out the folders in `skip`. */
function filesUnder(root, dir, skip) {
  const found = [];
  const walk = folder => {
    let entries;
    try {
      entries = readdirSync(join(root, folder), { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const path = folder ? `${folder}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        if (!skip.includes(path)) walk(path);
      } else found.push(path);
    }
  };
  walk(dir);
  return found.sort();
}

/**
 * The files a build may read, by rule rather than by what the last build happened to read, so a new
 * file esbuild would now resolve (foo.tsx beside foo.ts, a tsconfig.json in a source folder) counts:
 * everything under scripts/ but the bundle itself and the tests, schemas/, the root package and
 * TypeScript configs, and npm's record of the installed tree (node_modules/.package-lock.json, which
 * every install rewrites: esbuild, the inlined packages and what the prebuilt step reads all live there).
 */
function ruleInputs(root, outdir) {
  const built = relative(root, outdir).split(sep).join('/');
  return [
    ...filesUnder(root, 'scripts', [built, 'scripts/test']),
    ...filesUnder(root, 'schemas', []),
    'package.json', 'package-lock.json', 'tsconfig.json', 'jsconfig.json', 'node_modules/.package-lock.json',
  ];
}

function hashes(root, files) {
  return Object.fromEntries([...new Set(files)].sort().map(file => {
    try {
      return [file, createHash('sha256').update(readFileSync(join(root, file))).digest('hex')];
    } catch {
      return [file, null];
    }
  }));
}

function sameRecord(a, b) {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every(k => Object.hasOwn(b, k) && a[k] === b[k]);
}

/**
 * True when `outdir` holds the build the current inputs make: a manifest from this manifest version and
 * Node version, npm's record of the installed tree present, every input (the rule's files plus those
 * esbuild reported reading elsewhere) and every output byte-identical. Anything missing, unreadable or
 * different: false (build). Reads files only.
 */
export function buildIsCurrent(root, outdir) {
  let manifest;
  try {
    manifest = JSON.parse(readFileSync(manifestFile(root), 'utf8'));
  } catch {
    return false;
  }
  if (manifest?.version !== VERSION || manifest.node !== process.version || typeof manifest.inputs !== 'object' || typeof manifest.outputs !== 'object' || !Array.isArray(manifest.read)) return false;
  // Without npm's record, an upgraded package is invisible here: always build.
  if (!existsSync(join(root, 'node_modules/.package-lock.json'))) return false;
  if (!sameRecord(hashes(root, [...ruleInputs(root, outdir), ...manifest.read]), manifest.inputs)) return false;
  const outputs = filesUnder(outdir, '', []);
  return sameRecord(hashes(outdir, outputs), manifest.outputs);
}

/**
 * The sha256 of each of the rule's inputs now (repo-relative path → hex, null when unreadable): taken
 * before a build starts and handed to writeBuildManifest.
 */
export function inputHashes(root, outdir) {
  return hashes(root, ruleInputs(root, outdir));
}

/**
 * Records what the build in `outdir` was made from: `read` is every file esbuild's metafiles list
 * (absolute paths), kept besides the rule's inputs. Written last and atomically, so a
 * build that failed half-way leaves no manifest and is redone. With `before` (inputHashes taken when
 * the build started), nothing is written when an input changed or appeared while it ran: the bundle may
 * hold the older text, and a manifest of the newer one would vouch for it until the next edit.
 */
export function writeBuildManifest(root, outdir, read, before = undefined) {
  const extra = [...new Set(read.map(file => relative(root, resolve(root, file)).split(sep).join('/')))].filter(f => f && !f.startsWith('../'));
  const inputs = hashes(root, [...ruleInputs(root, outdir), ...extra]);
  if (before && ruleInputs(root, outdir).some(file => before[file] !== inputs[file])) return;
  const manifest = {
    version: VERSION,
    node: process.version,
    read: extra,
    inputs,
    outputs: hashes(outdir, filesUnder(outdir, '', [])),
  };
  mkdirSync(dirname(manifestFile(root)), { recursive: true });
  const temporary = `${manifestFile(root)}.${process.pid}.tmp`;
  writeFileSync(temporary, JSON.stringify(manifest));
  renameSync(temporary, manifestFile(root));
}
