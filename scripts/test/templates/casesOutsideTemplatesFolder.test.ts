import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { git } from '../helpers/gitRepo.ts';
import { runBin } from '../helpers/runBin.ts';
import { tempRepo } from '../helpers/tempRepo.ts';

interface Finding { ruleId: string; severity: string; file: string; message: string; range: { start: { line: number } } }

// Template fidelity: `templates test` renders the cases of templates/<name>/ and of every Template the catalog
// reads, but the pull request's report ran only templates/<name>/'s, so a change to the skeleton of a template
// kept elsewhere (catalog/tpl/svc/) passed the PR gate while `templates test` failed it; and a case beside a
// template nothing reads was left out without a word, which reads as a pass.
const template = (name: string) => `apiVersion: scaffolder.backstage.io/v1beta3\nkind: Template\nmetadata:\n  name: ${name}\nspec:\n  type: service\n  owner: group:default/team-a\n  parameters:\n    - properties:\n        name: { type: string }\n  steps:\n    - id: fetch\n      action: fetch:template\n      input:\n        url: ./skel\n        values:\n          name: \${{ parameters.name }}\n`;
const testCase = 'name: default\nvalues:\n  name: x\n';

async function repository() {
  const root = await tempRepo({
    'gitops.config.yaml': 'catalog:\n  roots: [catalog/all.yaml]\n',
    'catalog/all.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata:\n  name: root\nspec:\n  targets:\n    - ./org.yaml\n    - ./tpl/svc/template.yaml\n',
    'catalog/org.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: team-a\nspec:\n  type: team\n  children: []\n',
    'catalog/tpl/svc/template.yaml': template('svc'),
    'catalog/tpl/svc/skel/README.md': 'hello ${{ values.name }}\n',
    'catalog/tpl/svc/tests/default.yaml': testCase,
    'tools/old/template.yaml': template('old'),
    'tools/old/skel/README.md': 'hello ${{ values.name }}\n',
    'tools/old/tests/default.yaml': testCase,
  });
  git(root, 'init', '-q', '-b', 'main');
  return root;
}

