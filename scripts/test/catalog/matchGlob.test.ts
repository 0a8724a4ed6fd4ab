import { describe, expect, it } from 'vitest';
import { matchGlob } from '../../src/catalog/locationTargets.ts';

describe('matchGlob', () => {
  const files = ['catalog/all.yaml', 'catalog/entities/a.yaml', 'catalog/entities/.hidden.yaml', 'catalog/entities/deep/b.yaml', 'docs/c.yaml'];

  it('matches as minimatch with dotfiles, in input order', () => {
    expect(matchGlob(files, 'catalog/entities/*.yaml')).toEqual(['catalog/entities/a.yaml', 'catalog/entities/.hidden.yaml']);
    expect(matchGlob(files, 'catalog/**/*.yaml')).toEqual(files.slice(0, 4));
  });

  it('answers a question asked again of the same files once, and another list of files afresh', () => {
    const first = matchGlob(files, 'catalog/entities/*.yaml');
    // A Location's target that is also catalog.include's pattern: one answer, never two.
    expect(matchGlob(files, 'catalog/entities/*.yaml')).toBe(first);
    const other = [...files, 'catalog/entities/z.yaml'];
    expect(matchGlob(other, 'catalog/entities/*.yaml')).toEqual([...first!, 'catalog/entities/z.yaml']);
  });
});
