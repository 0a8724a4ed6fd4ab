import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { git } from '../helpers/gitRepo.ts';
import { runBin } from '../helpers/runBin.ts';
import { tempRepo } from '../helpers/tempRepo.ts';

interface Finding { ruleId: string; file: string; message: string; hint: string; range: { start: { line: number; column: number } } }

// Red team: template.yaml's own names (parameters.x, user.entity, steps.x.output) written in a skeleton render
// as nothing, since fetch:template renders a skeleton with values alone; check said nothing, and only a
// snapshot showed the empty line. A name the skeleton binds itself ({% set %}, {% for %}) is its own.
describe('template.yaml names in a skeleton', () => {
  it('are skeleton-unknown-value where used; the offline render agrees; a name the file binds is not', async () => {
    const root = await tempRepo({
      'catalog-info.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: team-a\nspec:\n  type: team\n  children: []\n',
      'templates/svc/template.yaml': 'apiVersion: scaffolder.backstage.io/v1beta3\nkind: Template\nmetadata:\n  name: svc\nspec:\n  type: service\n  owner: group:default/team-a\n  parameters:\n    - properties:\n        name: { type: string }\n  steps:\n    - id: fetch\n      action: fetch:template\n      input:\n        url: ./skel\n        values:\n          name: ${{ parameters.name }}\n',
      'templates/svc/tests/default.yaml': 'name: default\nvalues:\n  name: x\n',
      'templates/svc/skel/README.md': 'name: ${{ parameters.name }} / ${{ parameters.name | upper }}\nowner: ${{ user.entity.metadata.name }}\nsecret: ${{ secrets.token }}\nok: ${{ values.name }}\n{% for steps in [1] %}${{ steps }}{% endfor %}\n',
    });
    git(root, 'init', '-q', '-b', 'main');
    const check = await runBin(['check', '--format', 'json'], root);
    const found = (JSON.parse(check.stdout) as { diagnostics: Finding[] }).diagnostics;
    expect(found.map(d => `${d.ruleId}@${d.range.start.line}:${d.range.start.column} ${d.message.split(':')[0]}`)).toEqual([
      'skeleton-unknown-value@1:11 parameters.name renders as nothing',
      'skeleton-unknown-value@2:12 user.entity renders as nothing',
      'skeleton-unknown-value@3:13 secrets.token renders as nothing',
    ]);
    expect(found[0].message).toContain('(parameters is used 2 times in this file)');
    expect(found[0].hint).toBe("Pass it in the step's input.values (for example x: ${{ parameters.name }}) and write ${{ values.x }} here.");
    expect(found[2].hint).toMatch(/^A skeleton cannot read the task's secrets/);
    expect(check.status).toBe(1);
    const render = await runBin(['templates', 'test', '--update-snapshots'], root);
    expect(render.stderr).not.toMatch(/internal error/);
    expect(readFileSync(join(root, 'templates/svc/tests/default.snapshot.yaml'), 'utf8')).toContain('  name:  / \n  owner: \n  secret: \n  ok: x\n  1\n');
  }, 120_000);

  it('in a template the skeleton carries (a template of templates) the hint is to escape it; the template\'s own file, fetched with its folder, is copied along', async () => {
    const template = (name: string, url: string) => `apiVersion: scaffolder.backstage.io/v1beta3\nkind: Template\nmetadata:\n  name: ${name}\nspec:\n  type: service\n  owner: group:default/team-a\n  parameters:\n    - properties:\n        name: { type: string }\n  steps:\n    - id: fetch\n      action: fetch:template\n      input:\n        url: ${url}\n        values:\n          name: \${{ parameters.name }}\n`;
    const root = await tempRepo({
      'catalog-info.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: team-a\nspec:\n  type: team\n  children: []\n',
      'templates/maker/template.yaml': template('maker', './skel'),
      'templates/maker/skel/template.yaml': template('made', './content'),
      'templates/self/template.yaml': template('self', './'),
    });
    git(root, 'init', '-q', '-b', 'main');
    const check = await runBin(['check', '--format', 'json'], root);
    const found = (JSON.parse(check.stdout) as { diagnostics: Finding[] }).diagnostics.filter(d => d.ruleId === 'skeleton-unknown-value');
    expect(found.map(d => `${d.file}:${d.range.start.line}`)).toEqual(['templates/maker/skel/template.yaml:17']);
    expect(found[0].hint).toBe("This file is a template the new repository gets: write the expression as ${{ '${{ parameters.name }}' }} (or list the file under copyWithoutTemplating) so that it is copied, not rendered now.");
  }, 120_000);
});
