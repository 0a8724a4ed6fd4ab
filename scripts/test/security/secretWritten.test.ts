import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { git, pullRequestRepo } from '../helpers/gitRepo.ts';
import { tempRepo } from '../helpers/tempRepo.ts';
import { runBin } from './runBin.ts';

// Fake credentials of the shapes secretlint's recommended rules know, put together at run time so that this
// file holds none (the gate scans the files a pull request changes, its own tests included).
const TOKEN = ['ghp', 'R8xQ2k9LmNvB4cT7yH1jW6sF3pZ0aE5dK2uG'].join('_');
const PASSWORD = ['s3cret', 'Passw0rd'].join('');

const location = 'apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata:\n  name: root\nspec:\n  targets: [./team.yaml, ./web.yaml, ./legacy.yaml]\n';
const team = 'apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: team-a\nspec:\n  type: team\n  children: []\n';
const component = (name: string, metadata = '') => `apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: ${name}\n${metadata}spec:\n  type: website\n  lifecycle: production\n  owner: group:team-a\n`;
const withSecrets = component('web-shop', `  annotations:\n    acme.com/deploy-token: ${TOKEN}\n  links:\n    - url: https://deploy:${PASSWORD}@runbooks.acme.example/web-shop\n`);

/** A repo whose base (main) is clean but for a token already in catalog/legacy.yaml, with `head` committed on branch pr. */
async function pullRequest(head: Record<string, string>, legacy = component('legacy', `  annotations:\n    acme.com/old-token: ${TOKEN}\n`)): Promise<string> {
  return pullRequestRepo({ 'gitops.config.yaml': 'catalog:\n  roots: [catalog/all.yaml]\n', 'catalog/all.yaml': location, 'catalog/team.yaml': team, 'catalog/web.yaml': component('web-shop'), 'catalog/legacy.yaml': legacy }, head);
}

type Found = { ruleId: string; file: string; message: string; range: { start: { line: number; column: number }; end: { line: number; column: number } } };
const secretsIn = (json: string) => (JSON.parse(json) as { diagnostics: Found[] }).diagnostics.filter(d => d.ruleId === 'secret-written');
const at = (d: Found) => `${d.file}:${d.range.start.line}:${d.range.start.column}-${d.range.end.column}`;

