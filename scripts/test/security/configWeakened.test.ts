import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempRepo } from '../helpers/tempRepo.ts';
import { runBin } from './runBin.ts';

const git = (root: string, ...args: string[]) => execFileSync('git', ['-C', root, '-c', 'user.email=ci@example.test', '-c', 'user.name=ci', ...args], { encoding: 'utf8' });
const group = "apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: team-a\n  annotations:\n    github.com/team-slug: acme/team-a\nspec:\n  type: team\n  children: []\n";
const location = 'apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata:\n  name: root\nspec:\n  targets: [./groups.yaml]\n';
const BASE_CONFIG = "catalog:\n  roots: [catalog/all.yaml]\ncodeowners:\n  platformTeam: '@acme/platform'\n";

async function repoWithPullRequest(headConfig: string, headFiles: Record<string, string> = {}, baseConfig = BASE_CONFIG, baseFiles: Record<string, string> = {}): Promise<string> {
  const root = await tempRepo({ 'gitops.config.yaml': baseConfig, 'catalog/all.yaml': location, 'catalog/groups.yaml': group, ...baseFiles });
  expect((await runBin(['codeowners', '--write'], root)).status).toBe(0);
  git(root, 'init', '-q', '-b', 'main');
  git(root, 'add', '-A');
  git(root, 'commit', '-qm', 'base');
  git(root, 'checkout', '-qb', 'pr');
  writeFileSync(join(root, 'gitops.config.yaml'), headConfig);
  for (const [file, text] of Object.entries(headFiles)) {
    mkdirSync(dirname(join(root, file)), { recursive: true });
    writeFileSync(join(root, file), text);
  }
  git(root, 'add', '-A');
  git(root, 'commit', '-qm', 'config');
  return root;
}

