import { describe, expect, it } from 'vitest';
import { runBin } from '../helpers/runBin.ts';
import { templateRepo } from '../helpers/templateRepo.ts';

interface Finding { ruleId: string; severity: string; file: string; message: string; range: { start: { line: number; column: number } } }

// Template sweep 15: a parameter whose own default or choices its schema refuses passed the gate. Zenardi's
// crossplane eks template defaults environment to "development" outside its enum [poc, dev, staging, prod];
// mythun-git's PG template offers `type: string` with `enum: [true, false]` (YAML booleans, so no choice is a
// string); q-shift's launch-ansible-job defaults a string textarea to {}. Backstage's form (rjsf, Ajv 8)
// fills the default in or offers the choice, then refuses the page; the backend refuses the wrong type too.
const TEMPLATE = `apiVersion: scaffolder.backstage.io/v1beta3
kind: Template
metadata:
  name: params
spec:
  owner: group:default/platform
  type: service
  parameters:
    - title: Where
      properties:
        environment:
          type: string
          default: development
          enum: [poc, dev, prod]
        publiclyAccessible:
          type: string
          enum:
            - true
            - false
        extra_vars:
          type: string
          default: {}
        tier:
          type: string
          default: gold
          ui:widget: hidden
          pattern: '^[a-z]+-[0-9]$'
        size:
          type: string
          default: small
          enum: [small, large]
        replicas:
          type: integer
          default: 2
          minimum: 1
        flavour:
          type: string
          default: \${{ parameters.size }}
          enum: [a, b]
      dependencies:
        size:
          oneOf:
            - properties:
                size: {enum: [large]}
                disk: {type: number, default: '20'}
  steps:
    - id: log
      name: log
      action: debug:log
      input:
        message: hi
`;

describe('a parameter default or enum choice its own schema refuses (check, through the bin)', () => {
  it('is template-parameter-value-invalid at the default or the choice; valid ones and templated defaults are none', async () => {
    const root = await templateRepo(['../templates/params/template.yaml'], { 'templates/params/template.yaml': TEMPLATE });
    const run = await runBin(['check', '--format', 'json'], root);
    expect(run.stderr).not.toContain('internal error');
    const found = (JSON.parse(run.stdout).diagnostics as Finding[]).filter(d => d.ruleId === 'template-parameter-value-invalid');
    expect(found.map(d => `${d.severity} ${d.range.start.line}:${d.range.start.column}`)).toEqual([
      'warning 13:20',
      'error 18:15',
      'error 19:15',
      'warning 22:20',
      'error 25:20',
      'warning 45:47',
    ]);
    expect(found[0].message).toContain('The default "development" of parameter environment does not pass the parameter\'s own schema (must be equal to one of the allowed values ("poc", "dev", "prod"))');
    expect(found[1].message).toContain('none of its choices passes, so no value can be submitted');
    expect(found[1].message).toContain('must be string');
    expect(found[4].message).toContain('which this hidden or read-only field does not let anyone do');
    expect(found[5].message).toContain('parameter disk');
    expect(run.status).toBe(1);
  }, 60_000);
});
