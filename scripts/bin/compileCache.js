// Node's module compile cache (module.enableCompileCache, Node >= 22.1; a no-op on older Node): V8 keeps the
// code it compiled for the bundle and the packages it loads on disk, so the next run reads it back instead
// of compiling it again (measured with Node 24 on a 2-core machine: `npm run check` used 12 % less CPU,
// 1.16 -> 1.02 s, in the same wall time; docs/benchmarks.md). Kept beside the CLI's remembered values, under node_modules/.cache/backstage-gitops, which
// `npm ci` empties and whose `prepare` gate run fills again: a CI job's first `check` finds it warm. Node
// checks every entry against the source it was made from (a changed file is compiled afresh);
// NODE_COMPILE_CACHE chooses another folder, NODE_DISABLE_COMPILE_CACHE=1 turns it off (Node's own
// settings). It never throws: a read-only install only runs without it.
import module from 'node:module';
import { fileURLToPath } from 'node:url';

export function enableCompileCache() {
  if (typeof module.enableCompileCache !== 'function') return;
  const folder = fileURLToPath(new URL('../../node_modules/.cache/backstage-gitops/compile-cache', import.meta.url));
  try {
    module.enableCompileCache(process.env.NODE_COMPILE_CACHE ? undefined : folder);
  } catch {
    // Documented not to throw; an optimisation either way.
  }
}
