import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, symlinkSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempRepo } from '../helpers/tempRepo.ts';
import { runBin } from './runBin.ts';

const group = 'apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: team-a\nspec:\n  type: team\n  children: []\n';

// gitops.config.yaml comes with pull requests: each row sets one path-valued key to a place outside the
// repo ({out} is a fresh path outside it) and runs the command that would write or read it.
const ROWS: [string, string[], string, string, number][] = [
  ['codeowners.file written by codeowners --write', ['codeowners', '--write'], "codeowners:\n  platformTeam: '@acme/platform'\n  file: {out}\n", 'codeowners.file', 3],
  ['editorSchema.file written by schema --write', ['schema', '--write'], 'editorSchema:\n  file: {out}\n', 'editorSchema.file', 2],
  ['catalog.policies read by check', ['check'], 'catalog:\n  policies: ../hostpol\n', 'catalog.policies', 2],
  ['catalog.appConfig read by check', ['check'], 'catalog:\n  appConfig: ../hostdir/passwd\n', 'catalog.appConfig', 2],
  ['catalog.appConfig absolute', ['check'], 'catalog:\n  appConfig: /etc/passwd\n', 'catalog.appConfig', 2],
  ['backstageConfig.files read by check', ['check'], 'backstageConfig:\n  plugins: []\n  files:\n    - app-config.yaml\n    - {out}\n', 'backstageConfig.files[1]', 5],
  ['catalog.roots', ['check'], 'catalog:\n  roots:\n    - {out}\n', 'catalog.roots[0]', 3],
  ['catalog.include glob', ['check'], "catalog:\n  include:\n    - '../**/*.yaml'\n", 'catalog.include[0]', 3],
  ['apiChanges.ruleset', ['check'], 'apiChanges:\n  ruleset: {out}\n', 'apiChanges.ruleset', 2],
  ['catalog.policies through a committed symbolic link', ['check'], 'catalog:\n  policies: policies-link\n', 'catalog.policies', 2],
];

describe('every path in gitops.config.yaml stays inside the repository', () => {
  it.each(ROWS)('%s', async (name, args, config, key, line) => {
    const outside = await mkdtemp(join(tmpdir(), 'gitops-host-'));
    const target = join(outside, 'PWN');
    const root = await tempRepo({ 'catalog/groups.yaml': group, 'app-config.yaml': 'app:\n  title: x\n' });
    // From the repo, enough ../ to reach / and then the fresh path: what `../../../../tmp/PWN` does.
    const climb = `${'../'.repeat(30)}${target.slice(1)}`;
    await writeFile(join(root, 'gitops.config.yaml'), config.replace('{out}', climb));
    if (name.includes('symbolic link')) {
      mkdirSync(target);
      symlinkSync(target, join(root, 'policies-link'));
    }
    const result = await runBin(args, root);
    expect(result.stderr).toContain(`gitops.config.yaml:${line}: ${key} is `);
    expect(result.stderr).toContain('leads outside the repository');
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.status).toBe(2);
    if (!name.includes('symbolic link')) expect(existsSync(target)).toBe(false);
    expect(existsSync(join(dirname(root), 'hostpol'))).toBe(false);
    await rm(outside, { recursive: true, force: true });
  });

  it('paths inside the repo still load', async () => {
    const root = await tempRepo({ 'catalog/groups.yaml': group, 'gitops.config.yaml': "codeowners:\n  platformTeam: '@acme/platform'\n  file: .github/CODEOWNERS\neditorSchema:\n  file: schemas/new/catalog.schema.json\ncatalog:\n  roots:\n    - catalog/groups.yaml\n  include:\n    - 'catalog/**/*.yaml'\n" });
    const result = await runBin(['codeowners', '--write'], root);
    expect(result.stderr).not.toContain('outside the repository');
    expect(result.status).toBe(0);
  });
});

