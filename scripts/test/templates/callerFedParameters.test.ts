import { describe, expect, it } from 'vitest';
import { runBin } from '../helpers/runBin.ts';
import { templateRepo } from '../helpers/templateRepo.ts';

// Backstage's scaffolder backend validates the values of a task (POST /api/scaffolder/v2/tasks, or the form's
// submit, which starts from the URL's ?formData=) against the declared pages only (jsonschema in its router), so
// keys no page declares reach `parameters` as the caller sent them. Templates started by other plugins or
// automation declare no page at all; check failed every such template with template-unknown-parameter.

const template = (parameters: string) => `apiVersion: scaffolder.backstage.io/v1beta3
kind: Template
metadata:
  name: fed
spec:
  owner: group:default/platform
  type: service
${parameters}  steps:
    - id: log
      name: Log
      action: debug:log
      input:
        message: \${{ parameters.entityRef }} in \${{ parameters.namespace or 'default' }} for \${{ parameters.nmae }}
  output:
    text:
      - title: Done
        content: \${{ parameters.ticket }}
`;

async function check(parameters: string) {
  const root = await templateRepo(['../templates/fed/template.yaml'], { 'templates/fed/template.yaml': template(parameters) });
  const run = await runBin(['check', '--format', 'json'], root);
  const diagnostics = JSON.parse(run.stdout).diagnostics as { ruleId: string; severity: string; message: string; hint: string; range: { start: { line: number } } }[];
  return { status: run.status, found: diagnostics.filter(d => d.ruleId.startsWith('template-')) };
}

describe('parameters a caller passes, not the form (shipped bin)', () => {
  it.each([
    ['no spec.parameters', ''],
    ['parameters: []', '  parameters: []\n'],
    ['parameters: {}', '  parameters: {}\n'],
    ['pages of text only', '  parameters:\n    - title: Started by the catalog\n      description: Nothing to fill in.\n'],
    ['a page with a custom form field', "  parameters:\n    - title: Pick\n      type: object\n      properties: {}\n      'ui:field': CatalogPicker\n"],
  ])('%s: no template-unknown-parameter, one note naming what the template reads', async (_name, parameters) => {
    const { status, found } = await check(parameters);
    expect(found.map(d => `${d.severity} ${d.ruleId}`)).toEqual(['info template-caller-parameters']);
    expect(found[0].message).toContain('its steps read parameters.entityRef, parameters.namespace, parameters.nmae, parameters.ticket,');
    expect(found[0].message).toContain('POST /api/scaffolder/v2/tasks');
    expect(status).toBe(0);
  }, 60_000);

  const pages = `  parameters:
    - title: Name
      required: [name]
      properties:
        name: {type: string}
        entityRef: {type: string, 'ui:widget': hidden}
      dependencies:
        name:
          oneOf:
            - properties:
                ticket: {type: string}
    - title: Where
      allOf:
        - if: {properties: {name: {const: x}}}
          then: {properties: {namespace: {type: string}}}
`;

  it('a template with pages: hidden and branch-declared names count, a misspelt one stays an error', async () => {
    const { status, found } = await check(pages);
    expect(found.map(d => `${d.severity} ${d.ruleId}@${d.range.start.line} ${d.message.split(' ')[0]}`)).toEqual(['error template-unknown-parameter@28 parameters.nmae']);
    expect(found[0].message).toContain('Did you mean parameters.name?');
    expect(status).toBe(1);
  }, 60_000);

  it('a template with pages: a name far from every declared one is an error whose hint says how to mark it passed on purpose', async () => {
    const { found } = await check(pages.replace("        entityRef: {type: string, 'ui:widget': hidden}\n", ''));
    const far = found.find(d => d.message.startsWith('parameters.entityRef '))!;
    expect(`${far.severity} ${far.ruleId}`).toBe('error template-unknown-parameter');
    expect(far.message).toContain("in the URL's ?formData= or in the values of POST /api/scaffolder/v2/tasks");
    expect(far.message).not.toContain('Did you mean');
    expect(far.hint).toContain("declare it on a page with 'ui:widget': hidden");
    expect(far.hint).toContain("give it a value in a test case's values (tests/*.yaml beside the template)");
  }, 60_000);

  // Reviewer: react-jsonschema-form renders no field for patternProperties, so the form never asks for such a
  // name; counting them as declared let `'.*': {}` silence the rule for a whole template.
  it('a name only a patternProperties matches is still unknown: the form gives it no field', async () => {
    for (const pattern of ["'^nm'", "'.*'", "'a'"]) {
      const { found } = await check(`${pages}      patternProperties:\n        ${pattern}: {type: string}\n`);
      expect(found.filter(d => d.ruleId.startsWith('template-unknown-parameter')).map(d => d.message.split(' ')[0])).toEqual(['parameters.nmae']);
    }
  }, 60_000);

  // Reviewer: a page whose properties are misspelt, mis-indented (under spec) or missing still has `required`,
  // a form nobody can pass: it is no caller-fed template, and its unknown names stay errors.
  it.each([
    ['a misspelt properties key', '  parameters:\n    - title: Name\n      required: [entityRef]\n      propeties:\n        entityRef: {type: string}\n'],
    ['properties indented under spec', '  parameters:\n    - title: Name\n      required: [entityRef]\n  properties:\n    entityRef: {type: string}\n'],
    ['a page of text with required', '  parameters:\n    - title: Intro\n      required: [entityRef]\n'],
    ['only patternProperties', "  parameters:\n    - title: Name\n      patternProperties:\n        '.*': {type: string}\n"],
  ])('%s: unknown names stay errors, no caller note', async (_name, parameters) => {
    const { status, found } = await check(parameters);
    expect(found.filter(d => d.ruleId === 'template-caller-parameters')).toEqual([]);
    expect(found.filter(d => d.ruleId === 'template-unknown-parameter').map(d => d.message.split(' ')[0])).toEqual(['parameters.entityRef', 'parameters.nmae', 'parameters.ticket']);
    expect(status).toBe(1);
  }, 60_000);
});
