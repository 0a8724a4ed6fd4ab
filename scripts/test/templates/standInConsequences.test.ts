import { describe, expect, it } from 'vitest';
import { expectCleanStderr, gitops } from '../e2e/gitops.ts';
import { runBin } from '../helpers/runBin.ts';
import { templateHead, templateRepo } from '../helpers/templateRepo.ts';

// Template sweep 17 (ppotturi/adp-software-templates, ten templates): the deployment's own filter githubRepoUrl
// (declared under backstageConfig.additionalTemplateFilters, its code not here) turns a repository name into
// a RepoUrlPicker value. Offline its stand-in gives the name back, so `repoUrl: ${{ parameters.repo_name |
// githubRepoUrl }}` was refused by parseRepoUrl ('missing repo'), and a value built as `… | githubRepoUrl |
// projectSlug` threw, the runner kept its raw text, and the rendered catalog-info.yaml was said to 'still
// contain a template expression' with a malformed project-slug: three errors of the stand-in, not of the
// template, each template rendering. What a stand-in fed is no longer judged (the stand-in warning says the
// output there is not Backstage's); the same checks still judge what no stand-in touched.

const TEMPLATE = `${templateHead('standin')}    - id: fetch
      name: Fetch
      action: fetch:template
      input:
        url: ./skeleton
        values:
          name: \${{ parameters.name }}
          slug: \${{ parameters.name | orgRepoUrl | projectSlug }}
    - id: publish
      name: Publish
      action: publish:github
      input:
        repoUrl: \${{ parameters.name | orgRepoUrl }}
    - id: publish-plain
      name: Publish plain
      action: publish:github
      input:
        repoUrl: \${{ parameters.name }}
`;

const CATALOG_INFO = `apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: \${{ values.name }}
  annotations:
    github.com/project-slug: \${{ values.slug }}
spec:
  type: service
  lifecycle: experimental
  owner: group:default/platform
`;

const files = {
  'gitops.config.yaml': `repoUrl: https://github.com/acme/x/blob/main/\ncatalog:\n  roots: [catalog/all.yaml]\nbackstageConfig:\n  files: [app-config.yaml]\n  plugins: ['@backstage/plugin-scaffolder-backend', '@backstage/plugin-scaffolder-backend-module-github']\n  additionalTemplateFilters: [orgRepoUrl]\n`,
  'app-config.yaml': 'app:\n  title: x\n',
  'templates/standin/template.yaml': TEMPLATE,
  'templates/standin/skeleton/catalog-info.yaml': CATALOG_INFO,
  'templates/standin/skeleton/NOTES.md': '${{ values.nme }}\n',
  'values.yaml': 'name: orders\n',
};

describe('what a stand-in for a declared filter fed', () => {
  it('templates render: not judged, while an input and a file no stand-in touched still are', async () => {
    const root = await templateRepo(['../templates/standin/template.yaml'], files);
    const run = await runBin(['templates', 'render', 'templates/standin/template.yaml', '--values', 'values.yaml', '--out', 'out'], root);
    expect(run.stdout).toContain('⚠ rendered with a stand-in for the filter orgRepoUrl');
    const errors = run.stdout.split('\n').filter(line => line.startsWith('✖'));
    expect(errors.filter(line => line.includes('step publish:'))).toEqual([]);
    expect(errors.some(line => line.startsWith('✖ step publish-plain: parseRepoUrl refuses "orders"'))).toBe(true);
    expect(errors.filter(line => line.includes('catalog-info.yaml'))).toEqual([]);
  }, 60_000);

  it('templates test: the same, as findings of the case', async () => {
    const root = await templateRepo(['../templates/standin/template.yaml'], { ...files, 'templates/standin/tests/a.yaml': 'name: a case\nvalues: {name: orders}\nsnapshot: false\n' });
    const run = await gitops(root, ['templates', 'test', '--format', 'json']);
    expectCleanStderr(run);
    const found = (JSON.parse(run.stdout) as { diagnostics: { ruleId: string; severity: string; message: string; file: string }[] }).diagnostics;
    expect(found.filter(d => d.message.includes('catalog-info.yaml'))).toEqual([]);
    const lines = TEMPLATE.split('\n');
    const viaStandIn = lines.findIndex(l => l.includes('repoUrl: ${{ parameters.name | orgRepoUrl }}')) + 1;
    const plain = lines.findIndex(l => l.includes('repoUrl: ${{ parameters.name }}')) + 1;
    const repoUrlFindings = found.filter(d => d.file === 'templates/standin/template.yaml' && d.message.includes('parseRepoUrl')).map(d => (d as unknown as { range: { start: { line: number } } }).range.start.line);
    expect(repoUrlFindings).toContain(plain);
    expect(repoUrlFindings).not.toContain(viaStandIn);
    expect(found.some(d => d.ruleId === 'template-render-stand-in')).toBe(true);
  }, 60_000);
});
