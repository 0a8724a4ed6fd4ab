import { describe, expect, it } from 'vitest';
import { runBin } from '../helpers/runBin.ts';
import { fetchSkeletonStep, templateHead, templateRepo } from '../helpers/templateRepo.ts';

interface Finding { ruleId: string; file: string; range: { start: { line: number; column: number } } }

// Backstage's TechDocs docs give a publish workflow whose comments read "Scaffolder will replace
// {{cookiecutter.component_id | jsonify}}"; skeletons copy it (hngiap94/local-backstage-software-catalogs).
// Without cookiecutterCompat that text is written out as it is, which in a comment changes nothing.
const WORKFLOW = `name: Publish TechDocs
on: push
jobs:
  publish:
    runs-on: ubuntu-latest
    env:
      # In a Software template, Scaffolder will replace {{cookiecutter.component_id | jsonify}}
      # ENTITY_NAME: '{{ cookiecutter.component_id | jsonify }}'
      ENTITY_NAME: \${{ '\${{ vars.ENTITY_NAME }}' }}
`;

describe('{{ cookiecutter.x }} without cookiecutterCompat (check, through the bin)', () => {
  it('is no finding in a comment line, and still one where it is written out as content', async () => {
    const root = await templateRepo(['../templates/svc/template.yaml'], {
      'templates/svc/template.yaml': `${templateHead('svc')}${fetchSkeletonStep()}`,
      'skeletons/svc/.github/workflows/docs.yml': WORKFLOW,
      'skeletons/svc/deploy.yaml': '# app\nname: {{ cookiecutter.name }}\n',
      'skeletons/svc/README.md': '# {{ cookiecutter.name }}\n',
    });
    const run = await runBin(['check', '--format', 'json'], root);
    const found = (JSON.parse(run.stdout).diagnostics as Finding[]).filter(d => d.ruleId === 'skeleton-cookiecutter-syntax');
    expect(found.map(d => `${d.file}:${d.range.start.line}:${d.range.start.column}`).sort()).toEqual(['skeletons/svc/README.md:1:3', 'skeletons/svc/deploy.yaml:2:7']);
  }, 60_000);
});
