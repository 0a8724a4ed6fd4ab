import { describe, expect, it } from 'vitest';
import { expectCleanStderr, expectToolError, gitops } from '../e2e/gitops.ts';
import { templateRepo } from '../helpers/templateRepo.ts';
import { tempRepo } from '../helpers/tempRepo.ts';

// A lone `-` left in a list after deleting an item makes a step or a parameter page null. Backstage's
// Template kind schema refuses the entity, so the scaffolder never runs it: every command says that, none
// crashes on it.
const HEAD = 'apiVersion: scaffolder.backstage.io/v1beta3\nkind: Template\nmetadata:\n  name: t\nspec:\n  type: service\n  owner: group:default/platform\n';
const SHAPES: [string, string, string][] = [
  ['a null step', `${HEAD}  steps:\n    -\n    - id: log\n      action: debug:log\n      input:\n        message: hi\n`, '/spec/steps/0 must be object'],
  ['a null parameter page', `${HEAD}  parameters:\n    -\n    - title: Name\n      properties:\n        name: { type: string }\n  steps: []\n`, '/spec/parameters/0 must be object'],
  ['a step that is a string', `${HEAD}  steps:\n    - debug:log\n`, '/spec/steps/0 must be object'],
  ['parameters left empty', `${HEAD}  parameters:\n  steps: []\n`, '/spec/parameters must be'],
];

describe('a Template whose steps or parameter pages are not mappings (through the bin)', () => {
  it.each(SHAPES)('check reports %s as Backstage\'s schema does, and does not crash', async (_, text, message) => {
    const root = await templateRepo(['../templates/t/template.yaml'], { 'templates/t/template.yaml': text, 'templates/t/tests/case.yaml': 'name: case\nvalues: {}\nsnapshot: false\n' });
    const run = await gitops(root, ['check', '--format', 'json']);
    expectCleanStderr(run);
    const found = (JSON.parse(run.stdout) as { diagnostics: { ruleId: string; file: string; message: string }[] }).diagnostics.filter(d => d.file === 'templates/t/template.yaml');
    expect(found.some(d => d.ruleId === 'entity-kind-schema' && d.message.includes(message)), JSON.stringify(found)).toBe(true);
    expect(run.status).toBe(1);

    const tested = await gitops(root, ['templates', 'test', '--format', 'json']);
    expectCleanStderr(tested);
    expect((JSON.parse(tested.stdout) as { diagnostics: { ruleId: string; message: string }[] }).diagnostics.map(d => d.ruleId)).toEqual(['template-render-failed']);
    expect(tested.status).toBe(1);

    expectToolError(await gitops(root, ['templates', 'render', 'templates/t/template.yaml', '--values', 'templates/t/tests/case.yaml', '--out', 'out']), /is not a template the scaffolder can run: spec\.(steps|parameters)/);
  }, 120_000);
});

// Seen on aiops-idp-backstage/software-templates (service-catalog-templates): a Template without spec.type.
// The dry-run refuses it ("/spec must have required property 'type'") and the catalog never ingests it, but
// `templates render` rendered it, and a test case of it passed.
describe('a Template Backstage\'s kind schema refuses for another reason than its shape (through the bin)', () => {
  it('templates render and templates test refuse it with the schema\'s own words', async () => {
    const text = 'apiVersion: scaffolder.backstage.io/v1beta3\nkind: Template\nmetadata:\n  name: t\nspec:\n  owner: group:default/platform\n  steps:\n    - id: log\n      action: debug:log\n      input:\n        message: hi\n';
    const root = await templateRepo(['../templates/t/template.yaml'], { 'templates/t/template.yaml': text, 'templates/t/tests/case.yaml': 'name: case\nvalues: {}\nsnapshot: false\n', 'v.yaml': '{}\n' });
    expectToolError(await gitops(root, ['templates', 'render', 'templates/t/template.yaml', '--values', 'v.yaml', '--out', 'out']), /is not a template the scaffolder can run: Backstage's Template schema refuses it \(\/spec must have required property 'type' - missingProperty: type\)/);
    const tested = await gitops(root, ['templates', 'test', '--format', 'json']);
    expectCleanStderr(tested);
    const found = (JSON.parse(tested.stdout) as { diagnostics: { ruleId: string; message: string }[] }).diagnostics;
    expect(found.map(d => d.ruleId)).toEqual(['template-render-failed']);
    expect(found[0].message).toContain("/spec must have required property 'type'");
    expect(tested.status).toBe(1);
  }, 120_000);
});

// A step a `$yaml` placeholder brings in (Backstage substitutes it at ingestion): its findings point at the
// placeholder that names the file, not at the nearest key the text has (`steps:`).
describe('findings about a step brought in by $yaml (check, through the bin)', () => {
  it('point at the $yaml that brings the step in', async () => {
    const text = `${HEAD}  steps:\n    - id: first\n      action: debug:log\n      input:\n        message: hi\n    - $yaml: ./steps/unknown.yaml\n`;
    const root = await templateRepo(['../templates/t/template.yaml'], {
      'templates/t/template.yaml': text,
      'templates/t/steps/unknown.yaml': 'id: unknown\naction: acme:does-not-exist\ninput:\n  message: ${{ parameters.name | nosuchfilter }}\n',
    });
    const run = await gitops(root, ['check', '--format', 'json']);
    expectCleanStderr(run);
    const line = text.split('\n').findIndex(l => l.includes('$yaml')) + 1;
    const found = (JSON.parse(run.stdout) as { diagnostics: { ruleId: string; file: string; range: { start: { line: number } } }[] }).diagnostics.filter(d => d.file === 'templates/t/template.yaml');
    expect(found.map(d => `${d.ruleId}@${d.range.start.line}`).sort()).toEqual([`template-action-unknown@${line}`, 'template-caller-parameters@5', `template-unknown-filter@${line}`]);
  }, 120_000);
});

// Without gitops.config.yaml nothing says which scaffolder modules the managed Backstage runs.
describe('an action of a module the toolkit does not ship, in a folder without config (check, through the bin)', () => {
  it('is a warning there and an error with a config', async () => {
    const template = `${HEAD}  steps:\n    - id: publish\n      action: publish:gitlab\n      input:\n        repoUrl: gitlab.com?owner=acme&repo=x\n`;
    const bare = await tempRepo({ 'template.yaml': template });
    const run = await gitops(bare, ['check', '--format', 'json']);
    expectCleanStderr(run);
    const found = (JSON.parse(run.stdout) as { diagnostics: { ruleId: string; severity: string }[] }).diagnostics.filter(d => d.ruleId === 'template-action-unknown');
    expect(found.map(d => d.severity)).toEqual(['warning']);
    expect(run.status).toBe(0);

    const configured = await templateRepo(['../templates/t/template.yaml'], { 'templates/t/template.yaml': template });
    const strict = await gitops(configured, ['check', '--format', 'json']);
    expect((JSON.parse(strict.stdout) as { diagnostics: { ruleId: string; severity: string }[] }).diagnostics.filter(d => d.ruleId === 'template-action-unknown').map(d => d.severity)).toEqual(['error']);
    expect(strict.status).toBe(1);
  }, 120_000);
});
