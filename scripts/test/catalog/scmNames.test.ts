import { describe, expect, it } from 'vitest';
import { runBin } from '../helpers/runBin.ts';
import { tempRepo } from '../helpers/tempRepo.ts';

// A fresh user on Azure DevOps: "Fabrikam Fiber" (Microsoft's own sample project) in dev.azure.com/project-repo
// and in a publish:azure repoUrl was refused as no <owner>/<name> and no valid name. What a name may hold is
// the SCM's: Azure DevOps project and repository names may hold spaces; GitHub names may not.
const GROUP = 'apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: team-a\nspec:\n  type: team\n  children: []\n';
const component = (name: string, annotations: Record<string, string>) =>
  `apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: ${name}\n  annotations:\n${Object.entries(annotations).map(([k, v]) => `    ${k}: ${v}\n`).join('')}spec:\n  type: service\n  lifecycle: production\n  owner: team-a\n`;
const template = (steps: [string, string][]) =>
  `apiVersion: scaffolder.backstage.io/v1beta3\nkind: Template\nmetadata:\n  name: svc\nspec:\n  type: service\n  owner: team-a\n  steps:\n${steps.map(([action, repoUrl], i) => `    - id: s${i}\n      action: ${action}\n      input:\n        repoUrl: ${repoUrl}\n`).join('')}`;

type Found = { ruleId: string; message: string; range: { start: { line: number } } };

describe('names with spaces or a group path, as each SCM allows them (check, through the bin)', () => {
  it('Azure DevOps project and repository names with spaces pass; one with a space at an end, and a GitHub name with a space, are still refused', async () => {
    const root = await tempRepo({
      'catalog-info.yaml': [
        GROUP,
        component('web-shop', { 'dev.azure.com/project-repo': 'Fabrikam Fiber/fabrikam web' }),
        component('bad-azure', { 'dev.azure.com/project-repo': '" Fabrikam/web"' }),
        component('bad-github', { 'github.com/project-slug': 'acme/web shop' }),
        // Red team: only plain spaces are allowed inside; a newline, tab, NEL or BEL is no Azure DevOps name.
        // Fresh user: a team slug written as its page's address was told to be <owner>/<name>, a repository's shape.
        'apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: team-b\n  annotations:\n    github.com/team-slug: https://github.com/orgs/acme/teams/b\nspec:\n  type: team\n  children: []\n',
        component('control-azure', { 'dev.azure.com/project-repo': '"Fab\\nri\\u0085kam\\u0007\\tx/w\\u2028eb"' }),
        template([
          ['publish:azure', 'dev.azure.com?organization=fabrikam&project=Fabrikam Fiber&repo=web shop'],
          ['publish:github', 'github.com?owner=acme corp&repo=web-shop'],
          // A tab or newline the URL parser drops (Backstage then reads FabFiber); a BEL it keeps.
          ['publish:azure', '"dev.azure.com?organization=fabrikam&project=Fab\\u0007Fiber&repo=web"'],
        ]),
      ].join('---\n'),
    });
    const run = await runBin(['check', '--root', root, '--format', 'json'], root);
    const found = JSON.parse(run.stdout).diagnostics as Found[];
    expect(found.map(d => d.ruleId)).toEqual(['annotation-project-slug', 'annotation-project-slug', 'annotation-project-slug', 'annotation-project-slug', 'template-repo-url', 'template-repo-url']);
    expect(found[0].message).toContain('dev.azure.com/project-repo must be <project>/<repository>, found " Fabrikam/web"');
    expect(found[1].message).toContain('github.com/project-slug must be <owner>/<repository>, found "acme/web shop"');
    expect(found[2].message).toContain('github.com/team-slug must be <org>/<team-slug>, found "https://github.com/orgs/acme/teams/b"');
    expect((found[2] as Found & { hint: string }).hint).toContain('For example acme/payments');
    expect(found[3].message).toContain('dev.azure.com/project-repo must be <project>/<repository>');
    expect(found[4].message).toContain('as owner "acme corp"');
    expect(found[5].message).toContain('as project');
    expect(run.status).toBe(1);
  }, 60_000);
});
