import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { git } from '../helpers/gitRepo.ts';
import { tempRepo } from '../helpers/tempRepo.ts';
import { runBin } from './runBin.ts';

// Red team 33: a folder named like a case (tests/dir.yaml/) or like a template file (templates/x/template.yaml/)
// was taken for a file and read: templates test and the gate's report stopped with "internal error: EISDIR".
const template = 'apiVersion: scaffolder.backstage.io/v1beta3\nkind: Template\nmetadata:\n  name: ok\nspec:\n  owner: group:team-a\n  type: service\n  parameters: []\n  steps:\n    - id: log\n      action: debug:log\n      input:\n        message: hi\n';
const group = 'apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: team-a\nspec:\n  type: team\n  children: []\n';
const folders = {
  'templates/ok/template.yaml': template,
  'templates/ok/tests/a.yaml': 'name: a\nvalues: {}\nsnapshot: false\n',
  'templates/ok/tests/dir.yaml/keep': 'x\n',
  'templates/odd/template.yaml/keep': 'x\n',
  'templates/odd/tests/a.yaml': 'name: a\nvalues: {}\nsnapshot: false\n',
};

describe('folders named like cases or template files (shipped bin)', () => {
  it('templates test runs the real case and skips the folders, no internal error', async () => {
    const result = await runBin(['templates', 'test', '--format', 'json'], await tempRepo({ 'catalog/group.yaml': group, ...folders }));
    expect(result.stderr).not.toContain('internal error');
    expect(result.stderr).toMatch(/✔ ok \/ a\.yaml/);
    expect(result.stderr).not.toMatch(/dir\.yaml|odd/);
    expect(result.status).toBe(0);
  });

  it('report on a change adding them: no internal error, the real case in the report', async () => {
    const root = await tempRepo({ 'catalog/group.yaml': group });
    git(root, 'init', '-q', '-b', 'main');
    git(root, 'add', '-A');
    git(root, 'commit', '-qm', 'base');
    const base = git(root, 'rev-parse', 'HEAD').trim();
    for (const [path, text] of Object.entries(folders)) {
      await mkdir(join(root, path, '..'), { recursive: true });
      await writeFile(join(root, path), text);
    }
    git(root, 'add', '-A');
    git(root, 'commit', '-qm', 'folders');
    const result = await runBin(['report', '--base', base, '--format', 'json'], root);
    expect(result.stderr).not.toContain('internal error');
    expect([0, 1]).toContain(result.status);
    expect((JSON.parse(result.stdout) as { markdown: string }).markdown).toMatch(/ok[^\n]*a\.yaml/);
  }, 60_000);
});