// Red team, round 13: a folder committed where the toolkit reads one of the repo's own files ended the
// gate with "internal error: EISDIR" (Node's error names no path): each is one line naming the file, exit 2.
describe('a folder where a config or policy file belongs', () => {
  it.each([
    ['the app-config', "catalog:\n  appConfig: backstage-config/app-config.yaml\n", 'backstage-config/app-config.yaml'],
    ['the TechDocs policy', '', 'schemas/techdocs-policy.json'],
    ['the template action allow-list', '', 'schemas/template-policy/actions.json'],
  ])('%s: one line naming it, exit 2', async (_, config, folder) => {
    const root = await tempRepo({ 'gitops.config.yaml': config, 'catalog-info.yaml': group, [`${folder}/x`]: 'a folder\n' });
    const result = await runBin(['check'], root);
    expect(result.stderr).toBe(`backstage-gitops check: ${join(root, folder)} is a folder where a file was expected.\n`);
    expect(result.status).toBe(2);
  });
});

// Red team, round 14: a policy or config file committed as a symbolic link to a file of the machine. The
// readers followed it, and the parser's error quoted the file's text (JSON: V8's excerpt; the Spectral
// ruleset: yaml's pretty error with the whole line) into the job log and the PR comment.
describe('a config or policy file that is a link out of the repository', () => {
  const secret = 'TOKEN=hunter2-secret-value\nOTHER: : x\n';
  it.each([
    ['schemas/techdocs-policy.json', ''],
    ['schemas/template-policy/actions.json', "catalog:\n  roots: [catalog-info.yaml]\n"],
    ['pol/a.json', "catalog:\n  roots: [catalog-info.yaml]\n  policies: pol\n"],
    ['gitops.config.yaml', ''],
    ['linked/app-config.yaml', "catalog:\n  roots: [catalog-info.yaml]\n  appConfig: linked/app-config.yaml\n"],
  ])('%s is refused by name, its text never shown', async (file, config) => {
    const outside = await mkdtemp(join(tmpdir(), 'host-'));
    await writeFile(join(outside, 'secret'), secret);
    const root = await tempRepo({ 'catalog-info.yaml': group, ...(config ? { 'gitops.config.yaml': config } : {}) });
    mkdirSync(dirname(join(root, file)), { recursive: true });
    symlinkSync(join(outside, 'secret'), join(root, file));
    const result = await runBin(['check'], root);
    expect(result.stdout + result.stderr).not.toMatch(/hunt|TOKEN/);
    expect(result.stderr).toContain(file);
    expect(result.stderr).toContain('leads outside the repository');
    expect(result.status).toBe(2);
    await rm(outside, { recursive: true, force: true });
  });

  it('the Spectral ruleset of report --base', async () => {
    const outside = await mkdtemp(join(tmpdir(), 'host-'));
    await writeFile(join(outside, 'secret'), secret);
    const api = 'apiVersion: backstage.io/v1alpha1\nkind: API\nmetadata:\n  name: pets\nspec:\n  type: openapi\n  lifecycle: production\n  owner: group:default/team-a\n  definition:\n    $text: ./openapi.yaml\n';
    const root = await tempRepo({ 'catalog-info.yaml': `${api}---\n${group}`, 'openapi.yaml': 'openapi: 3.0.0\ninfo: {title: Pets, version: 1.0.0}\npaths: {}\n' });
    const git = (...args: string[]) => execFileSync('git', ['-C', root, '-c', 'user.email=a@example.test', '-c', 'user.name=a', ...args]);
    git('init', '-q', '-b', 'main');
    git('add', '-A');
    git('commit', '-qm', 'base');
    git('checkout', '-qb', 'pr');
    await writeFile(join(root, 'openapi.yaml'), 'openapi: 3.0.0\ninfo: {title: Pets, version: 1.0.1, description: x}\npaths: {}\n');
    mkdirSync(join(root, 'schemas', 'api-lint'), { recursive: true });
    symlinkSync(join(outside, 'secret'), join(root, 'schemas', 'api-lint', 'ruleset.yaml'));
    git('add', '-A');
    git('commit', '-qm', 'pr');
    const result = await runBin(['report', '--base', 'main'], root);
    expect(result.stdout + result.stderr).not.toMatch(/hunt|TOKEN/);
    expect(result.stderr).toContain('schemas/api-lint/ruleset.yaml is a symbolic link (or lies in a linked folder) that leads outside the repository; it is not read.');
    expect(result.status).toBe(2);
    await rm(outside, { recursive: true, force: true });
  });
});
