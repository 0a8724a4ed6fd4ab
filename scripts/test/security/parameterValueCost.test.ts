import { describe, expect, it } from 'vitest';
import { tempRepo } from '../helpers/tempRepo.ts';
import { runBin } from './runBin.ts';

// Red team 34: Ajv's uniqueItems compares every pair of an array's items, and draft-07's meta-schema, which
// each parameter page is checked against, makes every enum uniqueItems (30,000 choices: 6 s); the value
// check (template-parameter-value-invalid) compiled the parameter's schema once per choice (a fresh copy
// each time, which Ajv caches by identity: about a millisecond each) and ran uniqueItems over defaults.
// One template of 30,000 choices, a 20,000-object default and a 9,000-choice field (within the file cap)
// held check about 40 s; a few such templates, the gate's budget. Now a page holding a list of more than
// 10,000 items is a template-parameters-invalid warning and not compiled (its regions are still checked),
// a value holding an array of more than 1,000 items is not judged, and a schema is compiled once.
const group = 'apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: team-a\nspec:\n  type: team\n  children: []\n';
const choices = Array.from({ length: 30_000 }, (_, i) => `c${i}`).join(',');
const objects = Array.from({ length: 20_000 }, (_, i) => `{a: ${i}}`).join(',');
const template = `apiVersion: scaffolder.backstage.io/v1beta3
kind: Template
metadata:
  name: ok
spec:
  owner: group:team-a
  type: service
  parameters:
    - title: Page
      properties:
        choice:
          type: string
          default: nope
          enum: [${choices}]
        extras:
          type: array
          uniqueItems: true
          default: [${objects}]
    - title: Second
      properties:
        flavour:
          type: string
          default: nope
          enum: [${Array.from({ length: 9_000 }, (_, i) => `f${i}`).join(',')}]
  steps:
    - id: log
      action: debug:log
      input:
        message: hi
`;

describe('parameter choices and defaults by the thousand (shipped bin)', () => {
  it('check judges them in seconds: the huge page is one warning, the other still has its default judged', async () => {
    const root = await tempRepo({ 'catalog/group.yaml': group, 'templates/ok/template.yaml': template });
    const result = await runBin(['check'], root);
    expect(result.stderr).not.toContain('internal error');
    expect(result.stdout).toMatch(/holds a list of more than 10000 items[^]*template-parameters-invalid/);
    expect(result.stdout).not.toMatch(/parameter choice does not pass/);
    expect(result.stdout).toMatch(/The default "nope" of parameter flavour does not pass/);
    // 71 s without the fix, 15 s with it on a busy two-core machine.
    expect(result.milliseconds).toBeLessThan(35_000);
  }, 180_000);
});
