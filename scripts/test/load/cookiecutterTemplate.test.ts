import { describe, expect, it } from 'vitest';
import { runBin } from '../helpers/runBin.ts';
import { tempRepo } from '../helpers/tempRepo.ts';

// Discovery left out every file whose text held `{{ cookiecutter.…`, taking it for a cookiecutterCompat
// skeleton. A Template that passes such values to its fetch step, or names them in a parameter's
// description, is a catalog file all the same: Backstage registers it, or refuses it (verified with the
// catalog's dry-run: no spec.type → ScaffolderEntitiesProcessor "/spec must have required property 'type'";
// apiVersion backstage.io/v1beta2 → "No processor recognized the entity"). The gate said nothing, or exit 2
// "holds no catalog file" when that Template was the repo's only one.
const head = (apiVersion: string, type: string) => `apiVersion: ${apiVersion}
kind: Template
metadata:
  name: svc-template
spec:
  owner: group:default/team-a
${type}  parameters:
    - title: Service
      properties:
        name:
          type: string
          description: Written to the skeleton as {{ cookiecutter.name }}
  steps:
    - id: fetch
      action: fetch:template
      input:
        url: ./content
        cookiecutterCompat: true
        values:
          name: '{{ cookiecutter.name }}'
`;
const skeleton = { 'content/catalog-info.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: {{ cookiecutter.name }}\nspec: {type: service, lifecycle: production, owner: team-a}\n' };

async function check(files: Record<string, string>) {
  const run = await runBin(['check', '--format', 'json'], await tempRepo(files));
  expect(run.stderr).not.toMatch(/internal error/);
  if (run.status === 2) return { status: run.status, found: [run.stderr.trim()] };
  const found = (JSON.parse(run.stdout).diagnostics as { ruleId: string; file: string; severity: string; range: { start: { line: number } } }[]).filter(d => d.severity === 'error');
  return { status: run.status, found: found.map(d => `${d.ruleId}@${d.file}:${d.range.start.line}`) };
}

describe("a Template whose spec holds Cookiecutter's {{ cookiecutter.x }} is still a catalog file (check, through the bin)", () => {
  it('no spec.type: the Template schema refuses it, as the catalog does', async () => {
    const { status, found } = await check({ 'template.yaml': head('scaffolder.backstage.io/v1beta3', ''), ...skeleton });
    expect(found).toEqual(['entity-kind-schema@template.yaml:5']);
    expect(status).toBe(1);
  }, 60_000);

  it('apiVersion backstage.io/v1beta2: no processor takes it', async () => {
    const { status, found } = await check({ 'template.yaml': head('backstage.io/v1beta2', '  type: service\n'), ...skeleton });
    expect(found).toEqual(['entity-kind-unknown@template.yaml:1']);
    expect(status).toBe(1);
  }, 60_000);

  it("a Template or Component whose name is Cookiecutter's is a skeleton: still left out", async () => {
    const { status, found } = await check({
      'template.yaml': head('scaffolder.backstage.io/v1beta3', '  type: service\n').replace('name: svc-template', 'name: {{ cookiecutter.template_name }}'),
      ...skeleton,
    });
    expect(found).toEqual([expect.stringContaining('holds no catalog file')]);
    expect(status).toBe(2);
  }, 60_000);
});
