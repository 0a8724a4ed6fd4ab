import { describe, expect, it } from 'vitest';
import { runBin } from '../helpers/runBin.ts';
import { fetchSkeletonStep, templateHead, templateRepo } from '../helpers/templateRepo.ts';

// Backstage takes a template's values as one mapping: its dry-run endpoint answers 400
// "request/body/values must be object" for a list or a string. templates render took a JSON array or a plain
// string as the values and rendered with them (every parameters.x empty); it is now one usage error, as a
// --secrets file that is not a mapping is.
const files = {
  'templates/svc/template.yaml': `${templateHead('svc')}${fetchSkeletonStep()}`,
  'skeletons/svc/README.md': '# ${{ values.name }}\n',
  'list.json': '["orders"]\n',
  'text.yaml': 'name=orders\n',
  'number.yaml': '42\n',
};

describe('templates render --values FILE that is not a mapping (through the bin)', () => {
  it.each([
    ['list.json', 'a list'],
    ['text.yaml', 'a plain string'],
    ['number.yaml', 'a number'],
  ])('%s: one line on stderr, exit 2, nothing rendered', async (file, holds) => {
    const root = await templateRepo(['../templates/svc/template.yaml'], files);
    const run = await runBin(['templates', 'render', 'templates/svc/template.yaml', '--values', file, '--out', 'out'], root);
    expect(run.stderr).toBe(`backstage-gitops templates: --values: ${file} holds ${holds}, not a mapping of parameter names to values, which Backstage refuses (its dry-run answers 400 "request/body/values must be object"); write one YAML or JSON mapping, e.g. name: my-service\n`);
    expect(run.stdout).toBe('');
    expect(run.status).toBe(2);
  }, 60_000);
});
