import { createRequire, Module } from 'node:module';

const require = createRequire(import.meta.url);

/**
 * Puts off evaluating a CommonJS module that other packages require but a run may never use. From now on,
 * `require(request)` from `from` (an absolute file path) answers a stand-in for the module's exports: the
 * names in `served` (values taken from one of the package's own smaller dist modules, the very objects
 * the module itself re-exports; a test holds them identical) are answered at once, and reading any other
 * name, listing or testing keys evaluates the real module and answers from it (after which the real module
 * is the one `require` returns). So nothing a caller sees differs; only what is never read is never built.
 *
 * For a module whose exports is an object of names; with `callable` (a module that exports a class, as
 * ajv does), the stand-in is a function: calling it or `new` on it evaluates the real module and calls
 * or constructs that, and `typeof` says 'function' as it would for the real exports.
 * Takes the requesting file, the request as that file writes it, and a function giving the served exports
 * (called once, now). Returns false, changing nothing, when the module is already loaded or `served`
 * throws (a module not where this version keeps it): then the real module loads as usual when required.
 */
export function deferModule(from: string, request: string, served: (filename: string) => Record<string, unknown> = () => ({}), callable = false): boolean {
  let filename: string;
  let cheap: Record<string, unknown>;
  try {
    filename = createRequire(from).resolve(request);
    if (require.cache[filename]) return false;
    cheap = served(filename);
  } catch {
    return false;
  }
  let real: Record<string | symbol, unknown> | undefined;
  const load = (): Record<string | symbol, unknown> => {
    if (!real) {
      if (require.cache[filename] === standIn) delete require.cache[filename];
      real = require(filename) as Record<string | symbol, unknown>;
    }
    return real;
  };
  const has = (key: string | symbol) => typeof key === 'string' && Object.hasOwn(cheap, key);
  // A bound function is callable and constructible and, unlike a plain function, has no own `prototype`
  // (non-configurable), so the proxy may report the real module's keys without breaking its invariants.
  const target = callable ? function deferred() {}.bind(null) : {};
  const exports = new Proxy(target, {
    apply: (_target, self, args) => Reflect.apply(load() as unknown as (...args: unknown[]) => unknown, self, args),
    construct: (_target, args) => Reflect.construct(load() as unknown as new (...args: unknown[]) => object, args),
    get: (_target, key) => (has(key) ? cheap[key as string] : load()[key]),
    has: (_target, key) => has(key) || key in load(),
    getPrototypeOf: () => Reflect.getPrototypeOf(load()),
    ownKeys: () => Reflect.ownKeys(load()),
    // A proxy may not report a property its (empty) target lacks as non-configurable.
    getOwnPropertyDescriptor: (_target, key) => {
      const descriptor = Reflect.getOwnPropertyDescriptor(load(), key);
      return descriptor && { ...descriptor, configurable: true };
    },
    set: (_target, key, value) => Reflect.set(load(), key, value),
    defineProperty: (_target, key, descriptor) => Reflect.defineProperty(load(), key, descriptor),
    deleteProperty: (_target, key) => Reflect.deleteProperty(load(), key),
  });
  const standIn = new Module(filename);
  standIn.filename = filename;
  standIn.loaded = true;
  standIn.exports = exports;
  require.cache[filename] = standIn;
  return true;
}
