import { describe, expect, it } from 'vitest';
import { collectEntities } from '../../src/catalog/catalogEntity.ts';
import { checkBackstageModel } from '../../src/catalog/checkBackstageModel.ts';
import { parseYaml } from '../../src/load/parseYaml.ts';

const TEMPLATE = `apiVersion: scaffolder.backstage.io/v1beta3
kind: Template
metadata:
  name: hello
spec:
  owner: group:default/platform-team
  type: service
  secrets:
    schema:
      type: object
      required: [token]
  steps:
    - id: log
      action: debug:log
      each: \${{ parameters.names }}
      if: \${{ always() }}
      input:
        message: \${{ each.value }}
  output:
    links:
      - title: Docs
        url: https://example.com
        if: \${{ parameters.docs }}
`;

async function check(text: string) {
  const parsed = parseYaml(text, 'templates/hello/template.yaml');
  const { entities } = collectEntities([{ file: 'templates/hello/template.yaml', documents: parsed.documents, problems: parsed.problems, locate: parsed.locate }], { placeholderSources: new Map() });
  return (await Promise.all(entities.map(entity => checkBackstageModel(entity)))).flat().map(d => `${d.ruleId}@${d.range.start.line} ${d.message}`);
}

// The Template kind as scaffolder-common 2.3.0 defines it: the version scaffolder-backend 4.2.0 and the
// catalog's scaffolder entity model resolve.
describe("the Template kind of the pinned scaffolder's own schema", () => {
  it.each([
    ['secrets with a schema, step each and if, output links with if', (t: string) => t, []],
    ['secrets that are not an object', (t: string) => t.replace(/  secrets:\n    schema:\n      type: object\n      required: \[token\]\n/, '  secrets: token\n'), ['entity-kind-schema@8 /spec/secrets must be object - type: object']],
    ['a link if that is neither a string nor a boolean', (t: string) => t.replace('if: ${{ parameters.docs }}', 'if: [docs]'), ['entity-kind-schema@23 /spec/output/links/0/if must be string,boolean - type: string,boolean']],
  ])('%s', async (_name, edit, expected) => {
    expect(await check(edit(TEMPLATE))).toEqual(expected);
  });
});
