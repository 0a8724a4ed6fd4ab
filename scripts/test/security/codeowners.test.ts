import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ownersOf, parseCodeowners } from '../../src/codeowners/codeowners.ts';
import { unsafeCodeownersPath } from '../../src/codeowners/generateCodeowners.ts';
import { tempRepo } from '../helpers/tempRepo.ts';
import { dataRepoCopy } from '../helpers/gitRepo.ts';
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { runBin } from './runBin.ts';

// File names a hostile author can commit (anything but '/' and NUL), each trying to widen a rule.
const HOSTILE = [
  'evil\n* @mallory', 'evil\r\n*', 'tab\t*', 'sp ace', ' lead', '#comment', 'mid#hash', 'star*', 'q?', 'br[ab]', '!neg', 'back\\*',
  'ls\u2028*', 'ps\u2029*', 'nbsp\u00a0*', 'nel\u0085*', 'zw\u200b', '{a,b}', '**',
];
const SAFE = ['ok-name', 'dot..', 'unicodé', 'with.dots_and-dashes', 'at@sign'];
const group = (name: string, slug: string) => `apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: ${name}\n  annotations:\n    github.com/team-slug: ${JSON.stringify(slug)}\nspec:\n  type: team\n  children: []\n`;
const api = (name: string, owner: string, definition: string) => `apiVersion: backstage.io/v1alpha1\nkind: API\nmetadata:\n  name: ${name}\nspec:\n  type: openapi\n  lifecycle: production\n  owner: group:${owner}\n  definition:\n    $text: ${JSON.stringify(definition)}\n`;

function walk(root: string, dir = ''): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap(e => (e.isDirectory() ? walk(root, dir ? `${dir}/${e.name}` : e.name) : [dir ? `${dir}/${e.name}` : e.name]));
}

