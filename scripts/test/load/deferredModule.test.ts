import { mkdtempSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { deferModule } from '../../src/load/deferredModule.ts';

/**
 * A package of CommonJS files in a fresh folder: `entry.js` re-exports `small.js` and adds a name of its
 * own; every evaluation of `entry.js` is counted in `globalThis[counter]`.
 */
function fixture() {
  const dir = mkdtempSync(join(tmpdir(), 'gitops-defer-'));
  const counter = `deferCount${Math.random().toString(36).slice(2)}`;
  writeFileSync(join(dir, 'small.js'), "exports.permission = { name: 'run' };\nexports.kind = 'task';\n");
  writeFileSync(join(dir, 'entry.js'), `globalThis.${counter} = (globalThis.${counter} ?? 0) + 1;\nconst small = require('./small.js');\nexports.permission = small.permission;\nexports.kind = small.kind;\nexports.layer = { built: true };\n`);
  writeFileSync(join(dir, 'consumer.js'), "module.exports = require('./entry.js');\n");
  const from = join(dir, 'consumer.js');
  const evaluations = () => ((globalThis as Record<string, unknown>)[counter] as number | undefined) ?? 0;
  return { dir, from, evaluations, require: createRequire(from) };
}

describe('deferModule', () => {
  it('answers the served names without evaluating the module, and the same objects the module exports', () => {
    const f = fixture();
    expect(deferModule(f.from, './entry.js', filename => createRequire(filename)('./small.js'))).toBe(true);
    const entry = f.require('./entry.js');
    const small = f.require('./small.js');
    expect(entry.permission).toBe(small.permission);
    expect(entry.kind).toBe('task');
    expect(f.evaluations()).toBe(0);
  });

  it('evaluates the real module once on the first other read, then answers from it and requires it', () => {
    const f = fixture();
    deferModule(f.from, './entry.js', filename => createRequire(filename)('./small.js'));
    const entry = f.require('./entry.js');
    expect(entry.layer).toEqual({ built: true });
    expect(f.evaluations()).toBe(1);
    expect(entry.layer).toBe(f.require('./entry.js').layer);
    expect(entry.permission).toBe(f.require('./entry.js').permission);
    expect(f.evaluations()).toBe(1);
  });

  it('lists, tests and describes keys as the real module does', () => {
    const f = fixture();
    deferModule(f.from, './entry.js');
    const entry = f.require('./entry.js');
    expect('layer' in entry).toBe(true);
    expect('other' in entry).toBe(false);
    expect(Object.keys(entry)).toEqual(['permission', 'kind', 'layer']);
    expect({ ...entry }).toEqual({ permission: { name: 'run' }, kind: 'task', layer: { built: true } });
    expect(f.evaluations()).toBe(1);
  });

  it('changes nothing for a module already loaded, one that does not resolve, or served exports that fail to load', () => {
    const f = fixture();
    const loaded = f.require('./entry.js');
    expect(deferModule(f.from, './entry.js')).toBe(false);
    expect(f.require('./entry.js')).toBe(loaded);
    expect(deferModule(f.from, './missing.js')).toBe(false);
    const g = fixture();
    expect(deferModule(g.from, './entry.js', filename => createRequire(filename)('./not-here.js'))).toBe(false);
    expect(g.require('./entry.js').layer).toEqual({ built: true });
    expect(g.evaluations()).toBe(1);
  });

  it('with callable, stands in for a module that exports a class: new and calls reach the real one, typeof and instanceof hold', () => {
    const f = fixture();
    writeFileSync(join(f.dir, 'klass.js'), `globalThis.klassCount = (globalThis.klassCount ?? 0) + 1;\nclass Thing { constructor(n) { this.n = n; } }\nmodule.exports = exports = Thing;\nexports.default = Thing;\nexports.Thing = Thing;\nexports.make = n => new Thing(n);\n`);
    (globalThis as Record<string, unknown>).klassCount = 0;
    expect(deferModule(f.from, './klass.js', undefined, true)).toBe(true);
    const Klass = f.require('./klass.js');
    // What catalog-model's SchemaValidEntityPolicy does as it loads: test the exports' type, keep a reference.
    expect(typeof Klass).toBe('function');
    const interop = { default: Klass };
    expect((globalThis as Record<string, unknown>).klassCount).toBe(0);
    const made = new interop.default(3);
    expect((globalThis as Record<string, unknown>).klassCount).toBe(1);
    const Real = f.require('./klass.js');
    expect(Real).not.toBe(Klass);
    expect(made).toBeInstanceOf(Real);
    expect(made).toBeInstanceOf(Klass);
    expect(made.n).toBe(3);
    expect(Klass.Thing).toBe(Real);
    expect(Klass.default).toBe(Real);
    expect(Klass.make(4)).toEqual(new Real(4));
    expect(Object.keys(Klass)).toEqual(Object.keys(Real));
    expect(Object.getPrototypeOf(Klass)).toBe(Object.getPrototypeOf(Real));
    expect((globalThis as Record<string, unknown>).klassCount).toBe(1);
  });
});
