import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runBin } from '../helpers/runBin.ts';
import { templateRepo } from '../helpers/templateRepo.ts';

// Template sweep 16: a template writing two repositories (targetPath: ./source and ./gitops, each published
// with its own sourcePath) keeps each one's CI files at the root of its folder. The rendered-output check knew a
// GitHub workflow or an Azure pipeline only at the output's root, so source/.github/workflows/build.yaml, whose
// ${{ secrets.X }} the skeleton wrote with {% raw %} for GitHub, was 'still contains a template expression: it
// was not rendered' (a false alarm), and a broken workflow there was never given to GitHub's parser.
const TEMPLATE = `apiVersion: scaffolder.backstage.io/v1beta3
kind: Template
metadata:
  name: split
spec:
  owner: group:default/platform
  type: service
  parameters:
    - properties:
        name: {type: string}
  steps:
    - id: source
      name: Source
      action: fetch:template
      input:
        url: ./skeleton
        targetPath: ./source
        values:
          name: \${{ parameters.name }}
`;

const WORKFLOW = `name: build
on: push
jobs:
  build:
    runs-on: ubuntu-24.04
    steps:
      - id: tag
        run: echo "tag=\${{ values.name }}" >> "$GITHUB_OUTPUT"
      - run: echo {% raw %}\${{ secrets.REGISTRY_TOKEN }} \${{ steps.tag.outputs.tag }}{% endraw %}
`;

const PIPELINE = `parameters:
  - name: env
    default: dev
steps:
  - script: echo {% raw %}\${{ parameters.env }}{% endraw %} \${{ values.name }}
`;

describe('CI files in a folder of the output (templates render)', () => {
  it('a workflow or pipeline under a targetPath keeps its own expressions and is judged as CI', async () => {
    const root = await templateRepo(['../templates/split/template.yaml'], {
      'templates/split/template.yaml': TEMPLATE,
      'templates/split/skeleton/.github/workflows/build.yaml': WORKFLOW,
      'templates/split/skeleton/.github/workflows/broken.yaml': 'on: push\njobs:\n  b:\n    runs-on: ubuntu-24.04\n    steps:\n      - run: make\n        timeout: 5\n',
      'templates/split/skeleton/.azure-pipelines/ci.yml': PIPELINE,
      'values.yaml': 'name: orders\n',
    });
    const run = await runBin(['templates', 'render', 'templates/split/template.yaml', '--values', 'values.yaml', '--out', join(root, 'out')], root);
    expect(run.stdout).not.toContain('still contains a template expression');
    expect(run.stdout).toContain("source/.github/workflows/broken.yaml is not a valid GitHub workflow: source/.github/workflows/broken.yaml (Line: 7, Col: 9): Unexpected value 'timeout'");
    expect(run.stdout).not.toContain('build.yaml is not a valid');
    expect(run.stdout).not.toContain('ci.yml:');
    expect(run.status).toBe(1);
  }, 60_000);
});
