import { describe, expect, it } from 'vitest';
import { namingGone } from '../../src/cli/goneGiven.ts';
import type { Diagnostic } from '../../src/diagnostic.ts';

// namingGone matches a finding's message against the paths a change takes away as whole paths. It was a scan
// of every message for every gone path (indexOf), so deleting a folder of thousands of files in a catalog with
// many path findings cost their product; it now looks up each place a path can start by the gone paths' lengths.
const finding = (ruleId: string, message: string): Diagnostic => ({ ruleId, severity: 'error', message, file: 'catalog/all.yaml', range: { start: { line: 1, column: 1 }, end: { line: 1, column: 2 } } });

describe('namingGone', () => {
  const gone = ['catalog/teams/t1/x.yaml', 'skeletons/svc/README.md', 'docs/a b.md'];
  const repoFiles = ['catalog/all.yaml', 'catalog/teams/t1/kept.yaml', 'skeletons/other/README.md'];
  const names = (message: string, ruleId = 'location-target-missing') => namingGone([finding(ruleId, message)], gone, repoFiles).length === 1;

  it('a gone path named as a whole path, in quotes, brackets, before punctuation or a slash', () => {
    expect(names('Location target ./catalog/teams/t1/x.yaml does not exist')).toBe(false);
    expect(names('Location target catalog/teams/t1/x.yaml does not exist')).toBe(true);
    expect(names('`catalog/teams/t1/x.yaml`.')).toBe(true);
    expect(names('(catalog/teams/t1/x.yaml)')).toBe(true);
    expect(names('catalog/teams/t1/x.yaml')).toBe(true);
    // A folder the change emptied, named with a trailing slash or before a file of it.
    expect(names('skeleton folder "skeletons/svc/" is missing', 'template-skeleton-missing')).toBe(true);
    expect(names('docs dir skeletons/svc is gone', 'techdocs-ref-missing')).toBe(true);
    // A path with a space.
    expect(names("'docs/a b.md' does not exist", 'placeholder-target-missing')).toBe(true);
  });

  it('not a path inside a longer name, a folder that still holds files, or another rule', () => {
    expect(names('catalog/teams/t1/x.yaml-old does not exist')).toBe(false);
    expect(names('xcatalog/teams/t1/x.yaml does not exist')).toBe(false);
    expect(names('catalog/teams/t1/x.yamlx')).toBe(false);
    expect(names('folder catalog/teams/t1 is named')).toBe(false);
    expect(names('Location target catalog/teams/t1/x.yaml does not exist', 'ref-unresolved')).toBe(false);
  });

  it('by missingTarget, and over thousands of gone files and findings', () => {
    const d = { ...finding('placeholder-target-missing', 'no file'), missingTarget: { via: '$text', value: './x.yaml', path: 'catalog/teams/t1/x.yaml' } } as Diagnostic;
    expect(namingGone([d], gone, repoFiles)).toEqual([d]);
    const many = Array.from({ length: 5000 }, (_, i) => `catalog/big/f${i}.yaml`);
    const findings = Array.from({ length: 5000 }, (_, i) => finding('location-target-missing', `Location target catalog/big/f${i * 2}.yaml does not exist`));
    // catalog/big still holds a file, so only the findings that name a gone file count.
    expect(namingGone(findings, many, [...repoFiles, 'catalog/big/kept.yaml'])).toHaveLength(2500);
  });
});
