import { describe, expect, it } from 'vitest';
import { runBin } from '../helpers/runBin.ts';
import { tempRepo } from '../helpers/tempRepo.ts';

// Two false alarms a fresh user found on public repositories, run with `check --root` and no gitops.config.yaml.
// benwilcock/systems-techdocs: a Location with `type: dir` (refused: Backstage's orchestrator returns before
// reading any target) had its target, an mkdocs.yaml, judged as a broken entity file "that this Location reads".
// rey-gdp-intern/backstage-catalog: acme/all.yaml's Location `acme` reads acme/group/all.yaml, which holds a
// Location `acme` too; without roots each file was taken as its own registration (entity-duplicate), with roots
// the same repository gave location-ignored, which is what Backstage does with the only file it registers; and
// `check acme/group/all.yaml` alone said entity-duplicate, its crawl not knowing the Location that reads it.

interface Finding { ruleId: string; file: string; message: string; range: { start: { line: number } } }
const run = async (files: Record<string, string>) => {
  const root = await tempRepo(files);
  const result = await runBin(['check', '--root', root, '--format', 'json'], root);
  return (JSON.parse(result.stdout).diagnostics as Finding[]).map(d => `${d.ruleId}@${d.file}:${d.range.start.line}`).sort();
};
const location = (name: string, spec: string) => `apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata:\n  name: ${name}\nspec:\n${spec}`;
const group = (name: string) => `apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: ${name}\nspec:\n  type: team\n  children: []\n`;
const MKDOCS = 'site_name: Docs\nnav:\n  - Home: index.md\nplugins:\n  - techdocs-core\n';

describe('a Location Backstage refuses reads none of its targets (check --root, through the bin)', () => {
  it('type: dir (benwilcock/systems-techdocs): only the refusal, nothing in the mkdocs.yaml it names', async () => {
    const found = await run({
      'tap-catalog-info.yaml': location('where-for-dinner-techdocs', '  type: dir\n  targets:\n    - "portal/mkdocs.yaml"\n'),
      'tdp-catalog-info.yaml': location('portal-techdocs', '  type: dir\n  targets:\n    - "portal/mkdocs.yaml"\n'),
      'portal/mkdocs.yaml': MKDOCS,
    });
    expect(found).toEqual(['location-target-invalid@tap-catalog-info.yaml:6', 'location-target-invalid@tdp-catalog-info.yaml:6']);
  });

  it('says in the refusal that none of its targets is read', async () => {
    const root = await tempRepo({ 'catalog-info.yaml': location('docs', '  type: dir\n  target: ./mkdocs.yaml\n'), 'mkdocs.yaml': MKDOCS });
    const [finding] = JSON.parse((await runBin(['check', '--root', root, '--format', 'json'], root)).stdout).diagnostics as Finding[];
    expect(finding.message).toContain('and reads none of its targets');
  });

  it('with roots: a refused type reads neither a broken target nor the Locations beyond it, and what it names is unreachable', async () => {
    const files = {
      'gitops.config.yaml': 'catalog:\n  roots: [all.yaml]\n  include: ["catalog/**/*.yaml"]\n',
      'all.yaml': location('all', '  targets:\n    - ./catalog/teams.yaml\n    - ./catalog/org.yaml\n'),
      'catalog/teams.yaml': location('teams', '  type: github-discovery\n  targets:\n    - ./broken.yaml\n    - ./more/all.yaml\n    - "https://exa mple.com/%zz"\n'),
      'catalog/broken.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  title: no name\n',
      'catalog/more/all.yaml': location('more', '  targets: [./bad.yaml]\n'),
      'catalog/more/bad.yaml': 'just: text\n',
      'catalog/org.yaml': group('team-a'),
    };
    const root = await tempRepo(files);
    const result = await runBin(['check', '--format', 'json'], root);
    const found = (JSON.parse(result.stdout).diagnostics as Finding[]).map(d => `${d.ruleId}@${d.file}`).sort();
    expect(found).toEqual(['location-target-invalid@catalog/teams.yaml', 'location-unreachable@catalog/broken.yaml', 'location-unreachable@catalog/more/all.yaml', 'location-unreachable@catalog/more/bad.yaml']);
    // What the refused Location names is said as such: listing it again would change nothing.
    const broken = (JSON.parse(result.stdout).diagnostics as (Finding & { hint: string })[]).find(d => d.file === 'catalog/broken.yaml')!;
    expect(broken.message).toBe('catalog/broken.yaml is named only by the Location in catalog/teams.yaml, whose type Backstage refuses before reading any target, so Backstage never reads it.');
    expect(broken.hint).toContain("Fix that Location's spec.type");
  });
});

