import { describe, expect, it } from 'vitest';
import { checkRendered } from '../../src/templates/checkRendered.ts';

const file = (path: string, text: string) => ({ path, content: Buffer.from(text) });

describe('checks on the rendered tree', () => {
  const entity = (description: string) => `apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: svc\n  description:\n    ${description}\nspec:\n  type: service\n  lifecycle: experimental\n  owner: group:default/a\n`;
  it.each([
    ['$text naming a file the render wrote', [file('catalog-info.yaml', entity('$text: ./docs/about.txt')), file('docs/about.txt', 'About svc')], []],
    ['$text naming a file the render did not write', [file('catalog-info.yaml', entity('$text: ./docs/about.txt'))], ['catalog-info.yaml:6: placeholder-target-missing: Placeholder $text could not read location ./docs/about.txt: docs/about.txt does not exist.']],
    ['$json resolved from the rendered tree, then held to the model', [file('catalog-info.yaml', entity('$json: ./about.json')), file('about.json', '{"not": "a string"}')], ['catalog-info.yaml:6: entity-schema: /metadata/description must be string - type: string']],
  ])('a placeholder in the rendered catalog-info.yaml: %s', async (_name, files, expected) => {
    expect((await checkRendered(files)).map(p => p.replace(/ \(.*$/, ''))).toEqual(expected);
  });

  it('reports the first five problems of a file and counts the rest', async () => {
    const steps = Array.from({ length: 8 }, (_, i) => `      - run: echo ${i}\n        timeout${i}: 5\n`).join('');
    const problems = await checkRendered([file('.github/workflows/ci.yml', `on: push\njobs:\n  test:\n    runs-on: ubuntu-24.04\n    steps:\n${steps}`)]);
    expect(problems).toHaveLength(6);
    expect(problems[5]).toBe('.github/workflows/ci.yml: … and 3 more like these');
  });

  it('validates rendered GitHub workflows with GitHub’s parser, Azure pipelines with Azure’s language service, and rendered mkdocs.yml like the gate', async () => {
    const problems = await checkRendered([
      file('.github/workflows/ci.yml', 'on: push\njobs:\n  test:\n    runs-on: ubuntu-24.04\n    steps:\n      - run: npm test\n        timeout: 5\n'),
      // GitHub's own contexts (secrets, steps) and Azure's parameters are not scaffolder leftovers.
      file('.github/workflows/release.yml', 'on: push\njobs:\n  r:\n    runs-on: ubuntu-24.04\n    steps:\n      - id: v\n        run: echo ${{ secrets.NPM_TOKEN }}\n      - run: echo ${{ steps.v.outputs.x }}\n'),
      file('azure-pipelines.yml', 'trigger: [main]\npool:\n  vmImage: ubuntu-24.04\nsteps:\n  - script: dotnet test\n    displayNme: Test\n'),
      file('mkdocs.yml', 'site_name: x\nnav:\n  - Home: index.md\n'),
      file('package.json', '{"name": "x",}'),
      file('README.md', 'Team: ${{ values.team }}\n'),
    ]);
    expect(problems).toEqual([
      ".github/workflows/ci.yml is not a valid GitHub workflow: .github/workflows/ci.yml (Line: 7, Col: 9): Unexpected value 'timeout'",
      'azure-pipelines.yml:6: not a valid Azure pipeline: Unexpected property displayNme',
      'mkdocs.yml:1: mkdocs-docs-dir-missing: The docs folder docs/ does not exist or is empty.',
      expect.stringMatching(/^package\.json:1: not valid JSON: /),
      'README.md still contains a template expression: it was not rendered',
    ]);
  });
});
