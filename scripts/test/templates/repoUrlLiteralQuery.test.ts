import { describe, expect, it } from 'vitest';
import { runBin } from '../helpers/runBin.ts';
import { templateRepo } from '../helpers/templateRepo.ts';

// Template sweep 16 (igoravl/backstage-templates: publish:azure with repoUrl
// 'dev.azure.com?organization=…&owner=…&repo=${{ parameters.name }}'): parseRepoUrl requires project and repo
// of an Azure DevOps host, and the query written out has no project, so every task fails ('…, missing
// project'); templates render said so, check did not: a repoUrl holding an expression and a `?` was judged
// only when built from RepoUrlPicker values. With its host and query keys literal and its expressions only in
// query values, which parts parseRepoUrl gets is fixed by the text: it is judged with "sample" for each.
const template = (action: string, repoUrl: string) => `apiVersion: scaffolder.backstage.io/v1beta3
kind: Template
metadata:
  name: t${Math.abs([...repoUrl].reduce((h, c) => (h * 31 + c.charCodeAt(0)) | 0, 7))}
spec:
  owner: group:default/platform
  type: service
  parameters:
    - properties:
        name: {type: string}
  steps:
    - id: publish
      name: Publish
      action: ${action}
      input:
        repoUrl: '${repoUrl}'
`;

describe('a repoUrl whose query keys are written out and whose values hold expressions (check, through the bin)', () => {
  it('is refused when the query lacks a part the host requires, whatever the expressions give', async () => {
    const root = await templateRepo(['../templates/a/template.yaml', '../templates/b/template.yaml', '../templates/c/template.yaml', '../templates/d/template.yaml'], {
      'templates/a/template.yaml': template('publish:azure', 'dev.azure.com?organization=acme&owner=team&repo=${{ parameters.name }}'),
      'templates/b/template.yaml': template('publish:github', 'github.com?repo=${{ parameters.name }}'),
      // Complete: no finding.
      'templates/c/template.yaml': template('publish:github', 'github.com?owner=acme&repo=${{ parameters.name }}'),
      // A key made by an expression is not judged.
      'templates/d/template.yaml': template('publish:github', 'github.com?${{ parameters.name }}=acme&repo=x'),
    });
    const run = await runBin(['check', '--format', 'json'], root);
    const found = (JSON.parse(run.stdout).diagnostics as { ruleId: string; file: string; message: string; hint: string }[]).filter(d => d.ruleId === 'template-repo-url');
    expect(found.map(d => [d.file, d.message])).toEqual([
      ['templates/a/template.yaml', 'parseRepoUrl refuses "dev.azure.com?organization=acme&owner=team&repo=${{ parameters.name }}" whatever its expressions give: its host and query keys are written out, and Invalid repo URL passed to publisher: https://dev.azure.com/?organization=acme&owner=team&repo=sample, missing project (with "sample" for each expression).'],
      ['templates/b/template.yaml', 'parseRepoUrl refuses "github.com?repo=${{ parameters.name }}" whatever its expressions give: its host and query keys are written out, and Invalid repo URL passed to publisher: https://github.com/?repo=sample, missing owner (with "sample" for each expression).'],
    ]);
    expect(found[0].hint).toContain('project and repo (Azure DevOps');
    expect(run.status).toBe(1);
  }, 60_000);
});