describe('no catalog change can widen a team\'s CODEOWNERS ownership', () => {
  it('hostile file names, placeholder targets and team slugs: every emitted rule matches only the files its team\'s entities point at', async () => {
    const files: Record<string, string> = {
      'gitops.config.yaml': "codeowners:\n  platformTeam: '@acme/platform'\n",
      'catalog/groups.yaml': [group('team-a', 'acme/team-a'), group('team-b', 'acme/team-b'), group('team-c', 'acme/team-c\n* @acme/team-c'), group('team-d', 'acme/team-d @acme/team-d-admins')].join('---\n'),
      'scripts/src/cli/main.ts': '', '.github/workflows/ci.yml': '', 'catalog/team-b.yaml': api('b-api', 'team-b', './defs/b.json'), 'catalog/defs/b.json': '{}',
    };
    const intended = new Map<string, string>([['catalog/team-b.yaml', '@acme/team-b'], ['catalog/defs/b.json', '@acme/team-b']]);
    [...HOSTILE, ...SAFE].forEach((name, i) => {
      const owner = ['team-a', 'team-c', 'team-d'][i % 3];
      files[`catalog/${name}.yaml`] = api(`api-${i}`, owner, `./defs/${name}.json`);
      files[`catalog/defs/${name}.json`] = '{}';
      if (SAFE.includes(name) && owner === 'team-a') {
        intended.set(`catalog/${name}.yaml`, '@acme/team-a');
        intended.set(`catalog/defs/${name}.json`, '@acme/team-a');
      }
    });
    const root = await tempRepo(files);
    const written = await runBin(['codeowners', '--write'], root);
    expect(written.status).toBe(0);
    const text = readFileSync(join(root, '.github/CODEOWNERS'), 'utf8');
    const rules = parseCodeowners(text);

    // Every line is one pattern and known team owners: no line was split or injected.
    for (const line of text.split('\n').filter(l => l && !l.startsWith('#'))) expect(line).toMatch(/^\S+ +(?:@acme\/[a-z-]+ ?)+$/);
    for (const rule of rules) expect(unsafeCodeownersPath(rule.pattern.replace(/^\*$/, 'x'))).toBeUndefined();

    const universe = [...new Set([...walk(root), 'gitops.config.yaml', '.github/CODEOWNERS', 'scripts/bin/x.js', 'catalog/other.yaml', 'catalog/evil', 'catalog/x.yaml'])];
    for (const path of universe) {
      const owners = ownersOf(rules, path)?.owners ?? [];
      const teams = owners.filter(o => o !== '@acme/platform');
      // A team owns a path only when one of its own entities points at it.
      expect({ path, teams }).toEqual({ path, teams: intended.has(path) ? [intended.get(path)] : [] });
      if (!intended.has(path)) expect(owners).toEqual(['@acme/platform']);
    }
  }, 60_000);

  it('the gate names each unsafe file and team slug (codeowners-unsafe-path, codeowners-team-invalid)', async () => {
    const root = await tempRepo({
      'gitops.config.yaml': "catalog:\n  roots: [catalog/all.yaml]\ncodeowners:\n  platformTeam: '@acme/platform'\n",
      'catalog/all.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata:\n  name: root\nspec:\n  targets: [./groups.yaml, ./c.yaml, "./evil*"]\n',
      'catalog/groups.yaml': group('team-a', 'acme/team-a') + '---\n' + group('team-c', 'acme/team-c\n* @acme/team-c'),
      'catalog/evil\n* @mallory.yaml': api('evil', 'team-a', './ok.json'),
      'catalog/ok.json': '{}',
      'catalog/c.yaml': api('c', 'team-c', './ok.json'),
    });
    await runBin(['codeowners', '--write'], root);
    const result = await runBin(['check', '--format', 'json'], root);
    const found = (JSON.parse(result.stdout) as { diagnostics: { ruleId: string; file: string }[] }).diagnostics.filter(d => d.ruleId.startsWith('codeowners-'));
    expect(found.map(d => `${d.ruleId} ${JSON.stringify(d.file)}`).sort()).toEqual([
      'codeowners-team-invalid "catalog/groups.yaml"',
      'codeowners-unsafe-path "catalog/evil\\n* @mallory.yaml"',
    ]);
    expect(result.status).toBe(1);
  }, 60_000);

  it('a catalog field that names a platform path (placeholder, docs folder, skeleton url) gives no team a line for it, and the gate says so', async () => {
    const system = (name: string, extra: string) => `apiVersion: backstage.io/v1alpha1\nkind: System\nmetadata:\n  name: ${name}\n${extra}spec:\n  owner: group:team-a\n`;
    const template = 'apiVersion: scaffolder.backstage.io/v1beta3\nkind: Template\nmetadata:\n  name: t\nspec:\n  owner: group:team-a\n  type: service\n  steps:\n    - id: never\n      if: ${{ parameters.name === "never" }}\n      action: fetch:plain\n      input:\n        url: ../../pipelines\n';
    const root = await tempRepo({
      // The org's own platformPaths leave out gitops.config.yaml: it is protected all the same.
      'gitops.config.yaml': "catalog:\n  roots: [catalog/all.yaml]\ncodeowners:\n  platformTeam: '@acme/platform'\n  platformPaths: [/.github/, /pipelines/, /scripts/]\n",
      'catalog/all.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata:\n  name: root\nspec:\n  targets: [./groups.yaml, ./systems.yaml, ../templates/t/template.yaml]\n',
      'catalog/groups.yaml': group('team-a', 'acme/team-a'),
      'catalog/systems.yaml': [
        system('workflow', '  description:\n    $text: ../.github/workflows/main.yml\n'),
        system('config', '  description:\n    $text: ../gitops.config.yaml\n'),
        system('toolkit', '  annotations:\n    backstage.io/techdocs-ref: dir:../scripts\n'),
        system('fine', '  description:\n    $text: ./notes.md\n'),
      ].join('---\n'),
      'catalog/notes.md': 'notes\n',
      '.github/workflows/main.yml': 'on: push\n',
      'scripts/mkdocs.yml': 'site_name: x\n',
      'scripts/docs/index.md': '# x\n',
      'pipelines/deploy.yml': 'steps: []\n',
      'templates/t/template.yaml': template,
    });
    expect((await runBin(['codeowners', '--write'], root)).status).toBe(0);
    const rules = parseCodeowners(readFileSync(join(root, '.github/CODEOWNERS'), 'utf8'));
    for (const path of ['.github/workflows/main.yml', 'gitops.config.yaml', 'scripts/mkdocs.yml', 'pipelines/deploy.yml', '.github/CODEOWNERS']) {
      expect({ path, owners: ownersOf(rules, path)?.owners }).toEqual({ path, owners: ['@acme/platform'] });
    }
    expect(ownersOf(rules, 'catalog/notes.md')?.owners).toEqual(['@acme/team-a']);
    const result = await runBin(['check', '--format', 'json'], root);
    const found = (JSON.parse(result.stdout) as { diagnostics: { ruleId: string; file: string; message: string }[] }).diagnostics.filter(d => d.ruleId === 'codeowners-platform-path');
    expect(found.map(d => `${d.file}: ${d.message.split(':')[0]}`).sort()).toEqual([
      'catalog/systems.yaml: @acme/team-a cannot own "/.github/workflows/main.yml"',
      'catalog/systems.yaml: @acme/team-a cannot own "/gitops.config.yaml"',
      'catalog/systems.yaml: @acme/team-a cannot own "/scripts/"',
      'templates/t/template.yaml: @acme/team-a cannot own "/pipelines/"',
    ]);
    expect(result.status).toBe(1);
  }, 60_000);

  it('a field can hand its team only files in the folder of its own entity file, and never another entity\'s file', async () => {
    const repo = await dataRepoCopy();
    const api = (name: string, extra: string) => `---\napiVersion: backstage.io/v1alpha1\nkind: API\nmetadata:\n  name: ${name}\n  description: probe\n${extra}spec:\n  type: openapi\n  lifecycle: experimental\n  owner: data-team\n  system: analytics\n  definition:\n`;
    appendFileSync(join(repo, 'catalog/systems/analytics/entities.yaml'), [
      `${api('ci-config', '')}    $text: ../../../vitest.config.ts\n`,
      `${api('groups', '')}    $text: ../../org/groups.yaml\n`,
      `${api('others', '  annotations:\n    backstage.io/techdocs-ref: dir:../orders/docs-site\n')}    $text: ../orders/entities.yaml\n`,
      `${api('own', '')}    $text: ./definitions/reporting-openapi.yaml\n`,
    ].join(''));
    writeFileSync(join(repo, 'vitest.config.ts'), 'export default {};\n');
    expect((await runBin(['codeowners', '--write'], repo)).status).toBe(0);
    const rules = parseCodeowners(readFileSync(join(repo, '.github/CODEOWNERS'), 'utf8'));
    expect(ownersOf(rules, 'vitest.config.ts')?.owners).toEqual(['@acme/platform-team']);
    expect(ownersOf(rules, 'catalog/org/groups.yaml')?.owners).toEqual(['@acme/platform-team']);
    expect(ownersOf(rules, 'catalog/systems/orders/entities.yaml')?.owners).not.toContain('@acme/data-team');
    expect(ownersOf(rules, 'catalog/systems/orders/docs-site/docs/index.md')?.owners).not.toContain('@acme/data-team');
    expect(ownersOf(rules, 'catalog/systems/analytics/definitions/reporting-openapi.yaml')?.owners).toEqual(['@acme/data-team']);
    const result = await runBin(['check', '--format', 'json', '--today', '2026-11-23'], repo);
    const found = (JSON.parse(result.stdout) as { diagnostics: { ruleId: string; message: string }[] }).diagnostics.filter(d => d.ruleId === 'codeowners-claim-outside').map(d => d.message.split(' is not given')[0]).sort();
    expect(found).toEqual(['"/catalog/org/groups.yaml"', '"/catalog/systems/orders/docs-site/"', '"/catalog/systems/orders/entities.yaml"', '"/vitest.config.ts"']);
  }, 60_000);

  // Red team, round 8: a fetch step's url named other teams' folders and root folders, and CODEOWNERS gave
  // them to the template's team; one listed owner's approval is enough on GitHub.
  it("a template's fetch url gives its team only its own folder and skeletons/<name>/ folders no other team names", async () => {
    const repo = await dataRepoCopy();
    const file = join(repo, 'templates/python-datascience/template.yaml');
    const step = (id: string, url: string) => `    - id: ${id}\n      action: fetch:plain\n      input:\n        url: ${url}\n        targetPath: ./${id}\n`;
    const steps = [
      step('others-docs', '../../catalog/systems/orders/docs-site'), step('root-docs', '../../docs'), step('vscode', '../../.vscode'),
      step('platform-skeleton', '../../skeletons/go-service'), step('inside-platform-skeleton', '../../skeletons/go-service/sub'),
      step('all-skeletons', '../../skeletons/'), step('catalog', '../../catalog'), step('own', './extra'), step('fresh', '../../skeletons/data-only/'),
    ].join('');
    writeFileSync(file, readFileSync(file, 'utf8').replace('    - id: publish\n', `${steps}    - id: publish\n`));
    for (const path of ['docs/x.md', '.vscode/settings.json', 'templates/python-datascience/extra/a.txt', 'skeletons/data-only/a.txt', 'skeletons/go-service/sub/a.txt']) {
      mkdirSync(join(repo, path, '..'), { recursive: true });
      writeFileSync(join(repo, path), 'x\n');
    }
    const before = readFileSync(join(repo, '.github/CODEOWNERS'), 'utf8');
    expect((await runBin(['codeowners', '--write'], repo)).status).toBe(0);
    const text = readFileSync(join(repo, '.github/CODEOWNERS'), 'utf8');
    // Only the two folders that are the template's own are new lines; no other line changed.
    const added = text.split('\n').filter(l => !before.split('\n').includes(l)).map(l => l.replace(/ +/g, ' '));
    const removed = before.split('\n').filter(l => !text.split('\n').includes(l));
    expect(added).toEqual(['/skeletons/data-only/ @acme/data-team @acme/platform-team', '/templates/python-datascience/extra/ @acme/data-team @acme/platform-team']);
    expect(removed).toEqual([]);
    const rules = parseCodeowners(text);
    for (const path of ['catalog/systems/orders/docs-site/docs/index.md', 'docs/x.md', '.vscode/settings.json', 'skeletons/go-service/main.go', 'skeletons/go-service/sub/a.txt', 'skeletons/README.md', 'catalog/systems/orders/entities.yaml']) {
      expect({ path, owners: ownersOf(rules, path)?.owners }).not.toEqual({ path, owners: expect.arrayContaining(['@acme/data-team']) });
    }
    expect(ownersOf(rules, 'skeletons/data-only/a.txt')?.owners).toEqual(['@acme/data-team', '@acme/platform-team']);
    const result = await runBin(['check', '--format', 'json', '--today', '2026-11-23'], repo);
    const found = (JSON.parse(result.stdout) as { diagnostics: { ruleId: string; severity: string; file: string; message: string; range: { start: { line: number } } }[] }).diagnostics.filter(d => d.ruleId === 'codeowners-claim-outside');
    expect(found.map(d => `${d.severity} ${d.file}:${d.range.start.line} ${d.message.split(', which')[0]}`)).toEqual([
      'error templates/python-datascience/template.yaml:74 Step "others-docs" fetches "/catalog/systems/orders/docs-site/"',
      'error templates/python-datascience/template.yaml:79 Step "root-docs" fetches "/docs/"',
      'error templates/python-datascience/template.yaml:84 Step "vscode" fetches "/.vscode/"',
      'error templates/python-datascience/template.yaml:89 Step "platform-skeleton" fetches "/skeletons/go-service/"',
      'error templates/python-datascience/template.yaml:94 Step "inside-platform-skeleton" fetches "/skeletons/go-service/sub/"',
      'error templates/python-datascience/template.yaml:99 Step "all-skeletons" fetches "/skeletons/"',
      'error templates/python-datascience/template.yaml:104 Step "catalog" fetches "/catalog/"',
    ]);
    expect(found[3].message).toContain('"/skeletons/go-service/" is @acme/platform-team\'s');
    expect(result.status).toBe(1);
  }, 60_000);

  it("a field of one team's entity names a file or folder another team's entity names: neither team gets it", async () => {
    const repo = await dataRepoCopy();
    writeFileSync(join(repo, 'catalog/systems/orders/data.yaml'), 'apiVersion: backstage.io/v1alpha1\nkind: API\nmetadata:\n  name: shadow\n  description: probe\n  annotations:\n    backstage.io/techdocs-ref: dir:./docs-site\nspec:\n  type: openapi\n  lifecycle: experimental\n  owner: data-team\n  system: analytics\n  definition:\n    $text: ./definitions/orders-openapi.yaml\n');
    appendFileSync(join(repo, 'catalog/all.yaml'), '    - ./systems/orders/data.yaml\n');
    expect((await runBin(['codeowners', '--write'], repo)).status).toBe(0);
    const rules = parseCodeowners(readFileSync(join(repo, '.github/CODEOWNERS'), 'utf8'));
    for (const path of ['catalog/systems/orders/docs-site/docs/index.md', 'catalog/systems/orders/definitions/orders-openapi.yaml']) {
      expect({ path, owners: ownersOf(rules, path)?.owners }).toEqual({ path, owners: ['@acme/platform-team'] });
    }
    expect(ownersOf(rules, 'catalog/systems/orders/data.yaml')?.owners).toEqual(['@acme/data-team']);
    expect(ownersOf(rules, 'catalog/systems/orders/entities.yaml')?.owners).toEqual(['@acme/commerce-team']);
    const result = await runBin(['check', '--format', 'json', '--today', '2026-11-23'], repo);
    const found = (JSON.parse(result.stdout) as { diagnostics: { ruleId: string; file: string; message: string }[] }).diagnostics.filter(d => d.ruleId === 'codeowners-claim-outside');
    expect(found.map(d => `${d.file} ${d.message.split(';')[0]}`).sort()).toEqual([
      'catalog/systems/orders/data.yaml "/catalog/systems/orders/definitions/orders-openapi.yaml" is not given to @acme/data-team: "/catalog/systems/orders/definitions/orders-openapi.yaml" is @acme/commerce-team\'s too',
      'catalog/systems/orders/data.yaml "/catalog/systems/orders/docs-site/" is not given to @acme/data-team: "/catalog/systems/orders/docs-site/" is @acme/commerce-team\'s too',
      'catalog/systems/orders/entities.yaml "/catalog/systems/orders/definitions/orders-openapi.yaml" is not given to @acme/commerce-team: "/catalog/systems/orders/definitions/orders-openapi.yaml" is @acme/data-team\'s too',
      'catalog/systems/orders/entities.yaml "/catalog/systems/orders/docs-site/" is not given to @acme/commerce-team: "/catalog/systems/orders/docs-site/" is @acme/data-team\'s too',
    ]);
    expect(result.status).toBe(1);
  }, 60_000);

  // Red team, round 3: GitHub takes any one listed owner's approval, so a team co-owning a file could
  // approve alone a User made a platform member, or a Location to content nobody reviewed.
  it.each([
    ['a User who is a member of the platform team', '---\napiVersion: backstage.io/v1alpha1\nkind: User\nmetadata:\n  name: mallory\nspec:\n  profile: {email: mallory@example.com}\n  memberOf: [data-team, platform-team]\n'],
    ['a Location to another repository', '---\napiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata:\n  name: elsewhere\nspec:\n  type: url\n  targets: [https://github.com/mallory-oss/catalog-bits/blob/main/team.yaml]\n'],
  ])('%s in a team\'s file makes the file the platform team\'s alone: the PR must change CODEOWNERS, which only the platform team approves', async (_, entity) => {
    const repo = await dataRepoCopy();
    appendFileSync(join(repo, 'catalog/systems/analytics/entities.yaml'), entity);
    const stale = await runBin(['codeowners', '--check'], repo);
    expect(stale.status, stale.stdout + stale.stderr).toBe(1);
    const gate = await runBin(['check', '--format', 'json', '--today', '2026-11-23'], repo);
    expect((JSON.parse(gate.stdout) as { diagnostics: { ruleId: string }[] }).diagnostics.map(d => d.ruleId)).toContain('codeowners-stale');
    expect(gate.status).toBe(1);
    expect((await runBin(['codeowners', '--write'], repo)).status).toBe(0);
    const rules = parseCodeowners(readFileSync(join(repo, '.github/CODEOWNERS'), 'utf8'));
    expect(ownersOf(rules, 'catalog/systems/analytics/entities.yaml')?.owners).toEqual(['@acme/platform-team']);
    // The rest of the team's files stay the team's.
    expect(ownersOf(rules, 'catalog/systems/analytics/definitions/reporting-openapi.yaml')?.owners).toEqual(['@acme/data-team']);
  }, 60_000);

  it('a committed CODEOWNERS pattern written to backtrack, with a long entity file name, does not hang the gate (scorecards read CODEOWNERS)', async () => {
    const repo = await dataRepoCopy();
    const name = 'a'.repeat(200);
    writeFileSync(join(repo, `catalog/platform/${name}.yaml`), 'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: long-name\nspec:\n  type: library\n  lifecycle: experimental\n  owner: group:platform-team\n  system: backstage-platform\n');
    appendFileSync(join(repo, 'catalog/all.yaml'), `    - ./platform/${name}.yaml\n`);
    appendFileSync(join(repo, '.github/CODEOWNERS'), `${'**a'.repeat(24)}**b @acme/x\n`);
    // Long patterns, many of them: a committed file that is not the generated one is never matched.
    appendFileSync(join(repo, '.github/CODEOWNERS'), Array.from({ length: 1000 }, (_, i) => `${'**x'.repeat(700)}Q${i} @acme/x\n`).join(''));
    const result = await runBin(['check', '--format', 'json', '--today', '2026-11-23'], repo);
    const found = (JSON.parse(result.stdout) as { diagnostics: { ruleId: string }[] }).diagnostics.map(d => d.ruleId);
    // The committed file is no longer the generated one; the run finishes and says so.
    expect(found).toContain('codeowners-stale');
    expect(result.status).toBe(1);
  }, 60_000);

  it.each([
    ['catalog/a.yaml', undefined], ['docs/Über-uns_v2.0/index.md', undefined], ['a/b@c+d=e,f', undefined],
    ['a\nb', 'control'], ['a\u0085b', 'control'], ['a\u200bb', 'control'], ['a b', 'whitespace'], ['a\u00a0b', 'whitespace'], ['a\u2028b', 'whitespace'],
    ['#a', 'comment'], ['a*', 'wildcard'], ['a?', 'wildcard'], ['[ab]', 'wildcard'], ['!a', 'wildcard'], ['a\\b', 'wildcard'], ['{a,b}', 'wildcard'],
  ])('unsafeCodeownersPath(%j)', (path, reason) => {
    const found = unsafeCodeownersPath(path);
    if (reason === undefined) expect(found).toBeUndefined();
    else expect(found).toContain(reason);
  });
});

