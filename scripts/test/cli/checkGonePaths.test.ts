import { describe, expect, it } from 'vitest';
import { dataRepoCopy, git } from '../helpers/gitRepo.ts';
import { runBin } from '../helpers/runBin.ts';
import { tempRepo } from '../helpers/tempRepo.ts';

// A pre-commit hook's `check <changed files>` said "✔ … in 0 files" for a change that deletes or moves a file
// another file names by path, which the whole run (CI's) fails: a Location target, a $text definition, a
// techdocs-ref docs site, a template's skeleton folder (helper-150, session 29). What the change takes away is
// now judged where it is named; a path neither the work tree nor HEAD holds is still refused.
interface Finding { ruleId: string; file: string }
const found = (stdout: string) => (JSON.parse(stdout) as { diagnostics: Finding[] }).diagnostics.map(d => `${d.ruleId}@${d.file}`);
const staged = (root: string, ...filter: string[]) => git(root, 'diff', '--cached', '--name-only', '--', ...filter).split('\n').filter(Boolean);

describe('check <the paths a change deletes or moves>', () => {
  it('a Location target deleted, moved or its folder removed: location-target-missing on the Location', async () => {
    const root = await tempRepo({
      'gitops.config.yaml': 'catalog:\n  roots: [catalog/all.yaml]\n',
      'catalog/all.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata:\n  name: root\nspec:\n  targets: [./teams/locations.yaml]\n',
      'catalog/teams/locations.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata:\n  name: teams\nspec:\n  targets:\n    - ./t1/x.yaml\n',
      'catalog/teams/t1/x.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: team-a\nspec:\n  type: team\n  children: []\n',
    });
    git(root, 'init', '-q', '-b', 'main');
    git(root, 'add', '-A');
    git(root, 'commit', '-qm', 'base');
    const whole = ['location-target-missing@catalog/teams/locations.yaml'];
    for (const [change, given] of [[['rm', '-q', 'catalog/teams/t1/x.yaml'], 'catalog/teams/t1/x.yaml'], [['mv', 'catalog/teams/t1/x.yaml', 'catalog/teams/t1/z.yaml'], 'catalog/teams/t1/z.yaml'], [['rm', '-rq', 'catalog/teams/t1'], 'catalog/teams/t1']] as const) {
      git(root, ...change);
      const full = await runBin(['check', '--format', 'json'], root);
      expect(found(full.stdout)).toEqual(whole);
      const run = await runBin(['check', '--format', 'json', given], root);
      expect(found(run.stdout), change.join(' ')).toEqual(whole);
      expect(run.status).toBe(1);
      git(root, 'reset', '-q', '--hard');
    }
    const typo = await runBin(['check', 'catalog/teams/t2'], root);
    expect(typo.stderr).toMatch(/catalog\/teams\/t2 does not exist or holds no YAML files\n$/);
    expect(typo.status).toBe(2);
  }, 120_000);

  it('a $text definition, a docs site and a skeleton folder moved: the finding where each is named', async () => {
    const root = await dataRepoCopy();
    const cases: [string[], string[], string][] = [
      [['mv', 'catalog/systems/orders/definitions/orders-openapi.yaml', 'catalog/systems/orders/definitions/orders.yaml'], [], 'placeholder-target-missing@catalog/systems/orders/entities.yaml'],
      [['mv', 'catalog/systems/orders/docs-site', 'catalog/systems/orders/docs2'], [], 'techdocs-ref-missing@catalog/systems/orders/entities.yaml'],
      [['mv', 'skeletons/docs-site', 'skeletons/docs'], ['*.yaml', '*.yml'], 'template-skeleton-missing@templates/docs-site/template.yaml'],
    ];
    for (const [change, filter, expected] of cases) {
      git(root, ...change);
      const run = await runBin(['check', '--format', 'json', ...staged(root, ...filter)], root);
      expect(found(run.stdout), change.join(' ')).toContain(expected);
      expect(run.status).toBe(1);
      // The renamed definition is said as the whole run says it (no entity, reached by nothing), not also
      // as three envelope errors of a broken entity file.
      if (expected.startsWith('placeholder')) expect(found(run.stdout)).toEqual(found((await runBin(['check', '--format', 'json'], root)).stdout));
      git(root, 'reset', '-q', '--hard');
    }
  }, 180_000);
});

// "does not exist or holds no YAML files" for a file that exists (git ignores it);
// "does not exist" for a root that is a folder (helper-150, session 29). Each says what it is.
describe('a given path or root the run does not read says why', () => {
  it('an ignored file, a root that is a folder: one line each, exit 2; a folder without YAML is scanned, not refused', async () => {
    const root = await tempRepo({ '.gitignore': 'ign/\n', 'ign/x.yaml': 'kind: Component\n', 'notes/a.txt': 'hi\n', 'catalog/all.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: team-a\nspec:\n  type: team\n  children: []\n' });
    git(root, 'init', '-q', '-b', 'main');
    const ignored = await runBin(['check', 'ign/x.yaml'], root);
    expect(ignored.stderr).toMatch(/ign\/x\.yaml is not a file the repository holds: git ignores it, it belongs to another repository below this one \(a submodule or a nested clone\), or it is reached through a link; the gate reads what the git host would hold\n$/);
    expect(ignored.status).toBe(2);
    // A folder of other files is no catalog file, but its files are scanned like any given file: `check
    // $(ls -A)` stopped with "holds no YAML files" (exit 2) at .vscode or .github and checked nothing
    // (fresh user, session 44: 7 of 17 public repositories).
    const folder = await runBin(['check', 'notes', 'catalog/all.yaml', '--format', 'json'], root);
    expect(folder.stderr).toBe('');
    expect(folder.status).toBe(0);
    await (await import('node:fs/promises')).writeFile(`${root}/notes/settings.json`, `{ "token": "ghp_${'wWPw5k4aXcaT4fNP0UcnZwJUVFk6LO2rINUx'}" }\n`);
    const withToken = await runBin(['check', 'notes', '--format', 'json'], root);
    expect(withToken.status).toBe(1);
    expect(JSON.parse(withToken.stdout).diagnostics.map((d: { ruleId: string; file: string }) => `${d.ruleId}@${d.file}`)).toEqual(['secret-written@notes/settings.json']);
    const { writeFile } = await import('node:fs/promises');
    await writeFile(`${root}/gitops.config.yaml`, 'catalog:\n  roots: [catalog]\n');
    const roots = await runBin(['check'], root);
    expect(roots.stderr).toBe("backstage-gitops check: The root location catalog named in gitops.config.yaml is a folder: catalog.roots take the root Location's file (such as catalog/all.yaml)\n");
    expect(roots.status).toBe(2);
  }, 60_000);
});