// Red team, round 13: the gate judges a pull request by the pull request's own gitops.config.yaml, so a
// change there that switches gates off (platform-approved, but the approver reads the verdict) stayed green.
describe('a pull request that loosens gitops.config.yaml says so in its report', () => {
  it('a removed codeowners section, a lowered rule and a wider adoptFrom are config-weakened warnings, named in the verdict, when the config is all it changes', async () => {
    const root = await repoWithPullRequest("catalog:\n  roots: [catalog/all.yaml]\n  adoptFrom: ['url:https://github.com/acme/other/blob/main/catalog-info.yaml']\nrules:\n  ref-unresolved: off\n");
    const result = await runBin(['report', '--base', 'main'], root);
    expect(result.stdout).toContain("- This change loosens the gate's own config (gitops.config.yaml, 3 changes, `config-weakened` below)");
    const rows = result.stdout.split('\n').filter(line => line.includes('<code>config-weakened</code>'));
    expect(rows).toHaveLength(3);
    expect(rows.join('\n')).toMatch(/the codeowners section is removed/);
    expect(rows.join('\n')).toMatch(/rules\.ref\\?-unresolved is set to &quot;off&quot; \\?\(was &quot;error&quot;\\?\)/);
    expect(rows.join('\n')).toMatch(/catalog.adoptFrom gains/);
  });

  it('a config that only tightens the gate gets no such warning', async () => {
    const root = await repoWithPullRequest(`${BASE_CONFIG}failOn: warning\nrules:\n  ref-unresolved: error\n`);
    const result = await runBin(['report', '--base', 'main'], root);
    expect(result.stdout).not.toContain('config-weakened');
    expect(result.stdout).toContain('ready to merge');
  });

  // Red team, round 14: only the settings listed were compared; any other one that silences a gate changed
  // without a word (a rule the base raised dropped back to its default, another Spectral ruleset, entities
  // declared external so a missing owner resolves, a custom action that makes an unknown one known, fewer
  // config schemas, narrower include globs, a bigger file limit).
  it('every other setting that silences a gate is a config-weakened warning too', async () => {
    const base = `${BASE_CONFIG.replace('\ncodeowners', "\n  include: ['catalog/**']\ncodeowners")}rules:\n  yaml-merge-key: error\nbackstageConfig:\n  files: [backstage-config/app-config.yaml]\n  plugins: ['@backstage/plugin-catalog-backend']\n`;
    const head = "catalog:\n  roots: [catalog/all.yaml]\n  include: []\n  maxFileBytes: 99999999\n  external:\n    - kind: Group\n      refs: [group:default/anyone]\n  apiGroups: [acme.example]\ncodeowners:\n  platformTeam: '@acme/platform'\napiChanges:\n  ruleset: catalog/empty-ruleset.yaml\nbackstageConfig:\n  files: [catalog/app-config.yaml]\n  plugins: []\n  actions:\n    acme:anything:\n      input: {}\n  additionalTemplateFilters: [anything]\n";
    const appConfig = 'app:\n  title: Acme\n';
    const root = await repoWithPullRequest(head, {}, base, { 'backstage-config/app-config.yaml': appConfig, 'catalog/app-config.yaml': appConfig, 'catalog/empty-ruleset.yaml': 'rules: {}\n' });
    const result = await runBin(['report', '--base', 'main'], root);
    const rows = result.stdout.split('\n').filter(line => line.includes('<code>config-weakened</code>')).join('\n').replace(/\\/g, '');
    for (const what of [/rules\.yaml-merge-key is no longer set: back to &quot;warning&quot; \(was &quot;error&quot;\)/, /apiChanges\.ruleset changes from/, /catalog\.external gains/, /catalog\.apiGroups gains/, /catalog\.maxFileBytes changes from/, /backstageConfig\.files changes from/, /backstageConfig\.plugins no longer lists/, /backstageConfig\.actions gains/, /backstageConfig\.additionalTemplateFilters gains/, /catalog\.include no longer lists/]) expect(rows).toMatch(what);
    expect(result.stdout).toContain("- This change loosens the gate's own config (gitops.config.yaml, 10 changes");
  });

  // Red team, round 14: the policy files the gate reads its rules from come with the pull request too.
  it('a pull request that rewrites a policy file the gate judges by says so', async () => {
    const root = await repoWithPullRequest(`${BASE_CONFIG}failOn: warning\n`);
    mkdirSync(join(root, 'schemas'), { recursive: true });
    writeFileSync(join(root, 'schemas', 'techdocs-policy.json'), JSON.stringify({ plugins: ['techdocs-core'], yamlTags: [], diagramServers: ['http://169.254.169.254/'] }));
    git(root, 'add', '-A');
    git(root, 'commit', '-qm', 'policy');
    const result = await runBin(['report', '--base', 'main'], root);
    const rows = result.stdout.split('\n').filter(line => line.includes('<code>config-weakened</code>'));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toContain('<code>schemas/techdocs-policy.json:1:1</code>');
    expect(result.stdout).toContain('- This change rewrites 1 policy file the gate judges by (`config-weakened` below)');
  });

  it('a first gitops.config.yaml that turns a rule off is a config-weakened warning against the default', async () => {
    const root = await tempRepo({ 'catalog-info.yaml': group });
    git(root, 'init', '-q', '-b', 'main');
    git(root, 'add', '-A');
    git(root, 'commit', '-qm', 'base');
    git(root, 'checkout', '-qb', 'pr');
    writeFileSync(join(root, 'gitops.config.yaml'), 'rules:\n  entity-duplicate: off\n');
    git(root, 'add', '-A');
    git(root, 'commit', '-qm', 'config');
    const result = await runBin(['report', '--base', 'main'], root);
    const rows = result.stdout.split('\n').filter(line => line.includes('<code>config-weakened</code>')).join('\n').replace(/\\/g, '');
    expect(rows).toMatch(/rules\.entity-duplicate is set to &quot;off&quot; \(was &quot;error&quot;\)/);
  });
});

