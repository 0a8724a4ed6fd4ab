import { Minimatch } from 'minimatch';
import { describe, expect, it } from 'vitest';
import { matchGlob } from '../../src/catalog/locationTargets.ts';

// matchGlob hands minimatch only the files under a pattern's literal folders: the files it returns must be
// exactly those minimatch itself picks from the whole list, for every kind of pattern a Location can hold.
const FILES = [
  'catalog/all.yaml', 'catalog/entities/a.yaml', 'catalog/entities/b.yml', 'catalog/entities/.hidden.yaml',
  'catalog/entities/deep/c.yaml', 'catalog/entitiesx/d.yaml', 'Catalog/entities/e.yaml', 'catalog-info.yaml',
  'services/orders/catalog-info.yaml', 'services/x/y/z/catalog-info.yaml', 'a/b/c.yaml', 'a//b/c.yaml',
  '#notes/x.yaml', 'catalog/entities/[a].yaml', 'catalog/entities/a+b.yaml', 'catalog/entities/a b.yaml',
  'cätalog/ü.yaml', 'docs/mkdocs.yml', '.github/catalog-info.yaml', 'catalog', 'catalog/entities',
];
const PATTERNS = [
  'catalog/entities/*.yaml', 'catalog/entities/**/*.yaml', 'catalog/entities/*', 'catalog/**', 'catalog/*/a.yaml',
  '**/catalog-info.yaml', '*/catalog-info.yaml', '*.yaml', 'services/*/catalog-info.yaml', 'services/**',
  'catalog/entities/?.yaml', 'catalog/entities/[ab].yaml', 'catalog/entities/{a,b}.y*ml', 'catalog/{entities,entitiesx}/*.yaml',
  'catalog/entities/+(a|b).yaml', 'catalog/entities/!(a).yaml', '!catalog/entities/a.yaml', 'catalog/entities/\\[a\\].yaml',
  'a//b/*.yaml', './catalog/entities/*.yaml', 'catalog/./entities/*.yaml', 'catalog/../catalog/entities/*.yaml', '/catalog/*.yaml',
  '#notes/*.yaml', 'cätalog/*.yaml', 'Catalog/entities/*.yaml', 'catalog/entities/a b.yaml', 'catalog/entities/a+b.yaml',
  '.github/*.yaml', 'catalog/entities', 'catalog/entities/',
];

describe('matchGlob (Location targets and catalog.include)', () => {
  it.each(PATTERNS)('%s: the files minimatch matches, in input order', pattern => {
    const matcher = new Minimatch(pattern, { dot: true });
    expect(matchGlob(FILES, pattern)).toEqual(FILES.filter(f => matcher.match(f)));
  });
});

describe('matchGlob asked again', () => {
  it('answers a question asked again of the same files once, and another list of files afresh', () => {
    const first = matchGlob(FILES, 'catalog/entities/*.yaml');
    // A Location's target that is also catalog.include's pattern: one answer, never two.
    expect(matchGlob(FILES, 'catalog/entities/*.yaml')).toBe(first);
    const other = [...FILES, 'catalog/entities/z.yaml'];
    expect(matchGlob(other, 'catalog/entities/*.yaml')).toEqual([...first!, 'catalog/entities/z.yaml']);
  });
});
