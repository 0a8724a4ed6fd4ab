import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runBin } from '../helpers/runBin.ts';
import { tempRepo } from '../helpers/tempRepo.ts';

// Putting a three-year-old catalog under the gate: its existing findings are recorded once (a baseline),
// so the gate can fail pull requests on new findings from the first day while teams fix the old ones.
const git = (root: string, ...args: string[]) => execFileSync('git', ['-C', root, '-c', 'user.email=ci@example.test', '-c', 'user.name=ci', ...args], { encoding: 'utf8' });
const CONFIG = 'catalog:\n  roots: [catalog/all.yaml]\n';
const WITH_BASELINE = `${CONFIG}baseline: .backstage-gitops-baseline.json\n`;
const ROOT = 'apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata: {name: root}\nspec:\n  targets: [./org.yaml, ./svc-a.yaml, ./svc-b.yaml]\n';
const ORG = 'apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata: {name: team-a}\nspec: {type: team, children: []}\n';
const component = (name: string, owner: string, tags = '[java]') => `apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: ${name}\n  tags: ${tags}\nspec:\n  type: service\n  lifecycle: production\n  owner: ${owner}\n`;

interface Finding { ruleId: string; severity: string; file: string; hint?: string }
const parse = (stdout: string) => (JSON.parse(stdout) as { diagnostics: Finding[] }).diagnostics;

