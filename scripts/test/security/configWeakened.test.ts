import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempRepo } from '../helpers/tempRepo.ts';
import { runBin } from './runBin.ts';

const git = (root: string, ...args: string[]) => execFileSync('git', ['-C', root, '-c', 'user.email=ci@example.test', '-c', 'user.name=ci', ...args], { encoding: 'utf8' });
const group = "apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: team-a\n  annotations:\n    github.com/team-slug: acme/team-a\nspec:\n  type: team\n  children: []\n";
const location = 'apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata:\n  name: root\nspec:\n  targets: [./groups.yaml]\n';
const BASE_CONFIG = "catalog:\n  roots: [catalog/all.yaml]\ncodeowners:\n  platformTeam: '@acme/platform'\n";

async function repoWithPullRequest(headConfig: string, headFiles: Record<string, string> = {}): Promise<string> {
  const root = await tempRepo({ 'gitops.config.yaml': BASE_CONFIG, 'catalog/all.yaml': location, 'catalog/groups.yaml': group });
  expect((await runBin(['codeowners', '--write'], root)).status).toBe(0);
  git(root, 'init', '-q', '-b', 'main');
  git(root, 'add', '-A');
  git(root, 'commit', '-qm', 'base');
  git(root, 'checkout', '-qb', 'pr');
  writeFileSync(join(root, 'gitops.config.yaml'), headConfig);
  for (const [file, text] of Object.entries(headFiles)) writeFileSync(join(root, file), text);
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
});
