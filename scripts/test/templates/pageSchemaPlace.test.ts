import { describe, expect, it } from 'vitest';
import { runBin } from '../helpers/runBin.ts';
import { tempRepo } from '../helpers/tempRepo.ts';

interface Finding { ruleId: string; file: string; message: string; hint: string; range: { start: { line: number; column: number } } }

// RohanAwasthi's resource-group template declares a Terraform type (`type: map(any)`) in a parameter page: the
// finding stood at the page's `- title:` and named data/properties/Tags/type three times, once per alternative
// Ajv tried.
const TEMPLATE = `apiVersion: scaffolder.backstage.io/v1beta3
kind: Template
metadata:
  name: rg
spec:
  owner: group:default/team-a
  type: service
  parameters:
    - title: Resource Group Creation
      required: [Name, Tags]
      properties:
        Name:
          type: string
          ui:autofocus: true
        Tags:
          title:  Resource Tags
          type: map(any)
    - title: Lists
      properties:
        zones:
          type: array
          items: [{type: string}, {type: strin}]
        size: {type: integer, minimum: low}
    - title: Database
      required:
        - host
        - databaseName
        - port
        - databaseName
      properties:
        host: {type: string}
        databaseName: {type: string}
        port: {type: integer}
  steps:
    - id: log
      name: Log
      action: debug:log
      input:
        message: \${{ parameters.Name }}
---
apiVersion: backstage.io/v1alpha1
kind: Group
metadata: {name: team-a}
spec: {type: team, children: []}
`;

describe('template-parameters-invalid (check, through the bin)', () => {
  it('stands at the keyword the meta-schema refuses and names its path once', async () => {
    const root = await tempRepo({ 'template.yaml': TEMPLATE });
    const run = await runBin(['check', '--format', 'json', 'template.yaml'], root);
    expect(run.status).toBe(1);
    const found = (JSON.parse(run.stdout).diagnostics as Finding[]).filter(d => d.ruleId === 'template-parameters-invalid');
    const types = 'array, boolean, integer, null, number, object, string';
    expect(found.map(d => `${d.range.start.line}:${d.range.start.column} ${d.message}`)).toEqual([
      `17:17 This parameter page is not a valid JSON Schema: properties.Tags.type is "map(any)": it must be equal to one of the allowed values (${types}), or must be array.`,
      // An item of a list: the item's own keyword, not the list Ajv also refuses because of it.
      `22:42 This parameter page is not a valid JSON Schema: properties.zones.items[1].type is "strin": it must be equal to one of the allowed values (${types}), or must be array.`,
      `23:40 This parameter page is not a valid JSON Schema: properties.size.minimum is "low": it must be number.`,
      // mythun-git's page listed a required name twice: Ajv's "items ## 6 and 1 are identical" stood at the list's first item.
      `29:11 This parameter page is not a valid JSON Schema: required[3] repeats required[1] ("databaseName"): the list must not hold an item twice.`,
    ]);
    // rjsf's validator turns the compile error into a validation error: the page shows, Next does not pass it.
    expect(new Set(found.map(d => d.hint))).toEqual(new Set(["Fix the schema: Backstage's form (react-jsonschema-form, Ajv) shows the page but cannot compile it, so pressing Next shows Ajv's error (schema is invalid: …) instead of moving on, and no one can start the template from the UI."]));
  }, 60_000);
});
