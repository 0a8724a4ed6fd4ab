import { writeFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { git } from '../helpers/gitRepo.ts';
import { tempRepo } from '../helpers/tempRepo.ts';
import { runBin } from './runBin.ts';

// Red team 34: a name of bytes that are not UTF-8 opens by no name Node gives it (it reads them as U+FFFD).
// The repository walk left such names out (check: repo-path-encoding), but the folder listings that read
// what they list by name did not: a case named so in templates/<t>/tests/ stopped templates test and the
// gate's report ("… does not exist", exit 2, no report at all), and so did one in the policies folder for
// check. Now each is the one repo-path-encoding finding, and the run goes on.
const template = 'apiVersion: scaffolder.backstage.io/v1beta3\nkind: Template\nmetadata:\n  name: ok\nspec:\n  owner: group:team-a\n  type: service\n  parameters: []\n  steps:\n    - id: log\n      action: debug:log\n      input:\n        message: hi\n';
const group = 'apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: team-a\nspec:\n  type: team\n  children: []\n';
const location = 'apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata:\n  name: root\nspec:\n  targets: [./group.yaml, ../templates/ok/template.yaml]\n';
const files = {
  'gitops.config.yaml': 'catalog:\n  roots: [catalog/all.yaml]\n  policies: schemas/policy\n',
  'catalog/all.yaml': location,
  'catalog/group.yaml': group,
  'templates/ok/template.yaml': template,
  'templates/ok/tests/a.yaml': 'name: a\nvalues: {}\nsnapshot: false\n',
  'schemas/policy/empty.schema.json': '{}\n',
};
// Latin-1 bytes, as a checkout made on another system can hold them: "café" with 0xE9 alone.
const badCase = Buffer.concat([Buffer.from('templates/ok/tests/caf'), Buffer.from([0xe9]), Buffer.from('.yaml')]);
const badPolicy = Buffer.concat([Buffer.from('schemas/policy/caf'), Buffer.from([0xe9]), Buffer.from('.schema.json')]);

async function hostile(root: string) {
  await writeFile(Buffer.concat([Buffer.from(`${root}/`), badCase]), 'name: b\nvalues: {}\nsnapshot: false\n');
  await writeFile(Buffer.concat([Buffer.from(`${root}/`), badPolicy]), '{}\n');
}

const encodingFindings = (stdout: string) =>
  ((JSON.parse(stdout) as { diagnostics: { ruleId: string; file: string }[] }).diagnostics ?? []).filter(d => d.ruleId === 'repo-path-encoding').map(d => d.file).sort();

describe('names that are not UTF-8 in listed folders (shipped bin)', () => {
  it('templates test: the case is a repo-path-encoding finding, the other case runs', async () => {
    const root = await tempRepo(files);
    await hostile(root);
    const result = await runBin(['templates', 'test', '--format', 'json'], root);
    expect(result.stderr).not.toMatch(/does not exist|internal error/);
    expect(result.stderr).toMatch(/✔ ok \/ a\.yaml/);
    expect(result.status).toBe(1);
    expect(encodingFindings(result.stdout)).toEqual(['templates/ok/tests/caf\uFFFD.yaml']);
  });

  it('check: the policy is a repo-path-encoding finding, not a tool error', async () => {
    const root = await tempRepo(files);
    await hostile(root);
    const result = await runBin(['check', '--format', 'json'], root);
    expect(result.stderr).not.toMatch(/does not exist|internal error/);
    expect(result.status).toBe(1);
    expect(encodingFindings(result.stdout)).toEqual(['schemas/policy/caf\uFFFD.schema.json', 'templates/ok/tests/caf\uFFFD.yaml']);
  });

  it('report on a change adding both: a report naming each once, exit 1', async () => {
    const root = await tempRepo(files);
    git(root, 'init', '-q', '-b', 'main');
    git(root, 'add', '-A');
    git(root, 'commit', '-qm', 'base');
    const base = git(root, 'rev-parse', 'HEAD').trim();
    await hostile(root);
    git(root, 'add', '-A');
    git(root, 'commit', '-qm', 'latin-1 names');
    const result = await runBin(['report', '--base', base, '--format', 'json'], root);
    expect(result.stderr).not.toMatch(/does not exist|internal error/);
    expect(result.status).toBe(1);
    const markdown = (JSON.parse(result.stdout) as { markdown: string }).markdown;
    expect(markdown).toContain('repo-path-encoding');
    expect(markdown).toMatch(/ok<\/code> \/ <code>caf\uFFFD\.yaml<\/code>: fails/);
  }, 60_000);
});
