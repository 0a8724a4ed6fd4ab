import { mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { tempRepo } from '../helpers/tempRepo.ts';
import { runBin, type BinResult } from './runBin.ts';

// A file of the machine running the checks, outside any repository (think /etc/passwd or ~/.npmrc).
const MARKER = 'HOST-ONLY-LINE root:x:0:0 _authToken=npm_s3cr3t';
let hostFile: string;
beforeAll(async () => {
  hostFile = join(await mkdtemp(join(tmpdir(), 'gitops-host-')), 'passwd');
  await writeFile(hostFile, `${MARKER}\nkind: [unclosed\n`);
});

const group = 'apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: team-a\nspec:\n  type: team\n  children: []\n';
const template = (step: string) => `apiVersion: scaffolder.backstage.io/v1beta3\nkind: Template\nmetadata:\n  name: evil\n  title: Evil\nspec:\n  owner: group:team-a\n  type: service\n  parameters: []\n  steps:\n${step}`;
const leaks = (result: BinResult, root: string, files: string[] = []) => {
  const written = files.map(f => { try { return readFileSync(join(root, f), 'utf8'); } catch { return ''; } }).join('\n');
  return (result.stdout + result.stderr + written).includes('HOST-ONLY-LINE') || /\n\s+at .+:\d+:\d+\)?\n/.test(result.stderr);
};

