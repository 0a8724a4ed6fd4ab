import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runBin } from '../helpers/runBin.ts';
import { tempRepo } from '../helpers/tempRepo.ts';

// Groups Backstage ingests from elsewhere (catalog.external): the GitHub org provider names each Group
// after its team's slug, so CODEOWNERS can route the team's files to @org/<slug>; a group that names no
// GitHub team leaves its files with the platform team, and the gate says so instead of routing silently.

const component = (name: string, owner: string) => `apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: ${name}\nspec:\n  type: service\n  lifecycle: production\n  owner: ${owner}\n`;
const location = (targets: string[]) => `apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata:\n  name: root\nspec:\n  targets: [${targets.join(', ')}]\n`;

async function repo(reason: string, extra: Record<string, string> = {}) {
  const root = await tempRepo({
    'gitops.config.yaml': `catalog:\n  roots: [catalog/all.yaml]\n  external:\n    - { kind: Group, namespace: default, reason: ${reason} }\n    - { kind: User, namespace: default, reason: ${reason} }\ncodeowners:\n  platformTeam: '@contoso/platform-team'\n`,
    'catalog/all.yaml': location(['./payments/catalog-info.yaml', './search/catalog-info.yaml', ...Object.keys(extra).map(f => `./${f.slice('catalog/'.length)}`)]),
    'catalog/payments/catalog-info.yaml': component('payments-api', 'group:default/payments'),
    'catalog/search/catalog-info.yaml': component('search-api', 'platform-team'),
    ...extra,
  });
  expect((await runBin(['codeowners', '--write'], root)).status).toBe(0);
  const check = await runBin(['check', '--format', 'json'], root);
  const findings = (JSON.parse(check.stdout) as { diagnostics: { ruleId: string; severity: string; file: string; message: string; hint?: string }[] }).diagnostics.filter(d => d.ruleId.startsWith('codeowners-'));
  return { codeowners: readFileSync(join(root, '.github/CODEOWNERS'), 'utf8'), findings };
}
const lineOf = (codeowners: string, path: string) => codeowners.split('\n').find(l => l.startsWith(`${path} `))?.split(/\s+/).slice(1);

describe('CODEOWNERS for groups the catalog ingests from elsewhere', () => {
  it('githubOrg: a team\'s files go to @org/<group name>, with no finding', async () => {
    const { codeowners, findings } = await repo('githubOrg');
    expect(lineOf(codeowners, '/catalog/payments/catalog-info.yaml')).toEqual(['@contoso/payments']);
    expect(lineOf(codeowners, '/catalog/search/catalog-info.yaml')).toEqual(['@contoso/platform-team']);
    expect(findings).toEqual([]);
  }, 60_000);

  it('microsoftGraphOrg: the files stay with the platform team, and one info per group says so (not for the platform team\'s own group)', async () => {
    const { codeowners, findings } = await repo('microsoftGraphOrg');
    expect(lineOf(codeowners, '/catalog/payments/catalog-info.yaml')).toEqual(['@contoso/platform-team']);
    expect(findings.map(d => `${d.ruleId}:${d.severity}@${d.file}`)).toEqual(['codeowners-team-unknown:info@catalog/payments/catalog-info.yaml']);
    expect(findings[0].message).toContain('group:default/payments names no GitHub team');
    expect(findings[0].hint).toContain('groups from Entra ID name no GitHub team');
  }, 60_000);

  it('a Group defined here without github.com/team-slug: the hint says to annotate it', async () => {
    const group = 'apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: payments\nspec:\n  type: team\n  children: []\n';
    const { findings } = await repo('microsoftGraphOrg', { 'catalog/org/groups.yaml': group });
    expect(findings.map(d => d.hint)).toEqual([expect.stringContaining('Annotate the Group with github.com/team-slug')]);
  }, 60_000);
});