describe('a baseline of the findings an existing catalog has (baseline: in gitops.config.yaml)', () => {
  const roots: string[] = [];
  afterEach(async () => { await Promise.all(roots.splice(0).map(r => rm(r, { recursive: true, force: true }))); });
  async function legacy(config: string) {
    const root = await tempRepo({
      'gitops.config.yaml': config,
      'catalog/all.yaml': ROOT,
      'catalog/org.yaml': ORG,
      // Two legacy mistakes: an owner nobody defines and tags Backstage refuses.
      'catalog/svc-a.yaml': component('svc-a', 'team-gone', '[Java, Spring Boot]'),
      'catalog/svc-b.yaml': component('svc-b', 'team-a'),
    });
    roots.push(root);
    return root;
  }

  it('--write-baseline records the failing findings; check then passes with them as info, and a new one fails', async () => {
    const root = await legacy(WITH_BASELINE);
    const missing = await runBin(['check'], root);
    expect(missing.status).toBe(2);
    expect(missing.stderr.trim().split('\n')).toHaveLength(1);
    expect(missing.stderr).toContain('names the baseline .backstage-gitops-baseline.json, which does not exist: run `npx backstage-gitops check --write-baseline`');

    const written = await runBin(['check', '--write-baseline', '--format', 'json'], root);
    expect(written.stderr).toBe('backstage-gitops check: wrote .backstage-gitops-baseline.json: 3 finding(s) in 1 file(s) are info up to their counts from now on.\n');
    expect(written.status).toBe(0);
    const baseline = JSON.parse(readFileSync(join(root, '.backstage-gitops-baseline.json'), 'utf8'));
    expect(baseline.findings).toEqual({ 'catalog/svc-a.yaml': { 'entity-field-format': 2, 'ref-unresolved': 1 } });
    expect(parse(written.stdout).map(d => `${d.severity} ${d.ruleId}`).sort()).toEqual(['info entity-field-format', 'info entity-field-format', 'info ref-unresolved']);
    expect(parse(written.stdout).find(d => d.ruleId === 'ref-unresolved')?.hint).toMatch(/^Known when the catalog was put under the gate \(\.backstage-gitops-baseline\.json: 1 ref-unresolved in this file\)\. /);

    expect((await runBin(['check'], root)).status).toBe(0);
    // A new finding of a known rule in a known file: past the count, every one of them fails again.
    writeFileSync(join(root, 'catalog/svc-a.yaml'), component('svc-a', 'team-gone', '[Java, Spring Boot, Kotlin]'));
    const more = await runBin(['check', '--format', 'json'], root);
    expect(more.status).toBe(1);
    const format = parse(more.stdout).filter(d => d.ruleId === 'entity-field-format');
    expect(format.map(d => d.severity)).toEqual(['error', 'error', 'error']);
    expect(format[0].hint).toMatch(/^\.backstage-gitops-baseline\.json allows 2 entity-field-format in this file, which now has 3: fix the new one \(or any 1 of them\)\. /);
    // A new finding in another file fails as it always did.
    writeFileSync(join(root, 'catalog/svc-a.yaml'), component('svc-a', 'team-gone', '[Java, Spring Boot]'));
    writeFileSync(join(root, 'catalog/svc-b.yaml'), component('svc-b', 'team-b'));
    const other = await runBin(['check', '--format', 'json'], root);
    expect(other.status).toBe(1);
    expect(parse(other.stdout).filter(d => d.severity === 'error').map(d => `${d.file} ${d.ruleId}`)).toEqual(['catalog/svc-b.yaml ref-unresolved']);
  }, 120_000);

  it('--write-baseline without baseline: in the config, or with paths, is one line and exit 2; a file that is not a baseline is refused', async () => {
    const root = await legacy(CONFIG);
    const noKey = await runBin(['check', '--write-baseline'], root);
    expect(noKey.status).toBe(2);
    expect(noKey.stderr).toBe('backstage-gitops check: --write-baseline writes the file named by baseline: in gitops.config.yaml; add a line such as `baseline: .backstage-gitops-baseline.json` there, then run it again.\n');
    writeFileSync(join(root, 'gitops.config.yaml'), WITH_BASELINE);
    const paths = await runBin(['check', '--write-baseline', 'catalog/svc-a.yaml'], root);
    expect(paths.status).toBe(2);
    expect(paths.stderr.trim().split('\n')).toHaveLength(1);
    writeFileSync(join(root, '.backstage-gitops-baseline.json'), '{"findings": {"catalog/svc-a.yaml": {"ref-unresolved": 99}}}');
    const forged = await runBin(['check'], root);
    expect(forged.status).toBe(2);
    expect(forged.stderr).toMatch(/^backstage-gitops check: the baseline \.backstage-gitops-baseline\.json is not a file `check --write-baseline` wrote/);
  }, 120_000);

  it('locked rules are never baselined: they keep failing and the write says so', async () => {
    const root = await legacy(WITH_BASELINE);
    writeFileSync(join(root, 'catalog/svc-b.yaml'), `${component('svc-b', 'team-a')}---\napiVersion: backstage.io/v1alpha1\nkind: API\nmetadata: {name: b-api}\nspec:\n  type: openapi\n  lifecycle: production\n  owner: team-a\n  definition:\n    $text: ../../outside.yaml\n`);
    const written = await runBin(['check', '--write-baseline', '--format', 'json'], root);
    expect(written.status).toBe(1);
    expect(written.stderr).toMatch(/1 finding\(s\) of locked rules \(security, review routing, budgets\) cannot be baselined and still fail: fix them\.\n$/);
    expect(parse(written.stdout).filter(d => d.severity === 'error').map(d => d.ruleId)).toEqual(['placeholder-outside-repo']);
  }, 120_000);

  it('no team can own the baseline through CODEOWNERS, even when it lies in the team\'s folder', async () => {
    const root = await tempRepo({
      'gitops.config.yaml': "catalog:\n  roots: [catalog/all.yaml]\nbaseline: catalog/team-a/baseline.json\ncodeowners:\n  platformTeam: '@acme/platform'\n",
      'catalog/all.yaml': ROOT.replace('./svc-a.yaml, ./svc-b.yaml', './team-a/system.yaml'),
      'catalog/org.yaml': ORG.replace('metadata: {name: team-a}', 'metadata:\n  name: team-a\n  annotations: {github.com/team-slug: acme/team-a}'),
      // The team's own entity names the baseline as its description: a claim CODEOWNERS would otherwise grant.
      'catalog/team-a/system.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: System\nmetadata:\n  name: sys-a\n  description:\n    $text: ./baseline.json\nspec: {owner: team-a}\n',
    });
    roots.push(root);
    expect((await runBin(['check', '--write-baseline'], root)).status).toBe(1);
    expect((await runBin(['codeowners', '--write'], root)).status).toBe(0);
    expect(readFileSync(join(root, '.github/CODEOWNERS'), 'utf8')).not.toMatch(/baseline\.json\s+@acme\/team-a/);
    const found = parse((await runBin(['check', '--format', 'json'], root)).stdout).filter(d => d.ruleId === 'codeowners-platform-path');
    expect(found.map(d => d.file)).toEqual(['catalog/team-a/system.yaml']);
  }, 120_000);

  it('a pull request that grows the baseline beside other changes is config-weakened (an error): it would pass its own new finding', async () => {
    const root = await legacy(WITH_BASELINE);
    expect((await runBin(['check', '--write-baseline'], root)).status).toBe(0);
    git(root, 'init', '-q', '-b', 'main');
    git(root, 'add', '-A');
    git(root, 'commit', '-qm', 'base');
    git(root, 'checkout', '-qb', 'pr');
    writeFileSync(join(root, 'catalog/svc-b.yaml'), component('svc-b', 'team-b'));
    expect((await runBin(['check', '--write-baseline'], root)).status).toBe(0);
    git(root, 'commit', '-qam', 'sneak');
    const gate = await runBin(['check', '--base', 'main', '--format', 'json'], root);
    expect(gate.status).toBe(1);
    const weakened = parse(gate.stdout).filter(d => d.ruleId === 'config-weakened');
    expect(weakened.map(d => `${d.severity} ${d.file}`)).toEqual(['error .backstage-gitops-baseline.json']);
  }, 120_000);

  // Red team, round 18: the counts cannot tell a finding a pull request swaps in (one unknown owner for
  // another) or adds into the room fixed findings left (nobody shrinks the file on every fix) from a known
  // one: both passed `check --base` untouched by config-weakened, titled "Known when the catalog was put
  // under the gate". Against a base, only findings the base's own run has are lowered.
  it('against a base, a finding the pull request swaps in or adds within the counts still fails; the known ones stay info', async () => {
    const root = await legacy(WITH_BASELINE);
    expect((await runBin(['check', '--write-baseline'], root)).status).toBe(0);
    git(root, 'init', '-q', '-b', 'main');
    git(root, 'add', '-A');
    git(root, 'commit', '-qm', 'base');
    git(root, 'checkout', '-qb', 'pr');
    // One unknown owner for another; one of the two refused tags fixed and a new one in its place.
    writeFileSync(join(root, 'catalog/svc-a.yaml'), component('svc-a', 'team-evil', '[Java, spring-boot, Kotlin Lang]'));
    git(root, 'commit', '-qam', 'swap');
    const swap = await runBin(['check', '--base', 'main', '--format', 'json'], root);
    expect(swap.status).toBe(1);
    const found = parse(swap.stdout).filter(d => d.file === 'catalog/svc-a.yaml');
    expect(found.map(d => `${d.severity} ${d.ruleId}`).sort()).toEqual(['error entity-field-format', 'error ref-unresolved', 'info entity-field-format']);
    expect(found.find(d => d.ruleId === 'ref-unresolved')?.hint).toMatch(/^\.backstage-gitops-baseline\.json counts 1 ref-unresolved in this file, but main does not have this one: it is this change's\. /);
    // The base as it was: its own findings are still known.
    writeFileSync(join(root, 'catalog/svc-a.yaml'), component('svc-a', 'team-gone', '[Java, Spring Boot]'));
    git(root, 'commit', '-qam', 'back');
    const same = await runBin(['check', '--base', 'main', '--format', 'json'], root);
    expect(parse(same.stdout).filter(d => d.file === 'catalog/svc-a.yaml').map(d => d.severity)).toEqual(['info', 'info', 'info']);
    expect(same.status).toBe(0);
  }, 120_000);

  // Red team, round 18: the base's messages were rewritten for renamed files by substring, so renaming a
  // file `default/team-gone` to `default/team-evil` made the base's "group:default/team-gone" finding read as
  // the pull request's new "group:default/team-evil" one: listed as already on main, and baselined.
  it('against a base, renaming a file whose path is part of a base finding\'s message does not make a new finding look known', async () => {
    const root = await legacy(WITH_BASELINE);
    mkdirSync(join(root, 'default'));
    writeFileSync(join(root, 'default/team-gone'), 'notes about the old team\n');
    expect((await runBin(['check', '--write-baseline'], root)).status).toBe(0);
    git(root, 'init', '-q', '-b', 'main');
    git(root, 'add', '-A');
    git(root, 'commit', '-qm', 'base');
    git(root, 'checkout', '-qb', 'pr');
    git(root, 'mv', 'default/team-gone', 'default/team-evil');
    writeFileSync(join(root, 'catalog/svc-a.yaml'), component('svc-a', 'team-evil', '[Java, Spring Boot]'));
    git(root, 'commit', '-qam', 'rename');
    const gate = await runBin(['check', '--base', 'main', '--format', 'json'], root);
    const owner = (JSON.parse(gate.stdout) as { diagnostics: (Finding & { alreadyOnBase?: boolean })[] }).diagnostics.find(d => d.ruleId === 'ref-unresolved');
    expect(owner?.severity).toBe('error');
    expect(owner?.alreadyOnBase).toBeUndefined();
    expect(gate.status).toBe(1);
  }, 120_000);

  it('check/report --base: a known finding that fails only because the pull request added one more of its rule is the change\'s, not "already on main"', async () => {
    const root = await legacy(WITH_BASELINE);
    expect((await runBin(['check', '--write-baseline'], root)).status).toBe(0);
    git(root, 'init', '-q', '-b', 'main');
    git(root, 'add', '-A');
    git(root, 'commit', '-qm', 'base');
    git(root, 'checkout', '-qb', 'pr');
    // A third bad tag, past the baseline's 2: against main, the new one is the change's and fails; the two
    // main has stay known (the change's own finding takes no room in the counts). Offline, all three fail.
    writeFileSync(join(root, 'catalog/svc-a.yaml'), component('svc-a', 'team-gone', '[Java, Spring Boot, Kafka]'));
    git(root, 'commit', '-qam', 'kafka');
    const gate = await runBin(['check', '--base', 'main', '--format', 'json'], root);
    expect(gate.status).toBe(1);
    const format = (JSON.parse(gate.stdout) as { diagnostics: (Finding & { alreadyOnBase?: boolean })[] }).diagnostics.filter(d => d.ruleId === 'entity-field-format');
    expect(format.map(d => `${d.severity} ${d.alreadyOnBase ?? false}`)).toEqual(['info true', 'info true', 'error false']);
    expect(parse((await runBin(['check', '--format', 'json'], root)).stdout).filter(d => d.ruleId === 'entity-field-format').map(d => d.severity)).toEqual(['error', 'error', 'error']);
    // The baselined owner that still passes on both sides is main's.
    expect(parse(gate.stdout).filter(d => d.ruleId === 'ref-unresolved').map(d => d.severity)).toEqual(['info']);
    const github = (await runBin(['check', '--base', 'main', '--format', 'github'], root)).stdout;
    expect(github).not.toMatch(/^::error .*\(already on main\)/m);
    // The log's closing line is stylish's: counts in words (1 error, not 1 errors) and the split by the base.
    expect(github).toMatch(/\n✖ 1 error, 0 warnings, 3 info in 4 files \(4 entities\); 3 already on main, 1 introduced by this change\n$/);
    const azure = (await runBin(['check', '--format', 'azure'], root)).stdout;
    expect(azure).toMatch(/\]3 errors, 0 warnings in 4 files \(4 entities\)\n$/);
    writeFileSync(join(root, 'catalog/svc-a.yaml'), component('svc-a', 'team-gone', '[Java, Spring Boot, kafka]'));
    writeFileSync(join(root, 'catalog/svc-b.yaml'), component('svc-b', 'team-b'));
    expect((await runBin(['check', '--format', 'markdown'], root)).stdout).toContain('\n1 error · 0 warnings · 3 info · ');
    expect((await runBin(['check', '--format', 'azure'], root)).stdout).toMatch(/\]1 error, 0 warnings in /);
    git(root, 'checkout', '--', '.');
    const report = await runBin(['report', '--base', 'main'], root);
    expect(report.status).toBe(1);
    expect(report.stdout).toContain('## ❌ Backstage catalog: changes needed');
    expect(report.stdout).not.toContain('fail the gate until fixed on');
    const introduced = report.stdout.slice(report.stdout.indexOf('#### Introduced by this pull request'), report.stdout.indexOf('#### Already on'));
    expect(introduced).toContain('1 finding in 1 group');
    expect(introduced).toContain('found &quot;Kafka&quot;');
  }, 120_000);

  it('a pull request that moves a file with known findings: the hint says the counts stayed under the old path, and a rewritten baseline that only follows the move passes (not config-weakened)', async () => {
    const root = await legacy(WITH_BASELINE);
    expect((await runBin(['check', '--write-baseline'], root)).status).toBe(0);
    git(root, 'init', '-q', '-b', 'main');
    git(root, 'add', '-A');
    git(root, 'commit', '-qm', 'base');
    git(root, 'checkout', '-qb', 'pr');
    git(root, 'mv', 'catalog/svc-a.yaml', 'catalog/svc-a-moved.yaml');
    writeFileSync(join(root, 'catalog/all.yaml'), ROOT.replace('./svc-a.yaml', './svc-a-moved.yaml'));
    git(root, 'commit', '-qam', 'move');
    const moved = await runBin(['check', '--base', 'main', '--format', 'json'], root);
    expect(moved.status).toBe(1);
    const failing = parse(moved.stdout).filter(d => d.severity === 'error');
    expect(failing.map(d => d.ruleId).sort()).toEqual(['entity-field-format', 'entity-field-format', 'ref-unresolved']);
    expect(failing.find(d => d.ruleId === 'ref-unresolved')?.hint).toMatch(/^Known as 1 ref-unresolved of catalog\/svc-a\.yaml in \.backstage-gitops-baseline\.json, which counts by path: this pull request moves that file here, so run `npx backstage-gitops check --write-baseline` and commit the baseline with the move\. /);
    // Done as the hint says: the baseline follows the move and shrinks nothing else, so the pull request passes.
    expect((await runBin(['check', '--write-baseline'], root)).status).toBe(0);
    git(root, 'commit', '-qam', 'baseline follows the move');
    const followed = await runBin(['check', '--base', 'main', '--format', 'json'], root);
    expect(parse(followed.stdout).filter(d => d.severity !== 'info').map(d => `${d.ruleId} ${d.file}`)).toEqual([]);
    expect(followed.status).toBe(0);
    // A new finding in the moved file is still one more than the baseline carried: written into it, it is
    // config-weakened, and the finding itself still fails (main does not have it: the baseline lowers only main's).
    writeFileSync(join(root, 'catalog/svc-a-moved.yaml'), component('svc-a', 'team-gone', '[Java, Spring Boot, Kafka]'));
    expect((await runBin(['check', '--write-baseline'], root)).status).toBe(0);
    git(root, 'commit', '-qam', 'grow');
    const grown = await runBin(['check', '--base', 'main', '--format', 'json'], root);
    expect(grown.status).toBe(1);
    expect(parse(grown.stdout).filter(d => d.severity === 'error').map(d => `${d.ruleId} ${d.file}`)).toEqual(['config-weakened .backstage-gitops-baseline.json', 'entity-field-format catalog/svc-a-moved.yaml']);
  }, 120_000);

  it('report --base: when every finding already on main is info on files the pull request does not change, the "Already on" part still says how many, so the verdict\'s count adds up', async () => {
    const root = await legacy(WITH_BASELINE);
    expect((await runBin(['check', '--write-baseline'], root)).status).toBe(0);
    git(root, 'init', '-q', '-b', 'main');
    git(root, 'add', '-A');
    git(root, 'commit', '-qm', 'base');
    git(root, 'checkout', '-qb', 'pr');
    writeFileSync(join(root, 'catalog/svc-b.yaml'), component('svc-b', 'team-a', '[java, kotlin]'));
    git(root, 'commit', '-qam', 'kotlin');
    const report = await runBin(['report', '--base', 'main'], root);
    expect(report.status).toBe(0);
    expect(report.stdout).toContain('- 3 findings are already on <code>main</code>, not introduced by this pull request (listed apart under Findings).');
    const already = report.stdout.indexOf('#### Already on <code>main</code>');
    expect(already).toBeGreaterThan(report.stdout.indexOf('#### Introduced by this pull request'));
    expect(report.stdout.slice(already)).toMatch(/^#### Already on <code>main<\/code>\n\nNot introduced[^\n]*\n\n3 info findings on files this pull request does not change are counted here, not listed; the summary of this run lists them\.\n/);
  }, 120_000);

  // Fresh user: after --write-baseline on a legacy catalog, the stale CODEOWNERS still failed with nothing
  // said but "fix them", and the stale editor schema was written into the baseline, where its count hid
  // every later drift of that file for good. A generated file's staleness is fixed by one command.
  it('--write-baseline never records a generated file being out of date, names the commands that regenerate it, and an older baseline counting one lowers nothing', async () => {
    const root = await legacy(`${WITH_BASELINE}codeowners:\n  file: .github/CODEOWNERS\n  platformTeam: '@acme/platform'\neditorSchema:\n  file: schemas/catalog-info.schema.json\n`);
    mkdirSync(join(root, '.github'));
    writeFileSync(join(root, '.github/CODEOWNERS'), '* @acme/platform\n');
    mkdirSync(join(root, 'schemas'));
    writeFileSync(join(root, 'schemas/catalog-info.schema.json'), '{}\n');
    const written = await runBin(['check', '--write-baseline', '--format', 'json'], root);
    expect(written.stderr).toContain('Generated files are out of date, which a baseline does not hold: run `npx backstage-gitops codeowners --write` and `npx backstage-gitops schema --write`, then commit what they write.');
    const baseline = JSON.parse(readFileSync(join(root, '.backstage-gitops-baseline.json'), 'utf8'));
    expect(baseline.findings).toEqual({ 'catalog/svc-a.yaml': { 'entity-field-format': 2, 'ref-unresolved': 1 } });
    expect(parse(written.stdout).filter(d => d.severity === 'error').map(d => d.ruleId).sort()).toEqual(['codeowners-stale', 'schema-stale']);
    expect(written.status).toBe(1);

    // A baseline an earlier version wrote with the schema's staleness counted: the finding still fails.
    writeFileSync(join(root, '.backstage-gitops-baseline.json'), JSON.stringify({ ...baseline, findings: { ...baseline.findings, 'schemas/catalog-info.schema.json': { 'schema-stale': 1 } } }));
    expect(parse((await runBin(['check', '--format', 'json'], root)).stdout).filter(d => d.severity === 'error').map(d => d.ruleId).sort()).toEqual(['codeowners-stale', 'schema-stale']);

    // Run from elsewhere with --root, the commands it names carry it.
    const elsewhere = await runBin(['check', '--write-baseline', '--root', root], tmpdir());
    expect(elsewhere.stderr).toContain(`run \`npx backstage-gitops codeowners --write --root ${root}\` and \`npx backstage-gitops schema --write --root ${root}\`, then commit`);

    expect((await runBin(['codeowners', '--write'], root)).status).toBe(0);
    expect((await runBin(['schema', '--write'], root)).status).toBe(0);
    expect((await runBin(['check'], root)).status).toBe(0);
  }, 120_000);
});