describe('symbolic links never lead a reader out of the repository', () => {
  it('a catalog file and a $text target that link to a host file: reported as repo-symlink, never read', async () => {
    const root = await tempRepo({
      'catalog-info.yaml': `${group}---\napiVersion: backstage.io/v1alpha1\nkind: API\nmetadata:\n  name: a\nspec:\n  type: openapi\n  lifecycle: production\n  owner: group:team-a\n  definition:\n    $text: ./openapi.yaml\n`,
    });
    symlinkSync(hostFile, join(root, 'openapi.yaml'));
    symlinkSync(hostFile, join(root, 'more.yaml'));
    const result = await runBin(['check', '--format', 'json'], root);
    const found = (JSON.parse(result.stdout) as { diagnostics: { ruleId: string; file: string; range: { start: { line: number } } }[] }).diagnostics;
    expect(found.filter(d => d.ruleId === 'repo-symlink').map(d => `${d.file}:${d.range.start.line}`)).toEqual(['more.yaml:1', 'openapi.yaml:1']);
    expect(found.map(d => d.ruleId)).toContain('placeholder-target-missing');
    expect(leaks(result, root)).toBe(false);
    expect(result.status).toBe(1);
  });

  it('a link only where Backstage or the toolkit would read through it is repo-symlink; one elsewhere (CLAUDE.md -> AGENTS.md) is none', async () => {
    const api = 'apiVersion: backstage.io/v1alpha1\nkind: API\nmetadata:\n  name: a\n  annotations: {backstage.io/techdocs-ref: dir:.}\nspec:\n  type: openapi\n  lifecycle: production\n  owner: group:team-a\n  definition:\n    $text: ./api.txt\n';
    const location = 'apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata:\n  name: more\nspec:\n  targets: [./listed/*.txt]\n';
    const fetchStep = 'id: fetch\naction: fetch:template\ninput:\n  url: ../skeleton\n';
    const root = await tempRepo({
      'AGENTS.md': '# Agents\n',
      'catalog-info.yaml': `${group}---\n${api}---\n${location}`,
      'mkdocs.yml': 'site_name: a\n',
      'docs/index.md': '# A\n',
      'templates/app/template.yaml': template('    - $yaml: ./steps/fetch.yaml\n'),
      'templates/app/steps/fetch.yaml': fetchStep,
      'templates/skeleton/README.md': '# ${{ values.name }}\n',
      'src/notes.md': '# Notes\n',
    });
    // Read nowhere: next to the code, in src/.
    symlinkSync('AGENTS.md', join(root, 'CLAUDE.md'));
    symlinkSync('notes.md', join(root, 'src/NOTES.md'));
    // Read: a $text target, a Location target, a TechDocs page, a skeleton file (step from a $yaml placeholder), CODEOWNERS, any YAML.
    mkdirSync(join(root, 'listed'));
    for (const link of ['api.txt', 'listed/x.txt', 'docs/guide.md', 'templates/skeleton/leak.txt', 'CODEOWNERS', 'more.yaml']) symlinkSync(hostFile, join(root, link));
    const result = await runBin(['check', '--format', 'json'], root);
    const found = (JSON.parse(result.stdout) as { diagnostics: { ruleId: string; severity: string; file: string }[] }).diagnostics;
    const links = found.filter(d => d.ruleId === 'repo-symlink');
    expect(links.map(d => d.file).sort()).toEqual(['CODEOWNERS', 'api.txt', 'docs/guide.md', 'listed/x.txt', 'more.yaml', 'templates/skeleton/leak.txt']);
    expect(links.every(d => d.severity === 'error')).toBe(true);
    expect(leaks(result, root)).toBe(false);
    // The same repo without the read links: the two unread ones give nothing.
    const clean = await tempRepo({ 'AGENTS.md': '# Agents\n', 'catalog-info.yaml': group });
    symlinkSync('AGENTS.md', join(clean, 'CLAUDE.md'));
    const quiet = await runBin(['check', '--format', 'json'], clean);
    expect(quiet.status).toBe(0);
    expect(quiet.stdout).not.toContain('repo-symlink');
  });

  // fresh9: tyriis/home-ops links docker/<host>/<app>/compose.yaml to ../../deploy/<app>/compose.yaml. Backstage
  // reads no entity there (the path, or the compose file it names), and the compose file is read by its own
  // name: seven errors on a repository Backstage ingests, from a locked rule no one could turn off.
  it('a YAML link to another file of the repository that is no catalog file is no finding; to a catalog file, a missing file or out of the repository it is', async () => {
    const root = await tempRepo({
      'catalog-info.yaml': group,
      'deploy/minio/compose.yaml': 'services:\n  minio:\n    image: minio/minio\n',
    });
    mkdirSync(join(root, 'docker/nas/minio'), { recursive: true });
    symlinkSync('../../../deploy/minio/compose.yaml', join(root, 'docker/nas/minio/compose.yaml'));
    const quiet = await runBin(['check', '--format', 'json'], root);
    expect(quiet.stdout).not.toContain('repo-symlink');
    expect(quiet.status).toBe(0);
    // Still read: a link to a catalog file (an entity file under a second name), to nothing, out of the repository.
    symlinkSync('../catalog-info.yaml', join(root, 'docker/team.yaml'));
    symlinkSync('./missing.yaml', join(root, 'docker/gone.yaml'));
    symlinkSync(hostFile, join(root, 'docker/host.yaml'));
    symlinkSync('../../../../outside.yaml', join(root, 'docker/nas/minio/up.yaml'));
    const result = await runBin(['check', '--format', 'json'], root);
    const found = (JSON.parse(result.stdout) as { diagnostics: { ruleId: string; file: string }[] }).diagnostics;
    expect(found.filter(d => d.ruleId === 'repo-symlink').map(d => d.file).sort()).toEqual(['docker/gone.yaml', 'docker/host.yaml', 'docker/nas/minio/up.yaml', 'docker/team.yaml']);
    expect(leaks(result, root)).toBe(false);
    expect(result.status).toBe(1);
  });

  // fresh9: a pre-commit hook passes every changed YAML file, a link among them: `check <link>` stopped with
  // "does not exist or holds no YAML files" (exit 2, and the link does exist). It is judged as the whole run does.
  it('check given a link: judged as the whole catalog judges it, no tool error', async () => {
    const root = await tempRepo({ 'catalog-info.yaml': group, 'deploy/compose.yaml': 'services:\n  a: {image: nginx}\n' });
    mkdirSync(join(root, 'docker'));
    symlinkSync('../deploy/compose.yaml', join(root, 'docker/compose.yaml'));
    const data = await runBin(['check', 'docker/compose.yaml', 'catalog-info.yaml', '--format', 'json'], root);
    expect(data.stderr).not.toContain('does not exist');
    expect((JSON.parse(data.stdout) as { diagnostics: unknown[] }).diagnostics).toEqual([]);
    expect(data.status).toBe(0);
    // Given alone (a hook's commit that changed only it), the repository's catalog is judged as usual and
    // nothing is found in the link: no tool error, not a missing file.
    const alone = await runBin(['check', 'docker/compose.yaml', '--format', 'json'], root);
    expect(alone.stderr).toBe('');
    expect((JSON.parse(alone.stdout) as { diagnostics: unknown[] }).diagnostics).toEqual([]);
    expect(alone.status).toBe(0);
    symlinkSync('catalog-info.yaml', join(root, 'team.yaml'));
    const catalogLink = await runBin(['check', 'team.yaml', 'catalog-info.yaml', '--format', 'json'], root);
    const found = (JSON.parse(catalogLink.stdout) as { diagnostics: { ruleId: string; file: string }[] }).diagnostics;
    expect(found.map(d => `${d.ruleId}@${d.file}`)).toEqual(['repo-symlink@team.yaml']);
    expect(catalogLink.status).toBe(1);
  });

  // Red team, round 15: a link to a folder ABOVE what the toolkit reads (`schemas -> catalog/team-a/schemas`)
  // was no finding, and the policies under it were read through it from a folder the team owns alone.
  it('a link to a folder above the policies or CODEOWNERS (inside the repository) is repo-symlink', async () => {
    const root = await tempRepo({
      'catalog-info.yaml': group,
      'catalog/team-a/schemas/techdocs-policy.json': '{"plugins": ["techdocs-core"], "yamlTags": []}\n',
      'catalog/team-a/gh/CODEOWNERS': '* @acme/team-a\n',
      'src/notes.md': '# Notes\n',
    });
    symlinkSync('catalog/team-a/schemas', join(root, 'schemas'));
    symlinkSync('catalog/team-a/gh', join(root, '.github'));
    // Above nothing the toolkit reads: no finding.
    symlinkSync('src', join(root, 'source'));
    const result = await runBin(['check', '--format', 'json'], root);
    const found = (JSON.parse(result.stdout) as { diagnostics: { ruleId: string; severity: string; file: string }[] }).diagnostics;
    expect(found.filter(d => d.ruleId === 'repo-symlink').map(d => `${d.file}:${d.severity}`).sort()).toEqual(['.github:error', 'schemas:error']);
    expect(result.status).toBe(1);
  });

  it('a link at a path the toolkit writes (the report, SARIF, TechDocs build report at the root) is repo-symlink, with its own message', async () => {
    const root = await tempRepo({ 'catalog-info.yaml': group });
    const outside = await mkdtemp(join(tmpdir(), 'gitops-outside-'));
    for (const name of ['backstage-gitops-report.md', 'backstage-gitops.sarif', 'techdocs-build.md']) symlinkSync(join(outside, name), join(root, name));
    const result = await runBin(['check', '--format', 'json'], root);
    const links = (JSON.parse(result.stdout) as { diagnostics: { ruleId: string; file: string; message: string }[] }).diagnostics.filter(d => d.ruleId === 'repo-symlink');
    expect(links.map(d => d.file).sort()).toEqual(['backstage-gitops-report.md', 'backstage-gitops.sarif', 'techdocs-build.md']);
    expect(links.every(d => d.message.includes('CI steps write an output file'))).toBe(true);
    expect(result.status).toBe(1);
  });

  it('a template.yaml linked to a host file: templates test names the link, prints none of its lines, no stack trace', async () => {
    const root = await tempRepo({ 'templates/evil/tests/a.yaml': 'name: a\nvalues: {}\n', 'catalog-info.yaml': group, 'values.yaml': '{}\n' });
    symlinkSync(hostFile, join(root, 'templates/evil/template.yaml'));
    for (const args of [['templates', 'test'], ['check'], ['codeowners'], ['templates', 'check']]) {
      const result = await runBin(args, root);
      expect(leaks(result, root), args.join(' ')).toBe(false);
    }
    const render = await runBin(['templates', 'render', 'templates/evil/template.yaml', '--values', 'values.yaml', '--out', 'out'], root);
    expect(render.stderr).toContain('templates/evil/template.yaml is a symbolic link');
    expect(leaks(render, root)).toBe(false);
    expect(render.status).toBe(2);
    const test = await runBin(['templates', 'test', '--format', 'json'], root);
    expect(test.stdout).toContain('repo-symlink');
    expect(test.status).toBe(1);
  });

  // tmpl16: Backstage reads a skeleton folder from the git host's archive, and TarArchiveResponse leaves out
  // every link whose target is outside the folder read: the render has no leak.txt, and check names the link.
  it.each([
    ['fetch:plain of a folder holding a link', '    - id: fetch\n      name: Fetch\n      action: fetch:plain\n      input:\n        url: ../../skeletons/evil\n'],
    ['fetch:template of a folder holding a link', '    - id: fetch\n      name: Fetch\n      action: fetch:template\n      input:\n        url: ../../skeletons/evil\n'],
  ])('%s: the link is left out as Backstage leaves it out; no host line reaches the output or the snapshot; check names it', async (_, step) => {
    const root = await tempRepo({
      'templates/evil/template.yaml': template(step),
      'templates/evil/tests/a.yaml': 'name: a\nvalues: {}\n',
      'skeletons/evil/README.md': '# ok\n',
    });
    symlinkSync(hostFile, join(root, 'skeletons/evil/leak.txt'));
    const result = await runBin(['templates', 'test', '--update-snapshots', '--format', 'json'], root);
    expect(leaks(result, root, ['templates/evil/tests/a.snapshot.yaml'])).toBe(false);
    const snapshot = readFileSync(join(root, 'templates/evil/tests/a.snapshot.yaml'), 'utf8');
    expect(snapshot).toContain('README.md');
    expect(snapshot).not.toContain('leak.txt');
    expect(result.status, result.stdout + result.stderr).toBe(0);
    const check = await runBin(['check', '--format', 'json'], root);
    expect((JSON.parse(check.stdout) as { diagnostics: { ruleId: string; file: string }[] }).diagnostics.filter(d => d.ruleId === 'repo-symlink').map(d => d.file)).toEqual(['skeletons/evil/leak.txt']);
    expect(leaks(check, root)).toBe(false);
  });

  it.each([
    ['fetch:plain:file of the link itself', '    - id: fetch\n      name: Fetch\n      action: fetch:plain:file\n      input:\n        url: ../../skeletons/evil/leak.txt\n        targetPath: leak.txt\n'],
    ['fetch:template:file of the link itself', '    - id: fetch\n      name: Fetch\n      action: fetch:template:file\n      input:\n        url: ../../skeletons/evil/leak.txt\n        targetPath: leak.txt\n'],
  ])('%s: the render fails naming the link; no host line reaches the output or the snapshot', async (_, step) => {
    const root = await tempRepo({
      'templates/evil/template.yaml': template(step),
      'templates/evil/tests/a.yaml': 'name: a\nvalues: {}\n',
      'skeletons/evil/README.md': '# ok\n',
    });
    symlinkSync(hostFile, join(root, 'skeletons/evil/leak.txt'));
    const result = await runBin(['templates', 'test', '--update-snapshots', '--format', 'json'], root);
    expect(leaks(result, root, ['templates/evil/tests/a.snapshot.yaml'])).toBe(false);
    expect(result.stdout).toContain('skeletons/evil/leak.txt is a symbolic link');
    expect(result.status).toBe(1);
  });

  it('a snapshot file linked to a host file is never written through', async () => {
    const root = await tempRepo({
      'templates/evil/template.yaml': template('    - id: fetch\n      name: Fetch\n      action: fetch:plain\n      input:\n        url: ../../skeletons/evil\n'),
      'templates/evil/tests/a.yaml': 'name: a\nvalues: {}\n',
      'skeletons/evil/README.md': '# ok\n',
    });
    symlinkSync(hostFile, join(root, 'templates/evil/tests/a.snapshot.yaml'));
    const result = await runBin(['templates', 'test', '--update-snapshots', '--format', 'json'], root);
    expect(readFileSync(hostFile, 'utf8')).toBe(`${MARKER}\nkind: [unclosed\n`);
    expect(result.stdout).toContain('repo-symlink');
    expect(leaks(result, root)).toBe(false);
  });

  it('a docs page linked to a host file is a repo-symlink finding', async () => {
    const root = await tempRepo({
      'catalog-info.yaml': `${group}---\napiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: c\n  annotations:\n    backstage.io/techdocs-ref: dir:.\nspec:\n  type: service\n  lifecycle: production\n  owner: group:team-a\n`,
      'mkdocs.yml': 'site_name: Docs\n',
      'docs/index.md': '# Docs\n',
    });
    symlinkSync(hostFile, join(root, 'docs/leak.md'));
    const result = await runBin(['check', '--format', 'json'], root);
    expect(result.stdout).toContain('"file": "docs/leak.md"');
    expect(result.stdout).toContain('repo-symlink');
    expect(leaks(result, root)).toBe(false);
  });
});
