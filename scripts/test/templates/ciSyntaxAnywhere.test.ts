import { describe, expect, it } from 'vitest';
import { runBin } from '../helpers/runBin.ts';
import { templateRepo } from '../helpers/templateRepo.ts';

// Fresh user, 2026-12-05: a skeleton's Azure pipeline template outside azure-pipelines.yml (pipelines/build.yml,
// .azuredevops/ci.yml), a composite GitHub Action's action.yml at the root and a how-to showing template syntax
// in a code block keep their `${{ }}` on purpose ({% raw %}, as Backstage documents), and the rendered output is
// exactly that syntax; `templates test` called each 'still contains a template expression: it was not rendered'
// and failed (exit 1). A leftover in prose, or a scaffolder-only name (values, user) in a CI file, still is one.
const TEMPLATE = `apiVersion: scaffolder.backstage.io/v1beta3
kind: Template
metadata:
  name: ci
spec:
  owner: group:default/platform
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
`;

const files = (extra: Record<string, string> = {}) => ({
  'templates/ci/template.yaml': TEMPLATE,
  'templates/ci/tests/basic.yaml': 'name: basic\nvalues: {name: orders}\nsnapshot: false\n',
  'templates/ci/skeleton/pipelines/build.yml': 'parameters:\n  - name: configuration\n    type: string\n    default: Release\nsteps:\n  - script: dotnet build -c {% raw %}${{ parameters.configuration }}{% endraw %} ${{ values.name }}\n',
  'templates/ci/skeleton/.azuredevops/deploy.yml': 'stages:\n  - stage: deploy\n    jobs:\n      - job: d\n        steps:\n          - script: echo {% raw %}${{ parameters.env }} ${{ variables.region }}{% endraw %}\n',
  'templates/ci/skeleton/action.yml': 'name: ${{ values.name }}\ndescription: composite\noutputs:\n  greeting:\n    description: g\n    value: {% raw %}${{ steps.greet.outputs.greeting }}{% endraw %}\nruns:\n  using: composite\n  steps:\n    - id: greet\n      shell: bash\n      run: echo "greeting=hi" >> "$GITHUB_OUTPUT"\n',
  'templates/ci/skeleton/docs/howto.md': '# ${{ values.name }}\n\nWrite `{% raw %}${{ values.name }}{% endraw %}` in a skeleton, or:\n\n```yaml\n{% raw %}name: ${{ parameters.name }}{% endraw %}\n```\n\n~~~~\n{% raw %}${{ steps.publish.output.remoteUrl }}{% endraw %}\n~~~~\n',
  ...extra,
});

describe('templates test: CI syntax and documented template syntax outside the conventional paths', () => {
  it('an Azure pipeline template at any path, a root action.yml and code in Markdown keep their ${{ }}', async () => {
    const root = await templateRepo([], files());
    const run = await runBin(['templates', 'test'], root);
    expect(run.stdout).not.toContain('still contains a template expression');
    expect(run.status).toBe(0);
  }, 60_000);

  it('a scaffolder name left in prose, in a CI file, or Azure parameters in an entity file is still a finding', async () => {
    const root = await templateRepo([], files({
      'templates/ci/skeleton/docs/howto.md': '# Orders\n\nOwned by {% raw %}${{ values.owner }}{% endraw %}.\n\n```\nok\n```\n',
      'templates/ci/skeleton/pipelines/build.yml': 'steps:\n  - script: echo {% raw %}${{ values.name }}{% endraw %}\n',
      'templates/ci/skeleton/catalog-info.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: orders\n  description: "{% raw %}${{ parameters.description }}{% endraw %}"\nspec:\n  type: service\n  lifecycle: experimental\n  owner: group:default/platform\n',
    }));
    const run = await runBin(['templates', 'test'], root);
    for (const path of ['docs/howto.md', 'pipelines/build.yml', 'catalog-info.yaml']) expect(run.stdout).toContain(`${path} still contains a template expression: it was not rendered`);
    expect(run.stdout).not.toContain('action.yml still contains');
    expect(run.stdout).not.toContain('deploy.yml still contains');
    expect(run.status).toBe(1);
  }, 60_000);
});
