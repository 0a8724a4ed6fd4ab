import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dataRepoCopy, git } from '../helpers/gitRepo.ts';
import { runBin } from '../helpers/runBin.ts';
import { tempRepo } from '../helpers/tempRepo.ts';

type Finding = { ruleId: string; severity: string; file: string; message: string; range: { start: { line: number; column: number } } };
const transforms = (stdout: string) => (JSON.parse(stdout) as { diagnostics: Finding[] }).diagnostics.filter(d => d.ruleId === 'repo-checkout-transform');
const SKELETON = 'skeletons/python-datascience';

// Red team: Backstage's fetch:template and fetch:plain copy a skeleton from the git host's archive (GitHub's
// tarball is `git archive`), which applies export-time attributes; the offline render, its snapshots and the
// review read the checkout. `*.py export-subst` in a skeleton's .gitattributes and a `$Format:%B$` comment in a
// .py file gave every repository created from the template the message of whatever commit was at main's tip
// (a later pull request's squash message: code), while check, report and templates test passed (exit 0): the
// rule judged export-subst on .yaml/.json/.md files only.
describe('.gitattributes that make the git host\'s archive of a skeleton differ from the checkout', () => {
  it('export-subst on a skeleton .py file holding $Format: is an error at the placeholder naming the .gitattributes line (check and report), a warning on the files without one', async () => {
    const root = await dataRepoCopy();
    git(root, 'checkout', '-q', '-b', 'pr');
    writeFileSync(join(root, SKELETON, '.gitattributes'), '*.py export-subst\n');
    const train = join(root, SKELETON, 'src/pipeline/train.py');
    writeFileSync(train, `# release notes: $Format:%B$\n${readFileSync(train, 'utf8')}`);
    // Even with the rule turned off in the pull request's own config: the rule is locked.
    writeFileSync(join(root, 'gitops.config.yaml'), `${readFileSync(join(root, 'gitops.config.yaml'), 'utf8')}rules:\n  repo-checkout-transform: off\n`);
    const updated = await runBin(['templates', 'test', '--update-snapshots'], root);
    expect(updated.status, updated.stdout + updated.stderr).toBe(0);
    git(root, 'add', '-A');
    git(root, 'commit', '-qm', 'pipeline: release notes');
    // What Backstage fetches: the archive has replaced the placeholder with the tip commit's message.
    expect(git(root, 'archive', '--format=tar', 'HEAD', `${SKELETON}/src/pipeline/train.py`)).toContain('# release notes: pipeline: release notes');
    const templates = await runBin(['templates', 'test'], root);
    expect(templates.status).toBe(0);

    const check = await runBin(['check', '--format', 'json', '--today', '2026-12-01'], root);
    expect(check.stderr).not.toMatch(/internal error/);
    expect(check.status).toBe(1);
    const found = transforms(check.stdout);
    const error = found.find(d => d.file === `${SKELETON}/src/pipeline/train.py`)!;
    expect([error.severity, error.range.start]).toEqual(['error', { line: 1, column: 18 }]);
    expect(error.message).toMatch(/^skeletons\/python-datascience\/\.gitattributes:1:6 \(`\*\.py export-subst`\) gives this skeleton file export-subst and it holds a `\$Format:…\$` \(line 1\): Backstage's fetch:template and fetch:plain copy the skeleton skeletons\/python-datascience from the git host's archive/);
    const others = found.filter(d => d !== error);
    expect(others.length).toBeGreaterThan(0);
    expect(others.every(d => d.severity === 'warning' && d.file.startsWith(`${SKELETON}/`) && d.file.endsWith('.py') && d.message.includes('holds no `$Format:…$` today'))).toBe(true);

    const report = await runBin(['report', '--base', 'main'], root);
    expect(report.status).toBe(1);
    expect(report.stdout).toContain(`${SKELETON}/src/pipeline/train.py:1:18`);
  }, 180_000);

  it('export-subst on a binary file, export-ignore on a skeleton folder and a filter on any skeleton file are errors; eol=crlf and binary are not', async () => {
    const root = await dataRepoCopy();
    git(root, 'checkout', '-q', '-b', 'pr');
    writeFileSync(join(root, SKELETON, 'model.bin'), Buffer.concat([Buffer.from([0, 1, 2, 0]), Buffer.from('$Format:%H$'), Buffer.from([0, 255])]));
    writeFileSync(join(root, SKELETON, '.gitattributes'), '*.bin export-subst\nnotebooks/ export-ignore\nMLproject filter=lfs diff=lfs merge=lfs -text\n*.toml text eol=crlf\n*.png binary\n');
    git(root, 'add', '-A');
    git(root, 'commit', '-qm', 'attributes');
    const archived = execFileSync('sh', ['-c', `git archive --format=tar HEAD ${SKELETON} | tar -t`], { cwd: root, encoding: 'utf8' });
    expect(archived).not.toContain(`${SKELETON}/notebooks/`);
    const check = await runBin(['check', '--format', 'json', '--today', '2026-12-01'], root);
    expect(check.stderr).not.toMatch(/internal error/);
    expect(check.status).toBe(1);
    expect(transforms(check.stdout).map(d => [d.file, d.severity, d.message.split(': ')[0]])).toEqual([
      [`${SKELETON}/MLproject`, 'error', `${SKELETON}/.gitattributes:3:11 (\`MLproject filter=lfs diff=lfs merge=lfs -text\`) gives this skeleton file filter=lfs`],
      [`${SKELETON}/model.bin`, 'error', `${SKELETON}/.gitattributes:1:7 (\`*.bin export-subst\`) gives this skeleton file export-subst and it holds a \`$Format:…$\` (line 1)`],
      [`${SKELETON}/notebooks`, 'error', `${SKELETON}/.gitattributes:2:12 (\`notebooks/ export-ignore\`) gives this path export-ignore`],
    ]);
  }, 180_000);

  it('a skeleton a fetch url chooses with an expression (every file under its literal start) is judged the same, without gitops.config.yaml', async () => {
    const template = 'apiVersion: scaffolder.backstage.io/v1beta3\nkind: Template\nmetadata:\n  name: service\nspec:\n  type: service\n  owner: group:default/team-a\n  parameters:\n    - properties:\n        language: { type: string, enum: [go, rust] }\n  steps:\n    - id: fetch\n      action: fetch:template\n      input:\n        url: ../../skeletons/${{ parameters.language }}\n';
    const root = await tempRepo({
      'catalog-info.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: team-a\nspec:\n  type: team\n  children: []\n',
      'templates/service/template.yaml': template,
      'skeletons/go/main.go': '// build: $Format:%B$\npackage main\n',
      'skeletons/.gitattributes': '*.go export-subst\n',
    });
    git(root, 'init', '-q', '-b', 'main');
    git(root, 'add', '-A');
    git(root, 'commit', '-qm', 'base');
    const check = await runBin(['check', '--format', 'json', '--today', '2026-12-01'], root);
    expect(check.stderr).not.toMatch(/internal error/);
    expect(transforms(check.stdout).map(d => [d.file, d.severity, d.range.start, d.message.split(': ')[0]])).toEqual([
      ['skeletons/go/main.go', 'error', { line: 1, column: 11 }, 'skeletons/.gitattributes:1:6 (`*.go export-subst`) gives this skeleton file export-subst and it holds a `$Format:…$` (line 1)'],
    ]);
    expect(check.status).toBe(1);
  }, 120_000);

  // Red team: a skeleton folder whose name starts with two dots (`..skel`) was taken for one outside the
  // repository (startsWith('..')), so its files were never judged.
  it('a skeleton folder named with two leading dots is judged like any other', async () => {
    const template = 'apiVersion: scaffolder.backstage.io/v1beta3\nkind: Template\nmetadata:\n  name: service\nspec:\n  type: service\n  owner: group:default/team-a\n  steps:\n    - id: fetch\n      action: fetch:plain\n      input:\n        url: ../../..skel\n        targetPath: ./extra\n';
    const root = await tempRepo({
      'catalog-info.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: team-a\nspec:\n  type: team\n  children: []\n',
      'templates/service/template.yaml': template,
      '..skel/run.py': 'print("hi")\n# $Format:%B$\n',
      '..skel/.gitattributes': '*.py export-subst\n',
    });
    git(root, 'init', '-q', '-b', 'main');
    git(root, 'add', '-A');
    git(root, 'commit', '-qm', 'base');
    const check = await runBin(['check', '--format', 'json', '--today', '2026-12-01'], root);
    expect(check.stderr).not.toMatch(/internal error/);
    expect(transforms(check.stdout).map(d => [d.file, d.severity])).toEqual([['..skel/run.py', 'error']]);
    expect(check.status).toBe(1);
  }, 120_000);

  // Red team: a fetch url naming this repository in other capitals or by tree/ (GitHub reads both as this
  // repository's main) was taken for another repository's: its skeleton was never judged. At HEAD (whichever
  // branch the host's setting names, taken as repoUrl's, as a url without a ref) nothing is said; at another ref, Backstage copies what no review here shows: said so.
  it('a skeleton fetched by an absolute url naming this repository in other capitals or by tree/ is judged the same; at another ref it is an error (repoUrl in gitops.config.yaml)', async () => {
    const cases: [string, string[][], string[], string?][] = [
      ['https://github.com/ACME/Control/tree/main/skel', [['skel/run.py', 'error']], []],
      ['https://github.com/acme/control/tree/main/skel', [['skel/run.py', 'error']], []],
      ['https://github.com/Acme/CONTROL/blob/main/skel/${{ parameters.name }}', [['skel/run.py', 'error']], []],
      // HEAD reads the default branch, taken as repoUrl's (no finding); not mapped to the checkout, so not judged.
      ['https://github.com/Acme/Control/tree/HEAD/skel', [], []],
      ['https://github.com/acme/control/tree/ma%69n/skel', [['skel/run.py', 'error']], []],
      // An expression choosing the ref: any file of the repository may be read (judged), no ref to name.
      ['https://github.com/acme/control/blob/${{ parameters.name }}/skel', [['skel/run.py', 'error']], []],
      // GitLab's readTree takes a folder by -/tree/ as by -/blob/; Azure Repos without version is the default branch.
      ['https://gitlab.com/acme/platform/control/-/tree/main/skel', [['skel/run.py', 'error']], [], 'https://gitlab.com/acme/platform/control/-/blob/main/'],
      ['https://gitlab.com/acme/platform/control/-/blob/dev/skel', [], ['template-fetch-other-revision@templates/service/template.yaml:15:14 error'], 'https://gitlab.com/acme/platform/control/-/blob/main/'],
      ['https://dev.azure.com/acme/platform/_git/control?path=/skel', [], [], 'https://dev.azure.com/acme/platform/_git/control?version=GBmain&path=/'],
      ['https://dev.azure.com/acme/platform/_git/control?version=GBdev&path=/skel', [], ['template-fetch-other-revision@templates/service/template.yaml:15:14 error'], 'https://dev.azure.com/acme/platform/_git/control?version=GBmain&path=/'],
    ];
    for (const [url, errors, others, repoUrl = 'https://github.com/acme/control/blob/main/'] of cases) {
      const template = `apiVersion: scaffolder.backstage.io/v1beta3\nkind: Template\nmetadata:\n  name: service\nspec:\n  type: service\n  owner: group:default/team-a\n  parameters:\n    - properties:\n        name: { type: string }\n  steps:\n    - id: fetch\n      action: fetch:plain\n      input:\n        url: ${url}\n        targetPath: ./extra\n`;
      const root = await tempRepo({
        'gitops.config.yaml': `repoUrl: '${repoUrl}'\n`,
        'catalog-info.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: team-a\nspec:\n  type: team\n  children: []\n',
        'templates/service/template.yaml': template,
        'skel/run.py': 'print("hi")\n# $Format:%B$\n',
        'skel/.gitattributes': '*.py export-subst\n',
      });
      git(root, 'init', '-q', '-b', 'main');
      git(root, 'add', '-A');
      git(root, 'commit', '-qm', 'base');
      const check = await runBin(['check', '--format', 'json', '--today', '2026-12-01'], root);
      expect(check.stderr).not.toMatch(/internal error/);
      expect(transforms(check.stdout).map(d => [d.file, d.severity]), url).toEqual(errors);
      expect((JSON.parse(check.stdout) as { diagnostics: Finding[] }).diagnostics.filter(d => d.ruleId === 'template-fetch-other-revision').map(d => `${d.ruleId}@${d.file}:${d.range.start.line}:${d.range.start.column} ${d.severity}`), url).toEqual(others);
      expect(check.status).toBe(errors.length || others.length ? 1 : 0);
    }
  }, 180_000);

  it('templates test renders a skeleton file that .gitattributes gives eol=crlf with CRLF, as the archive serves it, also from a fresh checkout', async () => {
    const root = await dataRepoCopy();
    git(root, 'checkout', '-q', '-b', 'pr');
    writeFileSync(join(root, SKELETON, '.gitattributes'), 'pyproject.toml text eol=crlf\n');
    git(root, 'add', '-A');
    git(root, 'commit', '-qm', 'crlf');
    // A fresh checkout, as CI makes one: git writes the file with CRLF; the blob keeps LF.
    rmSync(join(root, SKELETON, 'pyproject.toml'));
    git(root, 'checkout', '--', SKELETON);
    expect(git(root, 'ls-files', '--eol', '--', `${SKELETON}/pyproject.toml`)).toMatch(/^i\/lf\s+w\/crlf\s+attr\/text eol=crlf/);
    expect(execFileSync('sh', ['-c', `git archive --format=tar HEAD ${SKELETON}/pyproject.toml | tar -xO`], { cwd: root, encoding: 'utf8' })).toMatch(/^\[project\]\r\n/);
    const run = await runBin(['templates', 'test'], root, { NO_COLOR: '1' });
    expect(run.status).toBe(1);
    expect(run.stdout).toContain('pyproject.toml: line 1 was "[project]", now "[project]\\r"');
    const updated = await runBin(['templates', 'test', '--update-snapshots'], root);
    expect(updated.status).toBe(0);
    expect(readFileSync(join(root, 'templates/python-datascience/tests/default.snapshot.yaml'), 'utf8')).toContain('pyproject.toml: "[project]\\r\n');
  }, 180_000);

  it('explicit text eol=crlf on a file git takes for binary changes its bytes in the archive, and so in the render, though the checkout predates the attribute', async () => {
    const root = await dataRepoCopy();
    writeFileSync(join(root, SKELETON, 'model.bin'), Buffer.from([0x61, 0, 0x0a, 0x62, 0x0a]));
    expect((await runBin(['templates', 'test', '--update-snapshots'], root)).status).toBe(0);
    git(root, 'add', '-A');
    git(root, 'commit', '-qm', 'model');
    writeFileSync(join(root, SKELETON, '.gitattributes'), 'model.bin text eol=crlf\n');
    git(root, 'add', '-A');
    git(root, 'commit', '-qm', 'crlf');
    expect(git(root, 'ls-files', '--eol', '--', `${SKELETON}/model.bin`)).toMatch(/^i\/-text\s+w\/-text\s+attr\/text eol=crlf/);
    expect(execFileSync('sh', ['-c', `git archive --format=tar HEAD ${SKELETON}/model.bin | tar -xO | od -An -c`], { cwd: root, encoding: 'utf8' })).toMatch(/a\s+\\0\s+\\r\s+\\n\s+b\s+\\r\s+\\n/);
    const run = await runBin(['templates', 'test'], root, { NO_COLOR: '1' });
    expect(run.status).toBe(1);
    expect(run.stdout).toMatch(/1 file changed \(model\.bin/);
  }, 180_000);
});