// Red team, round 13: a pull request points codeowners.file where GitHub never looks and hand-edits the
// CODEOWNERS GitHub does read; and it turns the CODEOWNERS rules off in gitops.config.yaml.
describe('the CODEOWNERS GitHub reads is the generated one', () => {
  const groupFile = "apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: team-a\n  annotations:\n    github.com/team-slug: acme/team-a\nspec:\n  type: team\n  children: []\n";

  const location = 'apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata:\n  name: root\nspec:\n  targets: [./groups.yaml]\n';
  async function generated(config: string): Promise<string> {
    const root = await tempRepo({ 'gitops.config.yaml': `catalog:\n  roots: [catalog/all.yaml]\n${config}`, 'catalog/all.yaml': location, 'catalog/groups.yaml': groupFile });
    expect((await runBin(['codeowners', '--write'], root)).status).toBe(0);
    return root;
  }

  it('a CODEOWNERS GitHub reads before codeowners.file fails the gate', async () => {
    const root = await generated("codeowners:\n  platformTeam: '@acme/platform'\n  file: docs/CODEOWNERS\n");
    mkdirSync(join(root, '.github'), { recursive: true });
    writeFileSync(join(root, '.github/CODEOWNERS'), '* @acme/team-a\n');
    const result = await runBin(['check', '--format', 'json'], root);
    const found = (JSON.parse(result.stdout) as { diagnostics: { ruleId: string; file: string; message: string }[] }).diagnostics.filter(d => d.ruleId === 'codeowners-stale');
    expect(found.map(d => d.file)).toEqual(['.github/CODEOWNERS']);
    expect(found[0].message).toMatch(/^GitHub reads \.github\/CODEOWNERS for code owners, not docs\/CODEOWNERS/);
    expect(result.status).toBe(1);
    // A root CODEOWNERS comes after .github/ in GitHub's order: with the configured file there, it is ignored and no finding.
    const fine = await generated("codeowners:\n  platformTeam: '@acme/platform'\n");
    writeFileSync(join(fine, 'CODEOWNERS'), '* @acme/team-a\n');
    const ok = await runBin(['check', '--format', 'json'], fine);
    expect((JSON.parse(ok.stdout) as { diagnostics: { ruleId: string }[] }).diagnostics.map(d => d.ruleId)).not.toContain('codeowners-stale');
  });

  // Red team 15: in a subfolder of a bigger repository, or under a name GitHub does not look for, the
  // generated CODEOWNERS routed no reviews while the gate checked it and passed.
  it('a CODEOWNERS GitHub never reads (a control repo in a subfolder, or another name) fails the gate; on Azure DevOps it is only azure-reviewers\' input', async () => {
    const codeownersFindings = async (root: string) => (JSON.parse((await runBin(['check', '--format', 'json'], root)).stdout) as { diagnostics: { ruleId: string; file: string; message: string }[] }).diagnostics.filter(d => d.ruleId === 'codeowners-stale');
    const top = await tempRepo({});
    mkdirSync(join(top, '.git'));
    const sub = await generated("codeowners:\n  platformTeam: '@acme/platform'\n");
    const { cpSync } = await import('node:fs');
    cpSync(sub, join(top, 'platform'), { recursive: true });
    const inSub = await codeownersFindings(join(top, 'platform'));
    expect(inSub.map(d => d.file)).toEqual(['.github/CODEOWNERS']);
    expect(inSub[0].message).toContain('GitHub never reads .github/CODEOWNERS');
    expect(inSub[0].message).toContain('this one is platform/.github/CODEOWNERS in the git repository');

    const named = await generated("codeowners:\n  platformTeam: '@acme/platform'\n  file: owners/CODEOWNERS\n");
    mkdirSync(join(named, '.git'));
    const other = await codeownersFindings(named);
    expect(other.map(d => d.file)).toEqual(['owners/CODEOWNERS']);
    expect(other[0].message).toMatch(/^GitHub never reads owners\/CODEOWNERS \(codeowners\.file/);

    const azure = await generated("repoUrl: https://dev.azure.com/acme/Platform/_git/control?version=GBmain&path=/\ncodeowners:\n  platformTeam: '@acme/platform'\n  file: owners/CODEOWNERS\n");
    mkdirSync(join(azure, '.git'));
    expect(await codeownersFindings(azure)).toEqual([]);

    // At the top of its own repository, where GitHub reads it: nothing.
    const fine = await generated("codeowners:\n  platformTeam: '@acme/platform'\n");
    mkdirSync(join(fine, '.git'));
    expect(await codeownersFindings(fine)).toEqual([]);
  });

  it.each(['codeowners-stale', 'codeowners-claim-outside'])('rules.%s: off is ignored and said; a hand-edited CODEOWNERS still fails', async rule => {
    const root = await generated(`codeowners:\n  platformTeam: '@acme/platform'\nrules:\n  ${rule}: off\n`);
    appendFileSync(join(root, '.github/CODEOWNERS'), '/schemas/ @acme/team-a\n');
    const result = await runBin(['check', '--format', 'json'], root);
    const found = (JSON.parse(result.stdout) as { diagnostics: { ruleId: string; severity: string; file: string }[] }).diagnostics.map(d => `${d.ruleId}:${d.severity}@${d.file}`);
    expect(found).toContain('codeowners-stale:error@.github/CODEOWNERS');
    expect(found).toContain('config-rule-locked:warning@gitops.config.yaml');
    expect(result.status).toBe(1);
  });
});

// Red team, round 13: a pull request that commits a folder where CODEOWNERS or the editor schema belongs
// crashed the gate (internal error, exit 2: "the gate could not run" on the pull request).
describe('a folder where a generated file belongs', () => {
  it('is reported missing (codeowners-stale, schema-stale), exit 1, no internal error', async () => {
    const location = 'apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata:\n  name: root\nspec:\n  targets: [./groups.yaml]\n';
    const group = 'apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: team-a\nspec:\n  type: team\n  children: []\n';
    const root = await tempRepo({
      'gitops.config.yaml': "catalog:\n  roots: [catalog/all.yaml]\ncodeowners:\n  platformTeam: '@acme/platform'\neditorSchema:\n  file: schemas/catalog-info.schema.json\n",
      'catalog/all.yaml': location, 'catalog/groups.yaml': group,
      '.github/CODEOWNERS/README.md': 'a folder\n', 'schemas/catalog-info.schema.json/x': 'a folder\n',
    });
    const result = await runBin(['check', '--format', 'json'], root);
    expect(result.stderr).not.toContain('internal error');
    const found = (JSON.parse(result.stdout) as { diagnostics: { ruleId: string; file: string; message: string }[] }).diagnostics;
    expect(found.filter(d => d.ruleId === 'codeowners-stale').map(d => d.message)).toEqual(['.github/CODEOWNERS is missing (or is not a file).']);
    expect(found.filter(d => d.ruleId === 'schema-stale').map(d => d.message)).toEqual(['schemas/catalog-info.schema.json is missing (or is not a file).']);
    expect(result.status).toBe(1);
  });
});
