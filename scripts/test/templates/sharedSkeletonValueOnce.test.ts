import { describe, expect, it } from 'vitest';
import { runBin } from '../helpers/runBin.ts';
import { templateRepo } from '../helpers/templateRepo.ts';

interface Finding { ruleId: string; file: string; message: string; range: { start: { line: number; column: number } } }

// Template sweep 15: a skeleton several templates fetch (skeletons/svc, one golden path in three flavours) using
// a value none of them passes was one skeleton-unknown-value per template at the same line and column: one cause
// (a misspelt name in the skeleton, or a value every step forgot) said three times. Now one finding at the use,
// naming the other steps that do not pass it; a step that passes it is not named, and a value only some steps
// miss is still said at the first of them.
const template = (name: string, values: string) => `apiVersion: scaffolder.backstage.io/v1beta3
kind: Template
metadata:
  name: ${name}
spec:
  owner: group:default/platform
  type: service
  parameters:
    - properties:
        name: {type: string}
  steps:
    - id: fetch
      name: Fetch
      action: fetch:template
      input:
        url: ../../skeletons/svc
        values:
          name: \${{ parameters.name }}
${values}`;

const files = {
  'skeletons/svc/info.txt': 'name: ${{ values.name }}\nowner: ${{ values.ownr }}\ntier: ${{ values.tier }}\n',
  'templates/a/template.yaml': template('a', ''),
  'templates/b/template.yaml': template('b', ''),
  'templates/c/template.yaml': template('c', '          ownr: team-c\n'),
  'templates/d/template.yaml': template('d', ''),
};

describe('a value no step fetching a shared skeleton passes (check, through the bin)', () => {
  it('is one skeleton-unknown-value at its use, naming the other steps that do not pass it', async () => {
    const root = await templateRepo(['../templates/a/template.yaml', '../templates/b/template.yaml', '../templates/c/template.yaml', '../templates/d/template.yaml'], files);
    const run = await runBin(['check', '--format', 'json'], root);
    const found = (JSON.parse(run.stdout).diagnostics as Finding[]).filter(d => d.ruleId === 'skeleton-unknown-value');
    expect(found.map(d => `${d.file}:${d.range.start.line}:${d.range.start.column}`)).toEqual(['skeletons/svc/info.txt:2:19', 'skeletons/svc/info.txt:3:18']);
    expect(found[0].message).toBe('values.ownr is never passed by templates/a/template.yaml, step fetch, so it renders as nothing (or as "undefined" where the expression builds a string from it). Nor do the 2 other step(s) that fetch this skeleton, not reported again: templates/b/template.yaml, step fetch; templates/d/template.yaml, step fetch.');
    expect(found[1].message).toContain('Nor do the 3 other step(s) that fetch this skeleton, not reported again: templates/b/template.yaml, step fetch; templates/c/template.yaml, step fetch; templates/d/template.yaml, step fetch.');
    expect(run.status).toBe(1);
  }, 60_000);
});
