import { describe, expect, it } from 'vitest';
import { runBin } from '../helpers/runBin.ts';
import { tempRepo } from '../helpers/tempRepo.ts';

// EdLandingZone/backstage-templates mongodb-terraform: `entityRef: ${{ steps['register'].output.entityRef }}`
// on an output link. catalog:register declares no output schema, so the dry-run gives the skipped step no
// output and the link is empty: the render said "(no url or entityRef)", as it says for a link that reads a
// step that does not exist, while a run of this template shows the registered entity.

const template = (register: string) => `apiVersion: scaffolder.backstage.io/v1beta3
kind: Template
metadata:
  name: t
spec:
  owner: group:default/team-a
  type: service
  parameters:
    - properties:
        name: {type: string}
  steps:
    - id: fetch
      action: fetch:template
      input:
        url: ./skeleton
        values:
          name: \${{ parameters.name }}
${register}  output:
    links:
      - title: View in Catalog
        icon: catalog
        entityRef: \${{ steps['register'].output.entityRef }}
`;
const REGISTER = "    - id: register\n      action: catalog:register\n      input:\n        catalogInfoUrl: https://github.com/acme/x/blob/main/catalog-info.yaml\n";

describe('templates render: an output link that reads a step skipped offline', () => {
  it('says it is known once that step runs, not "(no url or entityRef)"', async () => {
    const root = await tempRepo({ 't/template.yaml': template(REGISTER), 't/skeleton/README.md': '# ${{ values.name }}\n', 'v.yaml': 'name: demo\n' });
    const run = await runBin(['templates', 'render', 't/template.yaml', '--values', 'v.yaml', '--out', 'out'], root);
    expect(run.status, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toContain('  View in Catalog: (known once the skipped step register runs; offline the dry-run gives its action no output)\n');
    expect(run.stdout).not.toContain('(no url or entityRef)');
  }, 60_000);

  it('a link that reads a step the template does not have still says "(no url or entityRef)"', async () => {
    const root = await tempRepo({ 't/template.yaml': template(''), 't/skeleton/README.md': '# ${{ values.name }}\n', 'v.yaml': 'name: demo\n' });
    const run = await runBin(['templates', 'render', 't/template.yaml', '--values', 'v.yaml', '--out', 'out'], root);
    expect(run.stdout).toContain('  View in Catalog: (no url or entityRef)\n');
  }, 60_000);
});
