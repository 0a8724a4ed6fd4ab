import { describe, expect, it } from 'vitest';
import { runBin } from '../helpers/runBin.ts';
import { tempRepo } from '../helpers/tempRepo.ts';

// left26: an unquoted template expression in a flow mapping (`input: {message: ${{ x }}}`) made `yaml` trip
// over each token of the line: five yaml-syntax findings (flow-map-start twice, scalar, flow-map-end twice)
// for one mistake, and every line after it in the document was more. Now one finding, counting the others,
// with the hint to quote the expression.
const TEMPLATE = `apiVersion: scaffolder.backstage.io/v1beta3
kind: Template
metadata:
  name: x
spec:
  owner: team
  type: service
  steps:
    - id: log
      action: debug:log
      input: {message: \${{ parameters.name }}}
---
apiVersion: scaffolder.backstage.io/v1beta3
kind: Template
metadata:
  name: y
spec:
  owner: team
  type: service
  steps:
    - id: a
      action: debug:log
      input: {message: \${{ parameters.a }}}
    - id: b
      action: debug:log
      input: {message: \${{ parameters.b }}}
`;

describe('YAML errors on one line (through the bin)', () => {
  it('are one yaml-syntax finding per line, counting the rest, with the quoting hint', async () => {
    const root = await tempRepo({ 'templates/x/template.yaml': TEMPLATE });
    const run = await runBin(['check', '--format', 'json'], root);
    const found = (JSON.parse(run.stdout) as { diagnostics: { ruleId: string; message: string; hint: string; range: { start: { line: number; column: number } } }[] }).diagnostics.filter(d => d.ruleId === 'yaml-syntax');
    expect(found.map(d => `${d.range.start.line}:${d.range.start.column}`)).toEqual(['11:25', '23:25']);
    expect(found[0].message).toMatch(/^Unexpected flow-map-start at node end\. The parser also flags 4 more errors on this line, which follow from this one\./);
    // Past it the parser has left the document: the lines after are lines of "unexpected token", counted on it.
    expect(found[1].message).toMatch(/^Unexpected flow-map-start at node end\. The parser also flags 4 more errors on this line and 19 on later lines, which follow from this one\./);
    for (const d of found) expect(d.hint).toMatch(/^This value is a template expression without quotes/);
    expect(run.status).toBe(1);
  });

  // A fresh user's template.yaml wrapped an output link in `{%- if … %}` / `{%- endif %}`: the parser's "All mapping
  // items must start at the same column" (naming a line at the same column) sent them to fix indentation.
  it('a line that is a template tag is said as such, with a hint that does not point at indentation', async () => {
    const template = `apiVersion: scaffolder.backstage.io/v1beta3
kind: Template
metadata:
  name: x
spec:
  owner: team
  type: service
  steps: []
  output:
    links:
      - title: Repository
        url: https://example.com/\${{ parameters.name }}
      {%- if parameters.ingress %}
      - title: App
        url: https://\${{ parameters.host }}
      {%- endif %}
`;
    const root = await tempRepo({ 'templates/x/template.yaml': template });
    const run = await runBin(['check', '--format', 'json'], root);
    const found = (JSON.parse(run.stdout) as { diagnostics: { ruleId: string; message: string; hint: string; range: { start: { line: number; column: number } } }[] }).diagnostics.filter(d => d.ruleId === 'yaml-syntax');
    expect(found.map(d => `${d.range.start.line}:${d.range.start.column}`)).toEqual(['13:7', '16:8']);
    expect(found[0].message).toMatch(/^Line 13 is a template tag \(\{%- if parameters\.ingress %\}\) where YAML expects content: Backstage parses the file as YAML before anything renders it/);
    for (const d of found) expect(d.hint).toMatch(/^Remove the tag: a step runs conditionally with `if: \$\{\{ … \}\}`/);
    expect(run.status).toBe(1);
  });
});