// Red team: a pull request put a GitHub token into an annotation and a password into a link's URL, and a
// template a hidden parameter defaulting to the token; the gate passed with 0 findings. Everything in the
// catalog is readable by every Backstage user, skeletons go into every new repository, docs to TechDocs.
describe('a credential a pull request writes out is secret-written, and never printed', () => {
  it('a token annotation and a password in a link URL fail check --base at their line and column; no output holds them', async () => {
    const root = await pullRequest({ 'catalog/web.yaml': withSecrets });
    const json = await runBin(['check', '--base', 'main', '--format', 'json'], root);
    expect(json.status, json.stderr).toBe(1);
    const found = secretsIn(json.stdout);
    // `    acme.com/deploy-token: ` is 27 characters: the token starts in column 28 and is 40 long.
    expect(found.map(at)).toEqual(['catalog/web.yaml:6:28-68', 'catalog/web.yaml:8:12-55']);
    expect(found[0].message).toMatch(/github\/GITHUB_TOKEN/);
    expect(found[1].message).toMatch(/basicauth/);
    const outputs = await Promise.all([
      runBin(['check', '--base', 'main'], root),
      runBin(['check', '--base', 'main', '--format', 'github'], root),
      runBin(['check', '--base', 'main', '--format', 'sarif'], root),
      runBin(['report', '--base', 'main'], root),
      runBin(['report', '--base', 'main', '--format', 'json'], root),
    ]);
    for (const output of [json, ...outputs]) {
      expect(output.status).toBe(1);
      expect(`${output.stdout}${output.stderr}`).toContain('secret-written');
      for (const secret of [TOKEN, TOKEN.slice(4, 16), PASSWORD]) expect(`${output.stdout}${output.stderr}`).not.toContain(secret);
    }
    expect(outputs[1].stdout).toContain('::error file=catalog/web.yaml,line=6,endLine=6,col=28,endColumn=68,title=secret-written::');
    expect(outputs[3].stdout).toContain('<code>catalog/web.yaml:6:28</code>');
  }, 120_000);

  it("a template's hidden parameter defaulting to a token is found by report --base", async () => {
    const template = `apiVersion: scaffolder.backstage.io/v1beta3\nkind: Template\nmetadata:\n  name: deploy\nspec:\n  owner: group:team-a\n  type: service\n  parameters:\n    - title: Deploy\n      properties:\n        token:\n          type: string\n          ui:widget: hidden\n          default: ${TOKEN}\n  steps: []\n`;
    const root = await pullRequest({ 'templates/deploy/template.yaml': template });
    const result = await runBin(['report', '--base', 'main', '--format', 'json'], root);
    expect(result.stdout).not.toContain(TOKEN);
    expect(secretsIn(result.stdout).map(at)).toEqual(['templates/deploy/template.yaml:14:20-60']);
    expect(result.status).toBe(1);
  }, 120_000);

  it('only the files the change touches are scanned: a token already on the base in a file it leaves alone is not its finding', async () => {
    const untouched = await pullRequest({ 'catalog/web.yaml': component('web-shop', '  description: The shop\n') });
    const result = await runBin(['check', '--base', 'main', '--format', 'json'], untouched);
    expect(secretsIn(result.stdout)).toEqual([]);
    expect(result.status, result.stdout).toBe(0);
    const report = await runBin(['report', '--base', 'main'], untouched);
    expect(report.stdout).not.toContain('secret-written');
    expect(report.status).toBe(0);
    // The same base, a change that writes a token elsewhere: that file only (catalog/legacy.yaml holds one too).
    const writing = await pullRequest({ 'catalog/web.yaml': component('web-shop', `  description: The shop ${TOKEN}\n`) });
    expect(secretsIn((await runBin(['check', '--base', 'main', '--format', 'json'], writing)).stdout).map(at)).toEqual(['catalog/web.yaml:5:25-65']);
  }, 120_000);

  // This repository's own pull request: its test fixtures hold fake tokens. secretlint's convention, a
  // `secretlint-disable-line` (or -next-line) comment on the line, marks a documented example; reviewers see it.
  it('a line marked secretlint-disable-line or under secretlint-disable-next-line is an example, not a finding', async () => {
    const root = await pullRequest({ 'docs/setup.md': `# Setup\n\nA token looks like ${TOKEN} <!-- secretlint-disable-line -->\n\n<!-- secretlint-disable-next-line -->\n    GITHUB_TOKEN=${TOKEN}\n\nNot this one: ${TOKEN}\n` }, component('legacy'));
    const result = await runBin(['check', '--base', 'main', '--format', 'json'], root);
    expect(secretsIn(result.stdout).map(at)).toEqual(['docs/setup.md:8:15-55']);
    expect(result.status).toBe(1);
  }, 120_000);

  it('a clean pull request gets nothing', async () => {
    const root = await pullRequest({ 'catalog/web.yaml': component('web-shop', '  description: The shop\n'), 'skeletons/svc/README.md': '# ${{ values.name }}\n\nSet GITHUB_TOKEN in the pipeline secrets.\n' }, component('legacy'));
    const result = await runBin(['check', '--base', 'main', '--format', 'json'], root);
    expect(secretsIn(result.stdout)).toEqual([]);
    expect(result.status, result.stdout).toBe(0);
  }, 120_000);

  it('check <file> (a pre-commit hook) scans the given files, of any kind; a plain check scans nothing', async () => {
    const root = await pullRequest({ 'skeletons/svc/.env.example': `# copy to .env\nGITHUB_TOKEN=${TOKEN}\n`, 'skeletons/svc/catalog-info.yaml': component('${{ values.name }}') });
    const given = await runBin(['check', 'skeletons/svc/.env.example', 'catalog/web.yaml', '--format', 'json'], root);
    expect(secretsIn(given.stdout).map(at)).toEqual(['skeletons/svc/.env.example:2:14-54']);
    expect(given.stdout).not.toContain(TOKEN);
    expect(given.status).toBe(1);
    const folder = await runBin(['check', 'skeletons', '--format', 'json'], root);
    expect(secretsIn(folder.stdout).map(at)).toEqual(['skeletons/svc/.env.example:2:14-54']);
    // The whole run (a token in catalog/legacy.yaml too) does not pay for the scan: only what a change or a hook hands it.
    const plain = await runBin(['check', '--format', 'json'], root);
    expect(secretsIn(plain.stdout)).toEqual([]);
    expect(plain.status).toBe(0);
  }, 120_000);

  it("a token in the Backstage app-config is config-plain-secret's alone on its line; another line of the file is secret-written", async () => {
    const config = 'catalog:\n  roots: [catalog/all.yaml]\nbackstageConfig:\n  files: [backstage-config/app-config.yaml]\n  plugins: [\'@backstage/backend-defaults\', \'@backstage/integration\']\n';
    const app = 'app:\n  baseUrl: http://localhost:3000\nbackend:\n  baseUrl: http://localhost:7007\n  database:\n    client: better-sqlite3\n    connection: \':memory:\'\n';
    const root = await pullRequest({ 'gitops.config.yaml': config, 'backstage-config/app-config.yaml': app }, component('legacy'));
    writeFileSync(join(root, 'backstage-config/app-config.yaml'), `${app}integrations:\n  github:\n    - host: github.com\n      token: ${TOKEN}\n# runbooks: https://deploy:${PASSWORD}@runbooks.acme.example/\n`);
    git(root, 'commit', '-qam', 'token');
    const result = await runBin(['check', '--base', 'main', '--format', 'json'], root);
    expect(result.stdout).not.toContain(TOKEN);
    const found = (JSON.parse(result.stdout) as { diagnostics: Found[] }).diagnostics.filter(d => d.ruleId === 'config-plain-secret' || d.ruleId === 'secret-written');
    expect(found.map(d => `${d.ruleId}@${d.file}:${d.range.start.line}`)).toEqual(['config-plain-secret@backstage-config/app-config.yaml:11', 'secret-written@backstage-config/app-config.yaml:12']);
    expect(result.status).toBe(1);
  }, 120_000);

  it('check --list-rules lists it with an example', async () => {
    const root = await tempRepo({ 'catalog-info.yaml': team });
    const listed = await runBin(['check', '--list-rules', '--format', 'json'], root);
    expect((JSON.parse(listed.stdout) as { ruleId: string; severity: string; example?: string }[]).find(r => r.ruleId === 'secret-written')).toMatchObject({ severity: 'error', example: expect.stringContaining('acme.com/deploy-token') });
  });
});
