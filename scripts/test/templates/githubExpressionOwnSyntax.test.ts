import { describe, expect, it } from 'vitest';
import { runBin } from '../helpers/runBin.ts';
import { fetchSkeletonStep, templateHead, templateRepo } from '../helpers/templateRepo.ts';

interface Finding { ruleId: string; file: string; hint?: string; range: { start: { line: number } } }

// Fresh user 13: backstage/software-templates' clean-architecture-app workflow passes ${{ values.name }} to a
// gradle command and writes ${{ github.head_ref }} unescaped; a community template escapes most of its GitHub
// expressions (${{ '${{ secrets.X }}' }}) but not two. The hint led with "list the workflow under
// copyWithoutTemplating", which copies ${{ values.name }} or the escape unrendered: a workflow GitHub refuses.
const workflow = (own: string) => `on: push
jobs:
  b:
    runs-on: ubuntu-latest
    steps:
      - run: echo \${{ github.head_ref }}
${own}`;

async function hints(files: Record<string, string>) {
  const root = await templateRepo(['../templates/svc/template.yaml'], { 'templates/svc/template.yaml': `${templateHead('svc')}${fetchSkeletonStep()}`, ...files });
  const run = await runBin(['check', '--format', 'json'], root);
  return (JSON.parse(run.stdout).diagnostics as Finding[]).filter(d => d.ruleId === 'skeleton-github-expression').map(d => `${d.file.split('/').pop()}@${d.range.start.line}: ${d.hint}`);
}

describe('skeleton-github-expression in a workflow that renders something of its own (check, through the bin)', () => {
  it('does not offer copyWithoutTemplating when the file uses values, an escaped expression or a tag; names that line', async () => {
    const found = await hints({
      'skeletons/svc/.github/workflows/values.yml': workflow('      - run: gradle build --name=${{ values.name }}\n'),
      'skeletons/svc/.github/workflows/escaped.yml': workflow("      # ${{ values.name }} in a comment is not rendering on purpose\n      - run: echo ${{ '${{ secrets.TOKEN }}' }}\n"),
      'skeletons/svc/.github/workflows/tag.yml': workflow('{% if values.name %}\n      - run: echo hi\n{% endif %}\n'),
      'skeletons/svc/.github/workflows/plain.yml': workflow(''),
    });
    expect(found).toEqual([
      "escaped.yml@6: Write each as ${{ '${{ github.head_ref }}' }} so Backstage renders it to the GitHub expression. Listing the workflow under copyWithoutTemplating is no fix here: it would also copy the file's own template syntax (line 8) unrendered, which GitHub Actions cannot read.",
      "plain.yml@6: List the workflow under copyWithoutTemplating (it is then copied as it is); or write each as ${{ '${{ github.head_ref }}' }} so Backstage renders it to the GitHub expression.",
      "tag.yml@6: Write each as ${{ '${{ github.head_ref }}' }} so Backstage renders it to the GitHub expression. Listing the workflow under copyWithoutTemplating is no fix here: it would also copy the file's own template syntax (line 7) unrendered, which GitHub Actions cannot read.",
      "values.yml@6: Write each as ${{ '${{ github.head_ref }}' }} so Backstage renders it to the GitHub expression. Listing the workflow under copyWithoutTemplating is no fix here: it would also copy the file's own template syntax (line 7) unrendered, which GitHub Actions cannot read.",
    ]);
  }, 60_000);
});
