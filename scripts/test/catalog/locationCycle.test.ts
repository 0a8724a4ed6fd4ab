import { describe, expect, it } from 'vitest';
import { runBin } from '../helpers/runBin.ts';
import { tempRepo } from '../helpers/tempRepo.ts';

// Found by a differential against a real catalog backend: Locations a → b → a passed the gate, but once
// ingested each keeps the other (and b's Component) in the catalog after the registration is deleted or the
// root stops listing a; POST /locations?dryRun=true refuses it ("Duplicate nested entity: location:default/a").
// A file read through two targets is ingested once, but the same dry run refuses it too.
const location = (name: string, targets: string[]) => `apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata:\n  name: ${name}\nspec:\n  targets:\n${targets.map(t => `    - ${t}\n`).join('')}`;
const GROUP = 'apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: team-a\nspec:\n  type: team\n  children: []\n';
const COMPONENT = 'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: svc\nspec:\n  type: service\n  lifecycle: production\n  owner: team-a\n';

type Found = { ruleId: string; severity: string; file: string; message: string; hint: string; range: { start: { line: number; column: number } } };

async function check(files: Record<string, string>, roots = '[catalog/all.yaml]') {
  const root = await tempRepo({
    'gitops.config.yaml': `repoUrl: https://github.com/acme/catalog/blob/main/\ncatalog:\n  roots: ${roots}\n  rootLocationType: url\n  include: ['catalog/**/*.yaml']\n`,
    'catalog/org.yaml': GROUP,
    ...files,
  });
  const run = await runBin(['check', '--root', root, '--format', 'json'], root);
  const found = (JSON.parse(run.stdout).diagnostics as Found[]).filter(d => d.ruleId.startsWith('location-'));
  return { status: run.status, found, summary: found.map(d => `${d.ruleId}@${d.file}:${d.range.start.line}:${d.range.start.column}`).sort() };
}

describe('Location cycles and files read twice (check, through the bin)', () => {
  it('a cycle a → b → a is an error at the target that closes it', async () => {
    const { found, summary, status } = await check({
      'catalog/all.yaml': location('root', ['./org.yaml', './a.yaml']),
      'catalog/a.yaml': location('a', ['./b.yaml']),
      'catalog/b.yaml': `${location('b', ['./a.yaml'])}---\n${COMPONENT}`,
    });
    expect(summary).toEqual(['location-cycle@catalog/b.yaml:7:7']);
    expect(found[0].severity).toBe('error');
    expect(found[0].message).toContain('a → b → a (catalog/a.yaml → catalog/b.yaml → catalog/a.yaml)');
    expect(found[0].message).toContain('for good');
    expect(found[0].hint).toContain('Remove the target that points back (./a.yaml)');
    expect(status).toBe(1);
  }, 60_000);

  it('a cycle back to the root Location, and a cycle of patterns, are found too', async () => {
    const back = await check({
      'catalog/all.yaml': location('root', ['./org.yaml', './sub/a.yaml']),
      'catalog/sub/a.yaml': location('a', ['../all.yaml']),
    });
    expect(back.summary).toEqual(['location-cycle@catalog/sub/a.yaml:7:7']);
    expect(back.found[0].message).toContain('root → a → root');
    // Two Locations in one folder whose `./*.yaml` each reads the other's file.
    const globs = await check({
      'catalog/all.yaml': location('root', ['./org.yaml', './teams/index.yaml']),
      'catalog/teams/index.yaml': location('teams', ['./*.yaml']),
      'catalog/teams/more.yaml': `${location('more', ['./*.yaml'])}---\n${COMPONENT}`,
    });
    expect(globs.summary).toContain('location-cycle@catalog/teams/more.yaml:7:7');
  }, 60_000);

  it('a tree of Locations, a glob matching its own file, and the same file reached from two roots say nothing', async () => {
    const tree = await check({
      'catalog/all.yaml': location('root', ['./org.yaml', './a.yaml']),
      'catalog/a.yaml': location('a', ['./b.yaml']),
      'catalog/b.yaml': COMPONENT,
    });
    expect(tree.summary).toEqual([]);
    expect(tree.status).toBe(0);
    // `./*.yaml` reads all.yaml again, but all Backstage emits from it then is root itself, which it drops.
    const self = await check({ 'catalog/all.yaml': location('root', ['./*.yaml']), 'catalog/b.yaml': COMPONENT });
    expect(self.summary).toEqual([]);
    // Each root is registered, and dry-run, on its own.
    const roots = await check({
      'catalog/all.yaml': location('root', ['./org.yaml', './b.yaml']),
      'catalog/other.yaml': location('other', ['./b.yaml']),
      'catalog/b.yaml': COMPONENT,
    }, '[catalog/all.yaml, catalog/other.yaml]');
    expect(roots.summary).toEqual([]);
    expect(roots.status).toBe(0);
  }, 60_000);

  it('a file read through two targets is a warning at the second, naming the first', async () => {
    const twice = await check({ 'catalog/all.yaml': location('root', ['./org.yaml', './b.yaml', './b.yaml']), 'catalog/b.yaml': COMPONENT });
    expect(twice.summary).toEqual(['location-target-duplicate@catalog/all.yaml:9:7']);
    expect(twice.found[0].severity).toBe('warning');
    expect(twice.found[0].message).toContain('This target reads catalog/b.yaml a second time: the target ./b.yaml at catalog/all.yaml:8 already reads it');
    expect(twice.found[0].message).toContain('Duplicate nested entity: component:default/svc');
    expect(twice.status).toBe(0);
    // Two Locations naming one file: the later one read is said.
    const two = await check({
      'catalog/all.yaml': location('root', ['./org.yaml', './l1.yaml', './l2.yaml']),
      'catalog/l1.yaml': location('l1', ['./b.yaml']),
      'catalog/l2.yaml': location('l2', ['./b.yaml']),
      'catalog/b.yaml': COMPONENT,
    });
    expect(two.summary).toEqual(['location-target-duplicate@catalog/l2.yaml:7:7']);
    expect(two.found[0].message).toContain('the target ./b.yaml at catalog/l1.yaml:7 already reads it');
    // A pattern overlapping a named file, and a root's own file read again with another entity in it.
    const overlap = await check({ 'catalog/all.yaml': `${location('root', ['./org.yaml', './*.yaml'])}---\n${COMPONENT}` });
    expect(overlap.summary).toEqual(['location-target-duplicate@catalog/all.yaml:8:7']);
    expect(overlap.found[0].message).toMatch(/reads catalog\/(org|all)\.yaml a second time/);
  }, 60_000);
});
