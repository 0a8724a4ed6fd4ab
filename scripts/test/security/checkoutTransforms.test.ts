import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dataRepoCopy, git } from '../helpers/gitRepo.ts';
import { tempRepo } from '../helpers/tempRepo.ts';
import { runBin } from './runBin.ts';

type Finding = { ruleId: string; file: string; message: string };
const transforms = (stdout: string) => (JSON.parse(stdout) as { diagnostics: Finding[] }).diagnostics.filter(d => d.ruleId === 'repo-checkout-transform');

// Red team, round 16: the gate reads the checkout; Backstage, CODEOWNERS and the git host read the committed
// blob. A pull request's .gitattributes can make git write the checkout as something else:
// `working-tree-encoding=UTF-7` turns `{ [ " # |` into `+AHs-`-style text, so the gate judged a different
// document than the one Backstage ingests (flow lists became strings, quoted values other values).
describe('.gitattributes that make the checkout differ from the committed file', () => {
  it('working-tree-encoding and ident on a file the gate reads are repo-checkout-transform errors, even with the rule turned off; harmless attributes are not', async () => {
    const root = await dataRepoCopy();
    git(root, 'checkout', '-q', '-b', 'pr');
    writeFileSync(join(root, '.gitattributes'), 'actions/*/dist/** -diff linguist-generated=true\n*.png binary\ncatalog/org/groups.yaml working-tree-encoding=UTF-7\n');
    writeFileSync(join(root, 'catalog/.gitattributes'), 'domains/*.yaml ident\n');
    writeFileSync(join(root, 'gitops.config.yaml'), `${readFileSync(join(root, 'gitops.config.yaml'), 'utf8')}rules:\n  repo-checkout-transform: off\n`);
    git(root, 'add', '-A');
    git(root, 'commit', '-qm', 'attributes');
    // A fresh checkout, as CI makes one: git writes the files through the attributes.
    for (const file of ['catalog/org/groups.yaml', 'catalog/domains/domains.yaml']) rmSync(join(root, file));
    git(root, 'checkout', '--', 'catalog');
    const run = await runBin(['check', '--format', 'json', '--today', '2026-12-01'], root);
    expect(run.stderr).not.toMatch(/internal error/);
    expect(run.status).toBe(1);
    expect(transforms(run.stdout).map(d => [d.file, d.message.slice(0, 60)])).toEqual([
      ['catalog/domains/domains.yaml', '.gitattributes gives this file ident: git writes the checkou'],
      ['catalog/org/groups.yaml', '.gitattributes gives this file working-tree-encoding=UTF-7: '],
    ]);
  }, 120_000);

  it('export-subst on a team file and export-ignore on a folder (what the git host\'s archives apply, and Backstage reads glob targets and TechDocs from) are errors too', async () => {
    // Red team, round 21: GitHub's tarball (GithubUrlReader.readTree: glob Location targets, TechDocs sources)
    // is `git archive` of the tip: export-subst turns a `# $Format:%B$` comment into the lines of the tip commit's
    // message, which a later pull request's title and description write (a User that is memberOf the platform
    // team, say); export-ignore leaves files out. The checkout, which the gate judges, holds neither change.
    const root = await dataRepoCopy();
    git(root, 'checkout', '-q', '-b', 'pr');
    writeFileSync(join(root, 'catalog/systems/orders/.gitattributes'), 'entities.yaml export-subst\n');
    writeFileSync(join(root, 'catalog/systems/orders/entities.yaml'), `# $Format:%B$\n${readFileSync(join(root, 'catalog/systems/orders/entities.yaml'), 'utf8')}`);
    // `templates/ export-ignore`: a pattern that ends in a slash matches folders only, as git archive asks for them.
    writeFileSync(join(root, 'catalog/.gitattributes'), 'domains export-ignore\n*.png export-subst\n');
    writeFileSync(join(root, '.gitattributes'), 'templates/ export-ignore\n');
    writeFileSync(join(root, 'gitops.config.yaml'), `${readFileSync(join(root, 'gitops.config.yaml'), 'utf8')}rules:\n  repo-checkout-transform: off\n`);
    git(root, 'add', '-A');
    git(root, 'commit', '-qm', 'orders: housekeeping\n\n---\napiVersion: backstage.io/v1alpha1\nkind: User\nmetadata:\n  name: mallory\nspec:\n  memberOf: [platform-team]\n');
    // What an archive of this commit holds: the comment has become the commit's message, a second document.
    expect(git(root, 'archive', '--format=tar', 'HEAD', 'catalog/systems/orders/entities.yaml')).toContain('kind: User\nmetadata:\n  name: mallory');
    const run = await runBin(['check', '--format', 'json', '--today', '2026-12-01'], root);
    expect(run.stderr).not.toMatch(/internal error/);
    expect(run.status).toBe(1);
    const archived = execFileSync('sh', ['-c', 'git archive --format=tar HEAD | tar -t'], { cwd: root, encoding: 'utf8' }).split('\n');
    expect([archived.includes('catalog/all.yaml'), archived.some(path => path.startsWith('templates/'))]).toEqual([true, false]);
    expect(transforms(run.stdout).map(d => [d.file, d.message.slice(0, 58)])).toEqual([
      ['catalog/domains', '.gitattributes gives this path export-ignore: an archive o'],
      ['catalog/systems/orders/entities.yaml', '.gitattributes gives this file export-subst: an archive of'],
      ['templates', '.gitattributes gives this path export-ignore: an archive o'],
    ]);
  }, 120_000);

  it('a .gitattributes above a root below the top of the repository (a monorepo) counts too', async () => {
    const top = await tempRepo({
      '.gitattributes': 'control/catalog/all.yaml working-tree-encoding=UTF-7\n',
      'control/gitops.config.yaml': 'catalog:\n  roots: [catalog/all.yaml]\n',
      'control/catalog/all.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: team-a\nspec:\n  type: team\n  children: []\n',
    });
    git(top, 'init', '-q', '-b', 'main');
    git(top, 'add', '-A');
    git(top, 'commit', '-qm', 'monorepo');
    rmSync(join(top, 'control/catalog/all.yaml'));
    git(top, 'checkout', '--', 'control');
    const run = await runBin(['check', '--format', 'json', '--today', '2026-12-01'], join(top, 'control'));
    expect(run.stderr).not.toMatch(/internal error/);
    expect(transforms(run.stdout).map(d => d.file)).toEqual(['catalog/all.yaml']);
  }, 120_000);

  it('a repository whose .gitattributes only marks generated or binary files has no such finding', async () => {
    const root = await dataRepoCopy();
    writeFileSync(join(root, '.gitattributes'), 'actions/*/dist/** -diff linguist-generated=true\n*.png binary\n*.yaml text eol=lf\n');
    git(root, 'add', '-A');
    git(root, 'commit', '-qm', 'attributes');
    const run = await runBin(['check', '--format', 'json', '--today', '2026-12-01'], root);
    expect(transforms(run.stdout)).toEqual([]);
  }, 120_000);
});
