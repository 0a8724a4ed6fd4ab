import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { stringify } from 'yaml';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { git } from '../helpers/gitRepo.ts';
import { runBin } from '../helpers/runBin.ts';
import { tempRepo } from '../helpers/tempRepo.ts';

// A pre-commit hook's `check <changed files>` passed what CI fails when the change made a generated file
// stale: CODEOWNERS and the editor schema are generated from every entity, and the run over given paths ran
// neither (an owner changed, a Group added, CODEOWNERS edited by hand: helper-150, session 29). They are
// judged against the whole catalog when a given file holds an entity or is one of them.
const group = (name: string) => `apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: ${name}\n  annotations:\n    github.com/team-slug: acme/${name}\nspec:\n  type: team\n  children: []\n`;
const component = (name: string, owner: string) => `apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: ${name}\nspec:\n  type: service\n  lifecycle: production\n  owner: ${owner}\n`;
const location = "apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata:\n  name: all\nspec:\n  targets: ['./teams/*.yaml', './services/*/catalog-info.yaml']\n";

interface Finding { ruleId: string; file: string }
const found = (stdout: string) => (JSON.parse(stdout) as { diagnostics: Finding[] }).diagnostics.map(d => `${d.ruleId}@${d.file}`).sort();

describe('check <paths> that make CODEOWNERS or the editor schema stale', () => {
  it('an owner changed, a Group added, CODEOWNERS edited: said as the whole run says it', async () => {
    const root = await tempRepo({
      'gitops.config.yaml': "repoUrl: https://github.com/acme/x/blob/main/\ncatalog:\n  roots: [catalog/all.yaml]\ncodeowners:\n  file: .github/CODEOWNERS\n  platformTeam: '@acme/platform'\neditorSchema:\n  file: schemas/catalog-info.schema.json\n",
      'catalog/all.yaml': location,
      'catalog/teams/team-a.yaml': group('team-a'),
      'catalog/teams/team-b.yaml': group('team-b'),
      'catalog/services/orders/catalog-info.yaml': component('orders', 'team-a'),
      'catalog/services/billing/catalog-info.yaml': component('billing', 'team-b'),
      '.github/workflows/ci.yaml': 'on: push\njobs: {}\n',
    });
    for (const command of [['codeowners', '--write'], ['schema', '--write']]) expect((await runBin(command, root)).status).toBe(0);
    const clean = await runBin(['check', '--format', 'json'], root);
    expect([clean.status, found(clean.stdout)]).toEqual([0, []]);
    const before = (file: string) => readFileSync(join(root, file), 'utf8');
    const committed = { codeowners: before('.github/CODEOWNERS'), orders: before('catalog/services/orders/catalog-info.yaml') };

    // The owner of one service moves to the other team: CODEOWNERS routes its folder to the old team.
    writeFileSync(join(root, 'catalog/services/orders/catalog-info.yaml'), component('orders', 'team-b'));
    const whole = await runBin(['check', '--format', 'json'], root);
    expect(found(whole.stdout)).toEqual(['codeowners-stale@.github/CODEOWNERS']);
    const owner = await runBin(['check', '--format', 'json', 'catalog/services/orders/catalog-info.yaml'], root);
    expect([owner.status, found(owner.stdout)]).toEqual([1, found(whole.stdout)]);
    // Given as its folder, as `check catalog/services` does.
    expect(found((await runBin(['check', '--format', 'json', 'catalog/services'], root)).stdout)).toEqual(found(whole.stdout));
    writeFileSync(join(root, 'catalog/services/orders/catalog-info.yaml'), committed.orders);

    // A new Group: the editor schema lists the catalog's groups.
    writeFileSync(join(root, 'catalog/teams/team-c.yaml'), group('team-c'));
    const added = await runBin(['check', '--format', 'json'], root);
    expect(found(added.stdout)).toContain('schema-stale@schemas/catalog-info.schema.json');
    const newGroup = await runBin(['check', '--format', 'json', 'catalog/teams/team-c.yaml'], root);
    expect([newGroup.status, found(newGroup.stdout)]).toEqual([1, found(added.stdout)]);
    for (const command of [['codeowners', '--write'], ['schema', '--write']]) expect((await runBin(command, root)).status).toBe(0);
    committed.codeowners = before('.github/CODEOWNERS');

    // CODEOWNERS edited by hand and given itself: judged, no longer "judged only by the whole run".
    writeFileSync(join(root, '.github/CODEOWNERS'), `${committed.codeowners}/catalog/ @acme/team-a\n`);
    const edited = await runBin(['check', '--format', 'json', '.github/CODEOWNERS'], root);
    expect([edited.status, found(edited.stdout)]).toEqual([1, ['codeowners-stale@.github/CODEOWNERS']]);
    writeFileSync(join(root, '.github/CODEOWNERS'), committed.codeowners);

    // Given as the folder that holds it (`check .github`).
    writeFileSync(join(root, '.github/CODEOWNERS'), `${committed.codeowners}/catalog/ @acme/team-a\n`);
    expect(found((await runBin(['check', '--format', 'json', '.github'], root)).stdout)).toEqual(['codeowners-stale@.github/CODEOWNERS']);
    writeFileSync(join(root, '.github/CODEOWNERS'), committed.codeowners);

    // A Group's file emptied (the team retired): it holds no entity any more, and what CODEOWNERS and the schema said of it is stale.
    git(root, 'init', '-q', '-b', 'main');
    git(root, 'add', '-A');
    git(root, 'commit', '-qm', 'base');
    writeFileSync(join(root, 'catalog/teams/team-c.yaml'), '# retired\n');
    const emptiedWhole = await runBin(['check', '--format', 'json'], root);
    expect(found(emptiedWhole.stdout)).toEqual(['codeowners-stale@.github/CODEOWNERS', 'schema-stale@schemas/catalog-info.schema.json']);
    const emptied = await runBin(['check', '--format', 'json', 'catalog/teams/team-c.yaml'], root);
    expect([emptied.status, found(emptied.stdout)]).toEqual([1, found(emptiedWhole.stdout)]);
    git(root, 'checkout', '-q', '--', 'catalog/teams/team-c.yaml');

    // A change that leaves both as generated passes, as the whole run does.
    writeFileSync(join(root, 'catalog/services/orders/catalog-info.yaml'), committed.orders.replace('type: service', 'type: website'));
    const unrelated = await runBin(['check', '--format', 'json', 'catalog/services/orders/catalog-info.yaml'], root);
    expect([unrelated.status, found(unrelated.stdout)]).toEqual([0, []]);
  }, 120_000);

  it('an exempted entity renamed or its file deleted: the exemption names an entity not in the catalog', async () => {
    const header = { apiVersion: 'scorecards.acme.example/v1alpha1' };
    const root = await tempRepo({
      'gitops.config.yaml': 'repoUrl: https://github.com/acme/x/blob/main/\ncatalog:\n  roots: [catalog/all.yaml]\n',
      'catalog/all.yaml': location,
      'catalog/teams/team-a.yaml': group('team-a'),
      'catalog/services/orders/catalog-info.yaml': component('orders', 'team-a'),
      'scorecards/config.yaml': stringify({ ...header, kind: 'ScorecardConfig', target: { techInsightsBackend: '3.1.0', jsonfc: '0.10.0', features: { checkFilter: true, operatorDecorators: true, factRetrieverIdParam: true } }, levels: [{ id: 'bronze', name: 'Bronze', rank: 1 }], maxExemptionDays: 180, output: 'backstage-config/ti.yaml' }),
      'scorecards/facts/meta.yaml': stringify({ ...header, kind: 'FactRetriever', id: 'meta', version: '1.0.0', builtin: false, provider: 'live', schema: { hasTags: { type: 'boolean', description: 'tags' } } }),
      'scorecards/checks/has-tags.yaml': stringify({ ...header, kind: 'Check', id: 'hasTags', name: 'Has tags', description: 'd', level: 'bronze', category: 'X', solution: 'Fix it.', enforcement: { mode: 'report' }, factIds: ['meta'], tests: [{ name: 't', facts: { meta: { hasTags: true } }, expect: 'pass' }], rule: { conditions: { all: [{ fact: 'hasTags', operator: 'equal', value: true }] } } }),
      'scorecards/exemptions/orders.yaml': stringify({ ...header, kind: 'Exemption', id: 'orders-tags', entityRef: 'component:default/orders', checks: ['hasTags'], reason: 'Being retired.', requestedBy: 'user:default/jane', approvedBy: 'group:default/team-a', ticket: 'X-1', created: '2026-11-01', expires: '2027-01-31' }),
    });
    const today = ['--today', '2026-11-23'];
    expect((await runBin(['scorecards', '--write-config', ...today], root)).status).toBe(0);
    const clean = await runBin(['check', '--format', 'json', ...today], root);
    expect([clean.status, found(clean.stdout)]).toEqual([0, []]);
    const orders = join(root, 'catalog/services/orders/catalog-info.yaml');
    const text = readFileSync(orders, 'utf8');
    const exemption = 'scorecard-exemption-unknown@scorecards/exemptions/orders.yaml';

    writeFileSync(orders, component('orders-svc', 'team-a'));
    const whole = await runBin(['check', '--format', 'json', ...today], root);
    expect(found(whole.stdout)).toEqual([exemption]);
    const renamed = await runBin(['check', '--format', 'json', ...today, 'catalog/services/orders/catalog-info.yaml'], root);
    expect([renamed.status, found(renamed.stdout)]).toEqual([1, [exemption]]);

    // The file deleted (`git rm`, given by its path as `git diff --cached --name-only` lists it).
    writeFileSync(orders, text);
    git(root, 'init', '-q', '-b', 'main');
    git(root, 'add', '-A');
    git(root, 'commit', '-qm', 'base');
    git(root, 'rm', '-q', 'catalog/services/orders/catalog-info.yaml');
    expect(found((await runBin(['check', '--format', 'json', ...today], root)).stdout)).toContain(exemption);
    const deleted = await runBin(['check', '--format', 'json', ...today, 'catalog/services/orders/catalog-info.yaml'], root);
    expect(found(deleted.stdout)).toContain(exemption);
  }, 120_000);

  it('without roots (discovery), the editor schema is judged by check as schema --check judges it, also over paths', async () => {
    const root = await tempRepo({
      'gitops.config.yaml': 'repoUrl: https://github.com/acme/x/blob/main/\neditorSchema:\n  file: schemas/catalog-info.schema.json\n',
      'catalog/teams/team-a.yaml': group('team-a'),
      'catalog/services/orders/catalog-info.yaml': component('orders', 'team-a'),
    });
    expect((await runBin(['schema', '--write'], root)).status).toBe(0);
    expect(found((await runBin(['check', '--format', 'json'], root)).stdout)).toEqual([]);
    writeFileSync(join(root, 'catalog/teams/team-b.yaml'), group('team-b'));
    expect((await runBin(['schema', '--check'], root)).status).toBe(1);
    const whole = await runBin(['check', '--format', 'json'], root);
    expect([whole.status, found(whole.stdout)]).toEqual([1, ['schema-stale@schemas/catalog-info.schema.json']]);
    const given = await runBin(['check', '--format', 'json', 'catalog/teams/team-b.yaml'], root);
    expect([given.status, found(given.stdout)]).toEqual([1, found(whole.stdout)]);
  }, 120_000);

  it('a CODEOWNERS that GitHub reads instead of the generated one, given: said as the whole run says it', async () => {
    const root = await tempRepo({
      'gitops.config.yaml': "repoUrl: https://github.com/acme/x/blob/main/\ncatalog:\n  roots: [catalog/all.yaml]\ncodeowners:\n  file: CODEOWNERS\n  platformTeam: '@acme/platform'\n",
      'catalog/all.yaml': location,
      'catalog/teams/team-a.yaml': group('team-a'),
      'catalog/services/orders/catalog-info.yaml': component('orders', 'team-a'),
    });
    expect((await runBin(['codeowners', '--write'], root)).status).toBe(0);
    expect((await runBin(['check', '--format', 'json'], root)).status).toBe(0);
    mkdirSync(join(root, '.github'));
    writeFileSync(join(root, '.github/CODEOWNERS'), readFileSync(join(root, 'CODEOWNERS')));
    const whole = await runBin(['check', '--format', 'json'], root);
    expect([whole.status, found(whole.stdout)]).toEqual([1, ['codeowners-stale@.github/CODEOWNERS']]);
    const given = await runBin(['check', '--format', 'json', '.github/CODEOWNERS'], root);
    expect([given.status, found(given.stdout)]).toEqual([1, found(whole.stdout)]);
  }, 120_000);

  it("what the CODEOWNERS gate says of a given entity file: an owner group without a GitHub team", async () => {
    const root = await tempRepo({
      'gitops.config.yaml': "repoUrl: https://github.com/acme/x/blob/main/\nrules:\n  codeowners-team-unknown: error\ncatalog:\n  roots: [catalog/all.yaml]\ncodeowners:\n  file: .github/CODEOWNERS\n  platformTeam: '@acme/platform'\n",
      'catalog/all.yaml': location,
      'catalog/teams/team-a.yaml': group('team-a'),
      'catalog/teams/noslug.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: noslug\nspec:\n  type: team\n  children: []\n',
      'catalog/services/orders/catalog-info.yaml': component('orders', 'team-a'),
    });
    expect((await runBin(['codeowners', '--write'], root)).status).toBe(0);
    writeFileSync(join(root, 'catalog/services/orders/catalog-info.yaml'), component('orders', 'noslug'));
    expect((await runBin(['codeowners', '--write'], root)).status).toBe(0);
    const whole = await runBin(['check', '--format', 'json'], root);
    expect([whole.status, found(whole.stdout)]).toEqual([1, ['codeowners-team-unknown@catalog/services/orders/catalog-info.yaml']]);
    const given = await runBin(['check', '--format', 'json', 'catalog/services/orders/catalog-info.yaml'], root);
    expect([given.status, found(given.stdout)]).toEqual([1, found(whole.stdout)]);
  }, 120_000);

  it('the whole-catalog judgement of a paths run takes the paths run\'s parses: the same findings as without them', async () => {
    // A paths run over an entity file with CODEOWNERS configured loads the catalog twice; the second load takes
    // the first's parses and entity findings (kept in memory). Placeholders, a file of two documents and an
    // entity with a finding of its own are in both; a description edit leaves CODEOWNERS and the schema as
    // they are, an owner change makes CODEOWNERS stale: said alike with the parses kept, and with --cache
    // (whose first run parses the catalog twice).
    const root = await tempRepo({
      'gitops.config.yaml': "repoUrl: https://github.com/acme/x/blob/main/\ncatalog:\n  roots: [catalog/all.yaml]\ncodeowners:\n  file: .github/CODEOWNERS\n  platformTeam: '@acme/platform'\neditorSchema:\n  file: schemas/catalog-info.schema.json\n",
      'catalog/all.yaml': location,
      'catalog/teams/team-a.yaml': group('team-a'),
      'catalog/teams/team-b.yaml': group('team-b'),
      'catalog/services/orders/catalog-info.yaml': component('orders', 'team-a').replace('  name: orders\n', '  name: orders\n  description:\n    $text: ./README.md\n'),
      'catalog/services/orders/README.md': 'Orders: takes and tracks orders.\n',
      'catalog/services/billing/catalog-info.yaml': `${component('billing', 'team-b')}---\napiVersion: backstage.io/v1alpha1\nkind: API\nmetadata:\n  name: billing-api\nspec:\n  type: openapi\n  lifecycle: production\n  owner: team-b\n  definition: |\n    openapi: 3.0.0\n    info: { title: Billing, version: 1.0.0 }\n    paths: {}\n`,
      'catalog/services/legacy/catalog-info.yaml': component('legacy', 'team-a').replace('  name: legacy\n', '  name: legacy\n  tags: [Legacy]\n'),
    });
    for (const command of [['codeowners', '--write'], ['schema', '--write']]) expect((await runBin(command, root)).status).toBe(0);
    const wholeRun = found((await runBin(['check', '--format', 'json'], root)).stdout);
    expect(wholeRun.length).toBeGreaterThan(0);
    expect(wholeRun.every(f => f.endsWith('@catalog/services/legacy/catalog-info.yaml'))).toBe(true);
    const diagnostics = (stdout: string) => JSON.stringify((JSON.parse(stdout) as { diagnostics: unknown[] }).diagnostics);
    const billing = 'catalog/services/billing/catalog-info.yaml';
    const orders = 'catalog/services/orders/catalog-info.yaml';
    const committed = readFileSync(join(root, orders), 'utf8');
    for (const [edit, expected] of [[committed.replace('lifecycle: production', 'lifecycle: experimental'), []], [committed.replace('owner: team-a', 'owner: team-b'), ['codeowners-stale@.github/CODEOWNERS']]] as const) {
      writeFileSync(join(root, orders), edit);
      const kept = await runBin(['check', '--format', 'json', orders, billing], root);
      expect(found(kept.stdout)).toEqual(expected);
      const cached = await runBin(['check', '--format', 'json', '--cache', '.cache/check.json', orders, billing], root);
      expect(diagnostics(cached.stdout)).toEqual(diagnostics(kept.stdout));
      expect(cached.status).toBe(kept.status);
    }
  }, 120_000);
});