// Red team 13, 4(c): the gate ran on the pull request's own config, so a pull request that removed the
// `codeowners` section (or catalog.roots) and hand-widened CODEOWNERS in the same change passed `check`.
describe('check --base fails a pull request that loosens the config and changes other files under it', () => {
  const widened = '* @acme/team-a\n/gitops.config.yaml @acme/team-a\n';

  it.each([
    ['the codeowners section removed', 'catalog:\n  roots: [catalog/all.yaml]\n', /the codeowners section is removed/],
    ['catalog.roots removed', "codeowners:\n  platformTeam: '@acme/platform'\n", /catalog\.roots is removed/],
    ['a rule lowered (ref-unresolved: off)', `${BASE_CONFIG}rules:\n  ref-unresolved: off\n`, /rules\.ref-unresolved is set to "off"/],
  ])('%s, with CODEOWNERS hand-edited: config-weakened error, exit 1', async (_name, headConfig, what) => {
    const root = await repoWithPullRequest(headConfig, { '.github/CODEOWNERS': widened });
    const plain = await runBin(['check', '--format', 'json'], root);
    const result = await runBin(['check', '--base', 'main', '--format', 'json'], root);
    expect(result.stderr).toBe('');
    const weakened = (JSON.parse(result.stdout).diagnostics as { ruleId: string; severity: string; message: string; hint: string }[]).filter(d => d.ruleId === 'config-weakened');
    expect(weakened.some(d => what.test(d.message))).toBe(true);
    expect(weakened.every(d => d.severity === 'error' && /pull request of its own/.test(d.hint))).toBe(true);
    expect(result.status).toBe(1);
    // Without a base there is nothing to compare with: the same change is judged by its own config.
    expect(JSON.parse(plain.stdout).diagnostics.some((d: { ruleId: string }) => d.ruleId === 'config-weakened')).toBe(false);
  });

  // Red team, round 15: the files that counted as policy (and so as "config alone", a warning) included the
  // folder of the ruleset the pull request itself names: a ruleset moved to .github/ made the hand-edited
  // CODEOWNERS beside it a "policy file", and one moved to catalog/ did the same for every catalog file.
  it.each([
    ['a ruleset moved beside the hand-edited CODEOWNERS', 'catalog:\n  roots: [catalog/all.yaml]\napiChanges:\n  ruleset: .github/ruleset.yaml\n', { '.github/ruleset.yaml': 'extends: [spectral:oas]\n', '.github/CODEOWNERS': widened }],
    ['a ruleset moved into catalog/ beside a catalog file judged under a rule turned off', `${BASE_CONFIG}apiChanges:\n  ruleset: catalog/ruleset.yaml\nrules:\n  ref-unresolved: off\n`, { 'catalog/ruleset.yaml': 'extends: [spectral:oas]\n', 'catalog/groups.yaml': group.replace('children: []', 'children: []\n  parent: nobody') }],
  ])('%s: the other files still make it an error', async (_name, headConfig, files) => {
    const root = await repoWithPullRequest(headConfig, files);
    const result = await runBin(['check', '--base', 'main', '--format', 'json'], root);
    const weakened = (JSON.parse(result.stdout).diagnostics as { ruleId: string; severity: string; file: string }[]).filter(d => d.ruleId === 'config-weakened');
    expect(weakened.length).toBeGreaterThan(1);
    expect(weakened.every(d => d.severity === 'error')).toBe(true);
    // The moved ruleset is named as a policy file; the CODEOWNERS and catalog file are not.
    expect(weakened.filter(d => d.file !== 'gitops.config.yaml').map(d => d.file)).toEqual([Object.keys(files)[0]]);
    expect(result.status).toBe(1);
  });

  it('the pull request cannot turn config-weakened itself off, and the report fails with it', async () => {
    const root = await repoWithPullRequest("catalog:\n  roots: [catalog/all.yaml]\nrules:\n  config-weakened: off\n", { '.github/CODEOWNERS': widened });
    const check = await runBin(['check', '--base', 'main', '--format', 'json'], root);
    const ids = (JSON.parse(check.stdout).diagnostics as { ruleId: string; severity: string }[]).map(d => `${d.ruleId}:${d.severity}`);
    expect(ids).toContain('config-weakened:error');
    expect(ids).toContain('config-rule-locked:warning');
    expect(check.status).toBe(1);
    const report = await runBin(['report', '--base', 'main'], root);
    expect(report.stdout).toContain('changes needed');
    expect(report.status).toBe(1);
  });

  it('a policy file rewritten beside other files is an error; beside the config alone, a warning', async () => {
    const policy = JSON.stringify({ plugins: ['techdocs-core'], yamlTags: [], diagramServers: ['http://169.254.169.254/'] });
    const mixed = await repoWithPullRequest(BASE_CONFIG, { 'schemas/techdocs-policy.json': policy, 'catalog/groups.yaml': `${group}\n` });
    const severities = async (root: string) => (JSON.parse((await runBin(['check', '--base', 'main', '--format', 'json'], root)).stdout).diagnostics as { ruleId: string; severity: string; file: string }[]).filter(d => d.ruleId === 'config-weakened').map(d => `${d.file}:${d.severity}`);
    expect(await severities(mixed)).toEqual(['schemas/techdocs-policy.json:error']);
    const alone = await repoWithPullRequest(BASE_CONFIG, { 'schemas/techdocs-policy.json': policy });
    expect(await severities(alone)).toEqual(['schemas/techdocs-policy.json:warning']);
  });

  // Red team, round 15: the severity a rule falls back to was taken as error for every id the registries do not
  // know, so dropping a family setting (`policy: error` over policies of x-severity warning) or a policy's own
  // setting compared error with error, and the pull request's policy violations passed as warnings, unnamed.
  it('a rules: setting of an org policy or of its family that the pull request drops is named against the policy\'s own severity', async () => {
    const policy = JSON.stringify({ $schema: 'http://json-schema.org/draft-07/schema#', title: 'Groups have a display name', 'x-rule-id': 'policy/display-name', 'x-severity': 'warning', properties: { spec: { properties: { profile: { required: ['displayName'] } } } } });
    const tags = JSON.stringify({ $schema: 'http://json-schema.org/draft-07/schema#', title: 'Short tags', 'x-rule-id': 'policy/short-tags', 'x-severity': 'info', properties: { metadata: { properties: { tags: { items: { maxLength: 3 } } } } } });
    const withPolicies = BASE_CONFIG.replace('  roots: [catalog/all.yaml]\n', '  roots: [catalog/all.yaml]\n  policies: schemas/policy\n');
    const bad = group.replace('children: []', 'children: []\n  profile: {email: a@example.test}').replace('  name: team-a\n', '  name: team-a\n  tags: [toolong]\n');
    const root = await repoWithPullRequest(withPolicies, { 'catalog/groups.yaml': bad }, `${withPolicies}rules:\n  policy: error\n  policy/short-tags: warning\n`, { 'schemas/policy/display-name.json': policy, 'schemas/policy/short-tags.json': tags });
    const check = await runBin(['check', '--base', 'main', '--format', 'json'], root);
    const diagnostics = JSON.parse(check.stdout).diagnostics as { ruleId: string; severity: string; message: string }[];
    expect(diagnostics.filter(d => d.ruleId.startsWith('policy/')).map(d => `${d.ruleId}:${d.severity}`).sort()).toEqual(['policy/display-name:warning', 'policy/short-tags:info']);
    const weakened = diagnostics.filter(d => d.ruleId === 'config-weakened');
    expect(weakened.map(d => d.message.replace(/\. This pull request.*$/, '')).sort()).toEqual([
      'Compared with the base revision, rules.policy/display-name is no longer set: back to "warning" (was "error")',
      'Compared with the base revision, rules.policy/short-tags is no longer set: back to "info" (was "warning")',
    ]);
    expect(weakened.every(d => d.severity === 'error')).toBe(true);
    expect(check.status).toBe(1);
  });

  // Red team, round 15: the gate also takes rules from the managed Backstage's app-config (catalog.rules and
  // location rules, catalog.providers, techdocs.generator), read from the pull request's tree: allowing a kind
  // there beside an entity of that kind passed as ready to merge, with no word that the rule changed.
  it('an app-config whose catalog.rules the pull request widens beside other files is config-weakened; another app-config setting is not', async () => {
    const withAppConfig = BASE_CONFIG.replace('  roots: [catalog/all.yaml]\n', '  roots: [catalog/all.yaml]\n  appConfig: backstage-config/app-config.yaml\n');
    const appConfig = (allow: string, title = 'Acme') => `app:\n  title: ${title}\ncatalog:\n  rules:\n    - allow: [${allow}]\n`;
    const resource = 'apiVersion: backstage.io/v1alpha1\nkind: Resource\nmetadata:\n  name: db\nspec:\n  type: database\n  owner: team-a\n';
    const widened = await repoWithPullRequest(withAppConfig, { 'backstage-config/app-config.yaml': appConfig('Group, Location, Resource'), 'catalog/groups.yaml': `${group}---\n${resource}` }, withAppConfig, { 'backstage-config/app-config.yaml': appConfig('Group, Location') });
    const check = await runBin(['check', '--base', 'main', '--format', 'json'], widened);
    const found = (JSON.parse(check.stdout).diagnostics as { ruleId: string; severity: string; file: string; message: string }[]).filter(d => d.ruleId === 'config-weakened');
    expect(found.map(d => `${d.file}:${d.severity}`)).toEqual(['backstage-config/app-config.yaml:error']);
    expect(found[0].message).toMatch(/^Compared with the base revision, this app-config's catalog\.rules changes: the gate takes rules from it/);
    expect(check.status).toBe(1);
    // Without the base, the same tree passes: the kind is allowed by the rules it writes.
    expect((await runBin(['check'], widened)).status).toBe(0);
    const retitled = await repoWithPullRequest(withAppConfig, { 'backstage-config/app-config.yaml': appConfig('Group, Location', 'Acme Corp'), 'catalog/groups.yaml': `${group}\n` }, withAppConfig, { 'backstage-config/app-config.yaml': appConfig('Group, Location') });
    const quiet = await runBin(['check', '--base', 'main', '--format', 'json'], retitled);
    expect(quiet.stdout).not.toContain('config-weakened');
    expect(quiet.status).toBe(0);
  });

  // Red team, round 16: app-config rule settings were compared as written, so a setting kept in a file the
  // app-config `$include`s (as config-loader resolves it when the backend starts) changed without a word.
  it('a file an app-config $includes for its rule settings, changed beside other files, is config-weakened on the app-config', async () => {
    const withAppConfig = BASE_CONFIG.replace('  roots: [catalog/all.yaml]\n', '  roots: [catalog/all.yaml]\n  appConfig: backstage-config/app-config.yaml\n');
    const appConfig = 'app:\n  title: Acme\ncatalog:\n  rules:\n    - allow: [Group, Location]\ntechdocs:\n  generator:\n    $include: techdocs-generator.yaml\n';
    const generator = (runIn: string) => `runIn: ${runIn}\n`;
    const base = { 'backstage-config/app-config.yaml': appConfig, 'backstage-config/techdocs-generator.yaml': generator('local') };
    const changed = await repoWithPullRequest(withAppConfig, { 'backstage-config/techdocs-generator.yaml': generator('docker'), 'catalog/groups.yaml': `${group}\n` }, withAppConfig, base);
    const check = await runBin(['check', '--base', 'main', '--format', 'json'], changed);
    const found = (JSON.parse(check.stdout).diagnostics as { ruleId: string; severity: string; file: string; message: string }[]).filter(d => d.ruleId === 'config-weakened');
    expect(found.map(d => `${d.file}:${d.severity}`)).toEqual(['backstage-config/app-config.yaml:error']);
    expect(found[0].message).toMatch(/^Compared with the base revision, this app-config's techdocs\.generator changes/);
    expect(check.status).toBe(1);
    // The included file alone is the platform team's decision: a warning.
    const alone = await repoWithPullRequest(withAppConfig, { 'backstage-config/techdocs-generator.yaml': generator('docker') }, withAppConfig, base);
    const aloneCheck = await runBin(['check', '--base', 'main', '--format', 'json'], alone);
    expect((JSON.parse(aloneCheck.stdout).diagnostics as { ruleId: string; severity: string }[]).filter(d => d.ruleId === 'config-weakened').map(d => d.severity)).toEqual(['warning']);
    expect(aloneCheck.status).toBe(0);
  });

  // Red team, round 15: backstageConfig.plugins was named only for plugins dropped; a plugin added makes its
  // scaffolder actions known as if the managed Backstage ran it, so a template using them passed.
  it('a plugin added to backstageConfig.plugins beside a template using its actions is config-weakened', async () => {
    const withPlugins = (plugins: string) => BASE_CONFIG.replace('  roots: [catalog/all.yaml]\n', '  roots: [catalog/all.yaml, templates/svc/template.yaml]\n') + `backstageConfig:\n  files: [backstage-config/app-config.yaml]\n  plugins: [${plugins}]\n`;
    const template = "apiVersion: scaffolder.backstage.io/v1beta3\nkind: Template\nmetadata:\n  name: svc\n  title: Service\nspec:\n  owner: group:team-a\n  type: service\n  parameters:\n    - title: Repo\n      required: [repoUrl]\n      properties:\n        repoUrl:\n          type: string\n          ui:field: RepoUrlPicker\n  steps:\n    - id: publish\n      name: Publish\n      action: publish:github\n      input:\n        repoUrl: ${{ parameters.repoUrl }}\n";
    const appConfig = 'app:\n  baseUrl: https://backstage.acme.example\n';
    const root = await repoWithPullRequest(withPlugins("'@backstage/plugin-scaffolder-backend', '@backstage/plugin-scaffolder-backend-module-github'"), { 'templates/svc/template.yaml': template }, withPlugins("'@backstage/plugin-scaffolder-backend'"), { 'backstage-config/app-config.yaml': appConfig, 'templates/svc/template.yaml': template.replace('publish:github', 'debug:log').replace('        repoUrl: ${{ parameters.repoUrl }}\n', '        message: hi\n') });
    const check = await runBin(['check', '--base', 'main', '--format', 'json'], root);
    const diagnostics = JSON.parse(check.stdout).diagnostics as { ruleId: string; severity: string; message: string }[];
    // Under its own config the template passes: the action is known.
    expect(diagnostics.filter(d => d.ruleId.startsWith('template-'))).toEqual([]);
    const weakened = diagnostics.filter(d => d.ruleId === 'config-weakened');
    expect(weakened.map(d => `${d.severity} ${d.message.replace(/\. This pull request.*$/, '')}`)).toEqual(['error Compared with the base revision, backstageConfig.plugins gains ["@backstage/plugin-scaffolder-backend-module-github"]']);
    expect(check.status).toBe(1);
  });

  it('a root Location added with its files is no weakening; a root dropped is', async () => {
    const team = group.replace(/team-a/g, 'team-b');
    const twoRoots = "catalog:\n  roots: [catalog/all.yaml, teams/all.yaml]\ncodeowners:\n  platformTeam: '@acme/platform'\n";
    const teamsLocation = location.replace('name: root', 'name: teams');
    const weakened = async (root: string) => (JSON.parse((await runBin(['check', '--base', 'main', '--format', 'json'], root)).stdout).diagnostics as { ruleId: string; message: string }[]).filter(d => d.ruleId === 'config-weakened').map(d => d.message);
    const added = await repoWithPullRequest(twoRoots, { 'teams/all.yaml': teamsLocation, 'teams/groups.yaml': team });
    expect(await weakened(added)).toEqual([]);
    const dropped = await repoWithPullRequest(BASE_CONFIG, { 'catalog/groups.yaml': `${group}\n` }, twoRoots, { 'teams/all.yaml': teamsLocation, 'teams/groups.yaml': team });
    const found = await weakened(dropped);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(/catalog\.roots no longer lists .*teams\/all\.yaml/);
  });
});
