import { describe, expect, it } from 'vitest';
import { runBin } from '../helpers/runBin.ts';
import { tempRepo } from '../helpers/tempRepo.ts';
import { templateHead } from '../helpers/templateRepo.ts';

// Seen in alokkulkarni/ak-backstage-software-templates: a shared skeletons/catalog-info/catalog-info.yaml keeps
// `# backstage.io/source-location: '${{values.destination.repo.url}}'` as a YAML comment, and no step passes
// `destination`. fetch:template renders the line to `# backstage.io/source-location: ''`, a comment nothing reads:
// the generated entity is as intended. The gate raised skeleton-unknown-value errors on it (11, one per template
// fetching the skeleton), though skeleton-unrendered-braces and skeleton-github-expression already leave comment
// lines alone. A use outside a comment, and a `#` heading in Markdown, are still judged.

const fetch = `    - id: fetch
      name: Fetch
      action: fetch:template
      input:
        url: ../../skeletons/svc
        values:
          name: \${{ parameters.name }}
`;
const SKELETON = `apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: \${{ values.name }}
  annotations:
    # backstage.io/source-location: '\${{values.destination.repo.url}}'
    github.com/project-slug: acme/\${{ values.repoName }}
spec:
  type: service
  lifecycle: production
  owner: group:default/platform
`;

describe('a value no step passes, used in a comment line', () => {
  it('is not a finding in a YAML comment; outside one, and in a Markdown heading, it is', async () => {
    const root = await tempRepo({
      'templates/svc/template.yaml': templateHead('svc') + fetch,
      'skeletons/svc/catalog-info.yaml': SKELETON,
      'skeletons/svc/README.md': '# ${{ values.title }}\n',
    });
    const run = await runBin(['check', '--format', 'json'], root);
    const found = (JSON.parse(run.stdout).diagnostics as { ruleId: string; file: string; message: string; range: { start: { line: number } } }[])
      .filter(d => d.ruleId === 'skeleton-unknown-value')
      .map(d => `${d.file}:${d.range.start.line} ${d.message.slice(0, d.message.indexOf(' is never passed'))}`)
      .sort();
    expect(found).toEqual(['skeletons/svc/README.md:1 values.title', 'skeletons/svc/catalog-info.yaml:7 values.repoName']);
  }, 60_000);
});
