import { rm } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { runBin } from '../helpers/runBin.ts';
import { tempRepo } from '../helpers/tempRepo.ts';

// fresh39 on backstage/software-templates' create-react-app: with `values: ${{ parameters }}` (the skeleton
// gets the form's answers as they are) a skeleton's ${{ values.destination }}, which no page declares, passed
// and rendered as "undefined"; the same values written out as a map were flagged. The names are the pages'.
const template = (pages: string) => `apiVersion: scaffolder.backstage.io/v1beta3
kind: Template
metadata:
  name: app
spec:
  owner: user:guest
  type: website
  parameters:
${pages}
  steps:
    - id: fetch
      action: fetch:template
      input:
        url: ./skeleton
        values: \${{ parameters }}
`;
const PAGES = '    - properties:\n        component_id: { type: string }\n    - properties:\n        repoUrl: { type: string }\n';
const SKELETON = 'name: ${{ values.component_id }}\nslug: ${{ values.destination.owner }}/${{ values.destination.repo }}\nrepo: ${{ values.repoUrl }}\n';

type Finding = { ruleId: string; message: string; range: { start: { line: number } } };

async function unknownValues(pages: string): Promise<Finding[]> {
  const root = await tempRepo({ 'template.yaml': template(pages), 'skeleton/catalog-info.yaml': SKELETON });
  const run = await runBin(['check', '--format', 'json'], root);
  await rm(root, { recursive: true, force: true });
  return (JSON.parse(run.stdout).diagnostics as Finding[]).filter(d => d.ruleId === 'skeleton-unknown-value');
}

describe('values: ${{ parameters }}', () => {
  it('passes every parameter the pages declare, and no other name', async () => {
    const found = await unknownValues(PAGES);
    expect(found.map(d => d.range.start.line)).toEqual([2]);
    expect(found[0].message).toMatch(/^values\.destination is never passed by template\.yaml, step fetch/);
  }, 60_000);

  it('pages with conditional properties (dependencies) say no name for sure: nothing is judged unknown', async () => {
    const conditional = `${PAGES}    - properties:\n        kind: { type: string, enum: [a, b] }\n      dependencies:\n        kind:\n          oneOf:\n            - properties:\n                destination: { type: object }\n`;
    expect(await unknownValues(conditional)).toEqual([]);
  }, 60_000);
});