describe('without roots, a catalog file another file\'s Location reaches is read through that Location, not registered itself', () => {
  it('a nested Location of its reader\'s ref is ignored, not a duplicate (rey-gdp-intern/backstage-catalog)', async () => {
    const files = {
      'all.yaml': location('all', '  targets:\n    - ./acme/all.yaml\n'),
      'acme/all.yaml': location('acme', '  targets:\n    - ./group/all.yaml\n'),
      'acme/group/all.yaml': location('acme', '  targets:\n    - ./sre.yaml\n'),
      'acme/group/sre.yaml': group('sre'),
    };
    expect(await run(files)).toEqual(['location-ignored@acme/group/all.yaml:4']);
    // The same verdict as with roots naming the one file Backstage registers.
    expect(await run({ ...files, 'gitops.config.yaml': 'catalog:\n  roots: [all.yaml]\n' })).toEqual(['location-ignored@acme/group/all.yaml:4']);
  });

  it('a file given alone is read through the Location that reads it in the whole run: the same location-ignored, with roots or without', async () => {
    const files = {
      'acme/all.yaml': location('acme', '  targets:\n    - ./group/all.yaml\n'),
      'acme/group/all.yaml': location('acme', '  targets:\n    - ./sre.yaml\n'),
      'acme/group/sre.yaml': group('sre'),
    };
    const given = async (config: Record<string, string>) => {
      const root = await tempRepo({ ...files, ...config });
      const result = await runBin(['check', '--root', root, '--format', 'json', 'acme/group/all.yaml'], root);
      return (JSON.parse(result.stdout).diagnostics as Finding[]).map(d => `${d.ruleId}@${d.file}:${d.range.start.line}`);
    };
    expect(await given({})).toEqual(['location-ignored@acme/group/all.yaml:4']);
    expect(await given({ 'gitops.config.yaml': 'catalog:\n  roots: [acme/all.yaml]\n' })).toEqual(['location-ignored@acme/group/all.yaml:4']);
  });

  it('whatever the order the files are found in: the reached file sorting before its reader', async () => {
    const found = await run({
      'z-index.yaml': location('shared', '  targets:\n    - ./a-child.yaml\n'),
      'a-child.yaml': location('Shared', '  targets:\n    - ./b-team.yaml\n'),
      'b-team.yaml': group('team-b'),
    });
    expect(found).toEqual(['location-ignored@a-child.yaml:4']);
  });

  it('Locations that read each other with no file above them are still read, and the cycle said', async () => {
    const found = await run({
      'a.yaml': location('a', '  targets:\n    - ./b.yaml\n'),
      'b.yaml': location('b', '  targets:\n    - ./a.yaml\n    - ./team.yaml\n'),
      'team.yaml': group('team-c'),
    });
    expect(found.filter(f => !f.startsWith('location-cycle@'))).toEqual([]);
    expect(found.length).toBeGreaterThan(0);
  });

  it('a file only a refused Location names stays registered itself', async () => {
    const found = await run({
      'index.yaml': location('index', '  type: dir\n  targets:\n    - ./team.yaml\n'),
      'team.yaml': `${group('team-d')}---\n${location('index', '  targets: []\n')}`,
    });
    // Two registrations of location:default/index: Backstage keeps whichever it processes first.
    expect(found).toEqual(['entity-duplicate@index.yaml:4', 'entity-duplicate@team.yaml:12', 'location-target-invalid@index.yaml:6']);
  });
});