describe('test cases of templates kept outside templates/<name>/', () => {
  it('templates test runs a catalog template\'s cases and says which cases no run renders', async () => {
    const root = await repository();
    const run = await runBin(['templates', 'test', '--update-snapshots', '--format', 'json'], root);
    expect(run.stderr).toContain('✔ svc / default.yaml');
    const found = (JSON.parse(run.stdout) as { diagnostics: Finding[] }).diagnostics;
    expect(found.map(d => `${d.ruleId}@${d.file}:${d.range.start.line} ${d.severity}`)).toEqual(['template-test-not-run@tools/old/tests/default.yaml:1 warning']);
    expect(found[0].message).toBe('This test case is never run: tools/old/template.yaml holds a scaffolder Template, but templates test renders only templates/<name>/template.yaml and the templates the catalog reads here (its Locations, or catalog.include), and this is neither. A template the managed Backstage registers some other way is not seen by the gate.');
    expect(run.status).toBe(0);
    // Red team: not of a Template Backstage never offers (OpenShift's kind: Template beside kuttl tests), nor of a
    // template a skeleton holds (a template of templates copies it into new repositories).
    writeFileSync(join(root, 'tools/old/template.yaml'), 'apiVersion: template.openshift.io/v1\nkind: Template\nmetadata:\n  name: old\nobjects: []\n');
    mkdirSync(join(root, 'catalog/tpl/svc/skel/inner/tests'), { recursive: true });
    // (Its expressions escaped, as a template the new repository gets must be: skeletonTemplateNames.test.ts.)
    writeFileSync(join(root, 'catalog/tpl/svc/skel/inner/template.yaml'), template('inner').replace('${{ parameters.name }}', "${{ '${{ parameters.name }}' }}"));
    writeFileSync(join(root, 'catalog/tpl/svc/skel/inner/tests/default.yaml'), testCase);
    const quiet = await runBin(['templates', 'test', '--update-snapshots', '--format', 'json'], root);
    expect((JSON.parse(quiet.stdout) as { diagnostics: Finding[] }).diagnostics).toEqual([]);
    // Named, a template is run alone: nothing is said of others.
    const named = await runBin(['templates', 'test', 'svc', '--format', 'json'], root);
    expect((JSON.parse(named.stdout) as { diagnostics: Finding[] }).diagnostics).toEqual([]);
  }, 120_000);

  it('the pull request\'s report runs the cases of a catalog template whose skeleton the change edits', async () => {
    const root = await repository();
    expect((await runBin(['templates', 'test', '--update-snapshots'], root)).status).toBe(0);
    git(root, 'add', '-A');
    git(root, 'commit', '-qm', 'base');
    git(root, 'checkout', '-q', '-b', 'pr');
    writeFileSync(join(root, 'catalog/tpl/svc/skel/README.md'), 'hello ${{ values.name }}!\n');
    git(root, 'commit', '-qam', 'skeleton edited without its snapshot');
    const report = await runBin(['report', '--base', 'main', '--format', 'json'], root);
    const found = (JSON.parse(report.stdout) as { diagnostics: Finding[] }).diagnostics;
    expect(found.map(d => `${d.ruleId}@${d.file} ${d.severity}`)).toEqual(['template-snapshot@catalog/tpl/svc/tests/default.yaml error']);
    expect(report.status).toBe(1);
  }, 180_000);

  // Red team: cases are found by folder; a folder holding several catalog templates (each case naming its own)
  // had only the edited template's file, so the report failed the other template's case ("has no Template
  // named 'node'") on a change templates test passed.
  it('the report runs the cases of the edited template only, in a folder of several catalog templates', async () => {
    const root = await tempRepo({
      'gitops.config.yaml': 'catalog:\n  roots: [catalog/all.yaml]\n',
      'catalog/all.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata:\n  name: root\nspec:\n  targets:\n    - ./org.yaml\n    - ./templates/node.yaml\n    - ./templates/python.yaml\n',
      'catalog/org.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: team-a\nspec:\n  type: team\n  children: []\n',
      'catalog/templates/node.yaml': template('node').replace('url: ./skel', 'url: ../../skeletons/node'),
      'catalog/templates/python.yaml': template('python').replace('url: ./skel', 'url: ../../skeletons/python'),
      'catalog/templates/tests/node.yaml': 'name: node\ntemplate: node\nvalues:\n  name: x\nsnapshot: false\nexpect:\n  files: [README.md]\n',
      'catalog/templates/tests/python.yaml': 'name: python\ntemplate: python\nvalues:\n  name: x\nsnapshot: false\nexpect:\n  files: [README.md]\n',
      'skeletons/node/README.md': 'node ${{ values.name }}\n',
      'skeletons/python/README.md': 'python ${{ values.name }}\n',
    });
    git(root, 'init', '-q', '-b', 'main');
    expect((await runBin(['templates', 'test'], root)).status).toBe(0);
    git(root, 'add', '-A');
    git(root, 'commit', '-qm', 'base');
    git(root, 'checkout', '-q', '-b', 'pr');
    writeFileSync(join(root, 'skeletons/python/README.md'), 'python ${{ values.name }}!\n');
    git(root, 'commit', '-qam', 'python skeleton');
    const report = await runBin(['report', '--base', 'main', '--format', 'json'], root);
    expect((JSON.parse(report.stdout) as { diagnostics: Finding[] }).diagnostics).toEqual([]);
    expect(report.stdout).toContain('catalog/templates/tests/python.yaml');
    expect(report.stdout).not.toContain('catalog/templates/tests/node.yaml');
    expect(report.status).toBe(0);
  }, 180_000);

  // Red team: a tests/ that is a link out of the repository had the names of the files where it points listed
  // in the run's lines and the PR comment; one that is a file stopped the run (exit 2).
  it('a tests/ link out of the repository is refused without listing it; a tests file is no folder of cases', async () => {
    const root = await repository();
    const outside = await tempRepo({ 'leaked-host-name.yaml': 'name: x\n' });
    symlinkSync(outside, join(root, 'catalog/tpl/svc/tests-link'));
    const { renameSync, rmSync } = await import('node:fs');
    rmSync(join(root, 'catalog/tpl/svc/tests'), { recursive: true });
    renameSync(join(root, 'catalog/tpl/svc/tests-link'), join(root, 'catalog/tpl/svc/tests'));
    const run = await runBin(['templates', 'test', '--format', 'json'], root);
    expect(`${run.stdout}${run.stderr}`).not.toContain('leaked-host-name');
    expect((JSON.parse(run.stdout) as { diagnostics: Finding[] }).diagnostics.map(d => `${d.ruleId}@${d.file}`)).toEqual(['repo-symlink@catalog/tpl/svc/tests', 'template-test-not-run@tools/old/tests/default.yaml']);
    expect(run.status).toBe(1);
    rmSync(join(root, 'catalog/tpl/svc/tests'));
    writeFileSync(join(root, 'catalog/tpl/svc/tests'), 'not a folder\n');
    const file = await runBin(['templates', 'test', 'svc'], root);
    expect(file.stderr).not.toMatch(/not a folder|internal error/);
    expect(file.status).toBe(0);
  }, 120_000);

  // A fetch the offline render cannot read (another revision of this repository, another repository) is the
  // render's limit, not a failure Backstage would have: the hint said "Backstage would fail the same way", and
  // then (fresh user, backstage/software-templates' pull-request template fetching backstage/community) the
  // case failed whatever the template did, so it could only be deleted. Now the step copies nothing and says so.
  it('a case of a template that fetches another revision or repository renders, with a warning that those files are left out', async () => {
    // Another branch of this repository is an error of the template (check's template-fetch-other-revision, with
    // repoUrl in gitops.config.yaml), not of the case: the case still renders.
    for (const [url, findings, status] of [
      ['https://github.com/acme/control/tree/dev/catalog/tpl/svc/skel', ['template-fetch-other-revision@catalog/tpl/svc/template.yaml error', 'template-step-not-rendered@catalog/tpl/svc/tests/default.yaml warning'], 1],
      ['https://github.com/acme/community/tree/main/shared', ['template-step-not-rendered@catalog/tpl/svc/tests/default.yaml warning'], 0],
    ] as const) {
      const root = await repository();
      writeFileSync(join(root, 'gitops.config.yaml'), 'repoUrl: https://github.com/acme/control/blob/main/\ncatalog:\n  roots: [catalog/all.yaml]\n');
      writeFileSync(join(root, 'catalog/tpl/svc/template.yaml'), `${template('svc')}    - id: shared\n      action: fetch:plain\n      input:\n        url: ${url}\n        targetPath: ./shared\n`);
      const run = await runBin(['templates', 'test', 'svc', '--update-snapshots', '--format', 'json'], root);
      const found = (JSON.parse(run.stdout) as { diagnostics: (Finding & { hint: string })[] }).diagnostics;
      expect(found.map(d => `${d.ruleId}@${d.file} ${d.severity}`), url).toEqual(findings);
      expect(found.at(-1)!.message).toBe(`step shared (fetch:plain) fetches ${url}, outside this checkout (another repository, or another revision of this one): Backstage copies what it holds, the offline render copied nothing for it, so those files are not in this output or its snapshot, and what later steps do with them is not judged.`);
      expect(run.status).toBe(status);
      expect(readFileSync(join(root, 'catalog/tpl/svc/tests/default.snapshot.yaml'), 'utf8')).toBe('README.md: |\n  hello x\n');
      const render = await runBin(['templates', 'render', 'catalog/tpl/svc/template.yaml', '--values', 'catalog/tpl/svc/tests/default.yaml', '--out', join(root, 'out')], root);
      expect(render.status).toBe(status);
      expect(render.stdout).toContain(`⚠ step shared (fetch:plain) fetches ${url}, outside this checkout`);
    }
  }, 120_000);

  // Fresh user (RoadieHQ/software-templates' create-rfc): fs:rename of a file the fetch from elsewhere writes
  // failed the case as template-render-failed, "Backstage would fail the same way"; Backstage has that file.
  it('a later step failing on a file a fetch from elsewhere would have written is that warning, not a render failure; another failure stays one', async () => {
    const rename = (from: string) => `    - id: shared\n      action: fetch:plain\n      input:\n        url: https://github.com/acme/community/tree/main/shared\n        targetPath: ./shared\n    - id: move\n      action: fs:rename\n      input:\n        files:\n          - from: ${from}\n            to: docs/index.md\n`;
    const root = await repository();
    writeFileSync(join(root, 'catalog/tpl/svc/template.yaml'), `${template('svc')}${rename('shared/template.md')}`);
    const run = await runBin(['templates', 'test', 'svc', '--format', 'json'], root);
    const found = (JSON.parse(run.stdout) as { diagnostics: Finding[] }).diagnostics;
    expect(found.map(d => `${d.ruleId}@${d.file} ${d.severity}`)).toEqual(['template-step-not-rendered@catalog/tpl/svc/tests/default.yaml warning']);
    expect(found[0].message).toMatch(/^This case was not rendered to the end \(step move \(fs:rename\): shared\/template\.md does not exist in the task's workspace \(ENOENT\)\), likely for a file Backstage has and this render does not: step shared \(fetch:plain\) fetches https:\/\/github\.com\/acme\/community\/tree\/main\/shared, outside this checkout/);
    expect(run.status).toBe(0);
    const render = await runBin(['templates', 'render', 'catalog/tpl/svc/template.yaml', '--values', 'catalog/tpl/svc/tests/default.yaml', '--out', join(root, 'out')], root);
    expect(render.stdout).toContain('⚠ step shared (fetch:plain) fetches https://github.com/acme/community/tree/main/shared, outside this checkout');
    expect(render.status).toBe(1);
    // A folder missing from the repository after a fetch from elsewhere is the template's own failure (review:
    // matched on the message's words, it and a step named `render-ENOENT` became warnings).
    writeFileSync(join(root, 'catalog/tpl/svc/template.yaml'), `${template('svc')}${rename('shared/template.md').replace(/ {4}- id: move[^]*$/, '    - id: render-ENOENT\n      action: fetch:plain\n      input:\n        url: ./docs-typo\n        targetPath: ./docs\n')}`);
    const typo = await runBin(['templates', 'test', 'svc', '--format', 'json'], root);
    expect((JSON.parse(typo.stdout) as { diagnostics: Finding[] }).diagnostics.map(d => `${d.ruleId} ${d.severity}`)).toEqual(['template-skeleton-missing error', 'template-render-failed error']);
    expect(typo.status).toBe(1);
    // Without a fetch from elsewhere the same missing file is the template's own failure.
    writeFileSync(join(root, 'catalog/tpl/svc/template.yaml'), `${template('svc')}${rename('shared/template.md').replace(/ {4}- id: shared[^]*?targetPath: \.\/shared\n/, '')}`);
    const own = await runBin(['templates', 'test', 'svc', '--format', 'json'], root);
    expect((JSON.parse(own.stdout) as { diagnostics: Finding[] }).diagnostics.map(d => `${d.ruleId} ${d.severity}`)).toEqual(['template-render-failed error']);
    expect(own.status).toBe(1);
  }, 120_000);

  // Fresh user: svc-template/template.yaml (found by discovery, no gitops.config.yaml) had an unquoted
  // `${{ … | replace("a", "b: c") }}`, so it did not parse and the catalog dropped it; templates test said only
  // that the case is never run (a warning) and "no template file here", and exited 0 while check failed.
  it('a case beside a template file that is not valid YAML is an error naming the YAML error, not a case never run', async () => {
    const broken = template('svc').replace('${{ parameters.name }}', '${{ parameters.name | replace("a", "b: c") }}');
    const root = await tempRepo({ 'svc-template/template.yaml': broken, 'svc-template/skel/README.md': 'hello ${{ values.name }}\n', 'svc-template/tests/basic.yaml': testCase });
    git(root, 'init', '-q', '-b', 'main');
    const run = await runBin(['templates', 'test', '--format', 'json'], root);
    const found = (JSON.parse(run.stdout) as { diagnostics: (Finding & { hint: string; range: { start: { line: number; column: number } } })[] }).diagnostics;
    expect(found.map(d => `${d.ruleId}@${d.file}:${d.range.start.line}:${d.range.start.column} ${d.severity}`)).toEqual(['yaml-syntax@svc-template/template.yaml:17:17 error', 'template-render-failed@svc-template/tests/basic.yaml:1:1 error']);
    expect(found[1].message).toBe("This test case cannot run: svc-template/template.yaml holds a scaffolder Template but is not valid YAML (Nested mappings are not allowed in compact mappings, line 17, column 17), so Backstage's catalog drops the whole file, no template from it is offered, and templates test cannot render it.");
    expect(found[1].hint).toBe('Fix svc-template/template.yaml at line 17, column 17 first (check reports it as yaml-syntax).');
    expect(run.stderr).toContain('no template file here that parses: svc-template/template.yaml is not valid YAML, so its cases cannot run');
    expect(run.status).toBe(1);
    // A key given twice: the catalog drops the file as well.
    writeFileSync(join(root, 'svc-template/template.yaml'), template('svc').replace('  type: service\n', '  type: service\n  type: website\n'));
    const twice = await runBin(['templates', 'test', '--format', 'json'], root);
    expect((JSON.parse(twice.stdout) as { diagnostics: Finding[] }).diagnostics.map(d => `${d.ruleId}@${d.file}`)).toEqual(['yaml-duplicate-key@svc-template/template.yaml', 'template-render-failed@svc-template/tests/basic.yaml']);
    expect(twice.status).toBe(1);
  }, 120_000);

  it('a relative url that climbs out of the repository still fails the render', async () => {
    const root = await repository();
    writeFileSync(join(root, 'catalog/tpl/svc/template.yaml'), template('svc').replace('url: ./skel', 'url: ../../../../../../etc'));
    const run = await runBin(['templates', 'test', 'svc', '--format', 'json'], root);
    const found = (JSON.parse(run.stdout) as { diagnostics: Finding[] }).diagnostics;
    expect(found.map(d => d.ruleId)).toContain('template-render-failed');
    expect(run.status).toBe(1);
  }, 120_000);
});
