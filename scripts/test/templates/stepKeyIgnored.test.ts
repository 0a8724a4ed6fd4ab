import { describe, expect, it } from 'vitest';
import { runBin } from '../helpers/runBin.ts';
import { templateHead, templateRepo } from '../helpers/templateRepo.ts';

interface Finding { ruleId: string; severity: string; message: string; hint: string; range: { start: { line: number; column: number } } }

// NunjucksWorkflowRunner (scaffolder-backend 4.2.0) reads a step's id, name, action, input, if and each, and
// the permission filter its backstage:permissions; the catalog's Template schema lets any other key through.
// A key written beside input (an input the action takes, or a setting the scaffolder does not have) is
// silently dropped: templates in the field put copyWithoutTemplating, continueOnFailure and force there.
const TEMPLATE = `${templateHead('svc')}    - id: fetch
      name: Fetch
      action: fetch:template
      copyWithoutTemplating:
        - .github/workflows/*
      input:
        url: ../../skeletons/svc
        values:
          name: \${{ parameters.name }}
    - id: log
      name: Log
      action: debug:log
      continueOnFailure: true
      if: \${{ parameters.name }}
      each: [a, b]
      backstage:permissions:
        tags: [x]
      input:
        message: \${{ each.value }}
`;

describe('a step key Backstage ignores (check, through the bin)', () => {
  it('is a warning at the key, naming the input the action takes or saying the scaffolder has no such setting', async () => {
    const root = await templateRepo(['../templates/svc/template.yaml'], {
      'templates/svc/template.yaml': TEMPLATE,
      'skeletons/svc/README.md': '# ${{ values.name }}\n',
    });
    const run = await runBin(['check', '--format', 'json'], root);
    const found = (JSON.parse(run.stdout).diagnostics as Finding[]).filter(d => d.ruleId === 'template-step-key-ignored');
    expect(found.map(d => `${d.severity}@${d.range.start.line}:${d.range.start.column}`)).toEqual(['warning@17:7', 'warning@26:7']);
    expect(found[0].message).toBe("copyWithoutTemplating is written beside the step's input, where Backstage's scaffolder never reads it: fetch:template gets only what is under input, so the step runs without copyWithoutTemplating.");
    expect(found[0].hint).toBe("Move copyWithoutTemplating under the step's input:.");
    expect(found[1].message).toBe("continueOnFailure is no setting of a step: Backstage's scaffolder reads a step's id, name, action, input, if and each (and backstage:permissions) and ignores the rest, so the step runs as if continueOnFailure were not there.");
    expect(found[1].hint).toBe('The scaffolder has no way to go on past a failed step: a failure of this step ends the task. Remove the key, or make the step unable to fail (an if: that skips it).');
    expect(run.status).toBe(0);
  });

  it('takes a key that only differs in case from a step field for a misspelling of it', async () => {
    const template = `${templateHead('svc')}    - id: log
      action: debug:log
      Input:
        message: hi
`;
    const root = await templateRepo(['../templates/svc/template.yaml'], { 'templates/svc/template.yaml': template });
    const run = await runBin(['check', '--format', 'json'], root);
    const found = (JSON.parse(run.stdout).diagnostics as Finding[]).filter(d => d.ruleId === 'template-step-key-ignored');
    expect(found.map(d => `${d.severity}@${d.range.start.line} ${d.hint}`)).toEqual(['warning@16 Write it input: the keys are case-sensitive.']);
  });
});
