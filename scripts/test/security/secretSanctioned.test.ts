import { describe, expect, it } from 'vitest';
import { pullRequestRepo } from '../helpers/gitRepo.ts';
import { runBin } from './runBin.ts';

// A fake token put together at run time, so that this file holds none (the gate scans its own pull requests).
const TOKEN = ['ghp', 'R8xQ2k9LmNvB4cT7yH1jW6sF3pZ0aE5dK2uG'].join('_');
const HEXED = `\\x67${TOKEN.slice(1)}`;

const location = 'apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata:\n  name: root\nspec:\n  targets: [./team.yaml, ./web.yaml]\n';
const team = 'apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: team-a\nspec:\n  type: team\n  children: []\n';
const component = (name: string, metadata = '') => `apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: ${name}\n${metadata}spec:\n  type: website\n  lifecycle: production\n  owner: group:team-a\n`;

function pullRequest(head: Record<string, string>, config = 'catalog:\n  roots: [catalog/all.yaml]\n'): Promise<string> {
  return pullRequestRepo({ 'gitops.config.yaml': config, 'catalog/all.yaml': location, 'catalog/team.yaml': team, 'catalog/web.yaml': component('web-shop') }, head);
}

type Found = { ruleId: string; severity: string; file: string; message: string; range: { start: { line: number; column: number } } };
const found = (json: string) => (JSON.parse(json) as { diagnostics: Found[] }).diagnostics.filter(d => d.ruleId.startsWith('secret-') || d.ruleId === 'config-rule-locked');
const at = (d: Found) => `${d.ruleId}/${d.severity}@${d.file}:${d.range.start.line}:${d.range.start.column}`;

// Red team: `token ghp_… <!-- secretlint-disable-line -->` in a TechDocs page passed with "ready to merge" and
// no word of the exemption; the HTML comment does not show on the published page, the token does. The author of
// the pull request writes the comment, so each exemption is shown to the reviewers.
describe('a credential on a line a secretlint-disable comment exempts is secret-sanctioned, a warning every output shows', () => {
  const runbook = `# Runbook\n\ntoken ${TOKEN} <!-- secretlint-disable-line -->\n\n<!-- secretlint-disable-next-line -->\n    GITHUB_TOKEN=${TOKEN}\n`;

  it('check --base: a warning at the place (plain, under -next-line, spelled with escapes), exit 0; the token printed nowhere', async () => {
    const web = component('web-shop', `  annotations:\n    acme.com/example: "${HEXED}" # secretlint-disable-line\n`);
    const root = await pullRequest({ 'docs/runbook.md': runbook, 'catalog/web.yaml': web });
    const json = await runBin(['check', '--base', 'main', '--format', 'json'], root);
    expect(found(json.stdout).map(at)).toEqual(['secret-sanctioned/warning@catalog/web.yaml:6:23', 'secret-sanctioned/warning@docs/runbook.md:3:7', 'secret-sanctioned/warning@docs/runbook.md:6:18']);
    expect(found(json.stdout)[1].message).toMatch(/secretlint-disable comment exempts from the gate.*not from Backstage, TechDocs or new repositories/);
    expect(json.status, json.stdout).toBe(0);
    const outputs = await Promise.all([
      runBin(['check', '--base', 'main'], root),
      runBin(['check', '--base', 'main', '--format', 'github'], root),
      runBin(['check', '--base', 'main', '--format', 'azure'], root),
      runBin(['report', '--base', 'main'], root),
    ]);
    for (const output of [json, ...outputs]) {
      expect(`${output.stdout}${output.stderr}`).toContain('secret-sanctioned');
      for (const secret of [TOKEN, TOKEN.slice(4, 16)]) expect(`${output.stdout}${output.stderr}`).not.toContain(secret);
    }
    expect(outputs[1].stdout).toContain('::warning file=docs/runbook.md,line=3,');
    expect(outputs[3].stdout).toContain('<code>docs/runbook.md:3:7</code>');
  }, 120_000);

  // Red team, second round: a fake token the comment exempts hid a real one spelled with escapes on the same line.
  it('each credential on an exempted line is its own warning, and on any line its own finding, however each is spelled', async () => {
    const OTHER = ['ghp', 'Zq7W3e9RtY1uI5oP2aS8dF4gH6jK0lXcVbNm'].join('_');
    const hexed = `\\x67${OTHER.slice(1)}`;
    const web = component('web-shop', `  annotations:\n    acme.com/example: "${TOKEN} ${hexed}" # secretlint-disable-line\n    acme.com/other: "${TOKEN} ${hexed}"\n`);
    const root = await pullRequest({ 'catalog/web.yaml': web });
    const json = await runBin(['check', '--base', 'main', '--format', 'json'], root);
    const second = 24 + TOKEN.length + 1;
    expect(found(json.stdout).map(at)).toEqual([
      'secret-sanctioned/warning@catalog/web.yaml:6:24',
      `secret-sanctioned/warning@catalog/web.yaml:6:${second}`,
      'secret-written/error@catalog/web.yaml:7:22',
      `secret-written/error@catalog/web.yaml:7:${second - 2}`,
    ]);
    expect(json.status).toBe(1);
  }, 120_000);

  it('a token on the same page without the comment is still secret-written, and the config cannot turn the warning off', async () => {
    const root = await pullRequest({ 'docs/runbook.md': `${runbook}\nlive ${TOKEN}\n` }, 'catalog:\n  roots: [catalog/all.yaml]\nrules:\n  secret-sanctioned: off\n');
    const json = await runBin(['check', '--base', 'main', '--format', 'json'], root);
    expect(found(json.stdout).map(at)).toEqual([
      'secret-sanctioned/warning@docs/runbook.md:3:7',
      'secret-sanctioned/warning@docs/runbook.md:6:18',
      'secret-written/error@docs/runbook.md:8:6',
      'config-rule-locked/warning@gitops.config.yaml:1:1',
    ]);
    expect(json.status).toBe(1);
  }, 120_000);
});
