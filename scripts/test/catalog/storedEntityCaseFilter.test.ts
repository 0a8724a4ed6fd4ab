import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CatalogEntity } from '../../src/catalog/catalogEntity.ts';
import { storedBudget, storedEntityProblems } from '../../src/catalog/storedEntity.ts';

// entity-key-case lists an entity's search keys only when two of its key parts may collide in letter case
// (storedEntity.ts, mayCollide): most entities have camelCase keys and no twin, and listing every entity's
// keys cost ≈55 ms of a 10k catalog's run. This holds the shortcut to Backstage's own stitcher: every
// entity buildEntitySearch refuses for casing must still be found, over random entities built from keys
// that differ in case, hold dots, and use the letters whose lower case is not one character per character
// (İ, the Kelvin sign) or depends on its neighbours (the final sigma ς, found in a first version's miss).

const require = createRequire(import.meta.url);
const buildEntitySearch = require(join(dirname(require.resolve('@backstage/plugin-catalog-backend')), 'database/operations/stitcher/buildEntitySearch.cjs.js')).buildEntitySearch as (id: string, entity: unknown) => unknown;

const WORDS = ['a', 'A', 'b', 'B', 'a.b', 'A.b', 'a.B', 'name', 'Name', 'uid', 'UID', 'İ', 'i̇', 'ß', 'SS', 'Σ', 'σ', 'ς', 'ΑΣ', 'ας', 'a.Σ', 'a.ς', '\u212A', 'k', 'x.y.z', 'X.y', 'annotations', 'Annotations', 'backstage', 'io/managed-by-location', 'IO/managed-by-location', 'example.com/a-key-longer-than-thirty-one-characters', 'example.com/A-Key-Longer-Than-Thirty-One-Characters'];

/** A small seeded generator (mulberry32), so that a failure repeats. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const record = (entity: Record<string, unknown>) => ({ entity, file: 'f.yaml', document: 0, locate: () => ({ start: { line: 1, column: 1 }, end: { line: 1, column: 1 } }) }) as unknown as CatalogEntity;
const found = (entity: Record<string, unknown>) => storedEntityProblems(record(entity), storedBudget(1e9, 1e9)).some(d => d.ruleId === 'entity-key-case');

/** Whether Backstage's stitcher refuses the entity as stored (uid and its location annotations added). */
function refused(entity: Record<string, unknown>): boolean {
  const metadata = entity.metadata as Record<string, unknown>;
  const annotations = typeof metadata.annotations === 'object' && metadata.annotations !== null && !Array.isArray(metadata.annotations) ? metadata.annotations : {};
  try {
    buildEntitySearch('u', { ...entity, metadata: { ...metadata, uid: 'u', annotations: { 'backstage.io/managed-by-location': 'url:x', 'backstage.io/managed-by-origin-location': 'url:x', ...annotations } } });
    return false;
  } catch (error) {
    return /vary only in casing/.test(String(error));
  }
}

describe('entity-key-case: the shortcut never hides a refusal of the stitcher', () => {
  it('finds every entity buildEntitySearch refuses, over 20,000 random entities', () => {
    const next = random(25);
    const pick = <T>(xs: readonly T[]) => xs[Math.floor(next() * xs.length)];
    const value = (depth: number): unknown => {
      const r = next();
      if (depth > 2 || r < 0.35) return pick(['v', 1, true, null]);
      if (r < 0.6) return Array.from({ length: Math.floor(next() * 3) }, () => (next() < 0.5 ? pick(WORDS) : value(depth + 1)));
      return Object.fromEntries(Array.from({ length: 1 + Math.floor(next() * 3) }, () => [pick(WORDS), value(depth + 1)]));
    };
    let refusals = 0;
    const missed: string[] = [];
    for (let n = 0; n < 20_000; n++) {
      const entity = { apiVersion: 'backstage.io/v1alpha1', kind: 'Component', metadata: { ...(value(1) as object), name: 'x' }, spec: value(0) };
      if (!refused(entity)) continue;
      refusals++;
      if (!found(entity)) missed.push(JSON.stringify(entity));
    }
    expect(missed.slice(0, 3)).toEqual([]);
    expect(refusals).toBeGreaterThan(500);
  });

  it('a final sigma beside a capital sigma (equal only inside the whole key) and camelCase keys without a twin', () => {
    const sigma = { apiVersion: 'backstage.io/v1alpha1', kind: 'Component', metadata: { name: 'x', Σ: 1, ς: 2 }, spec: {} };
    expect(refused(sigma)).toBe(true);
    expect(found(sigma)).toBe(true);
    const plain = { apiVersion: 'backstage.io/v1alpha1', kind: 'Component', metadata: { name: 'x' }, spec: { providesApis: ['a'], dependsOn: ['resource:b'] } };
    expect(refused(plain)).toBe(false);
    expect(found(plain)).toBe(false);
  });
});
