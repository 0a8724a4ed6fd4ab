import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectCleanStderr, gitops } from '../e2e/gitops.ts';
import { REPO_ROOT } from '../helpers/tempRepo.ts';
import { templateHead, templateRepo } from '../helpers/templateRepo.ts';

interface Finding { ruleId: string; file: string; message: string; range: { start: { line: number; column: number } } }

const POLICY = {
  'schemas/template-policy/actions.json': readFileSync(join(REPO_ROOT, 'schemas/template-policy/actions.json'), 'utf8'),
  'schemas/template-policy/regions.json': readFileSync(join(REPO_ROOT, 'schemas/template-policy/regions.json'), 'utf8'),
};
const FILE = 'templates/svc/template.yaml';
const STEPS = `    - id: log
      name: Log
      action: debug:log
      input:
        message: \${{ parameters.name }}
`;

// Each page offers its regions somewhere the form shows a field (red team, repro-5, and the other places
// a JSON Schema can put one); `# <- n` marks the line the finding must point at.
const PAGES = `    - title: Allowed, however written
      properties:
        region: {type: string, enum: [westeurope, northeurope], default: westeurope}
        primaryRegion: {const: westeurope}
        regions: {type: array, uniqueItems: true, items: {enum: [westeurope, swedencentral]}}
        backupRegion: {$ref: '#/definitions/euRegion'}
        displayRegion: {oneOf: [{const: westeurope, title: West Europe}, {const: northeurope, title: North Europe}]}
        enableMultiRegion: {type: boolean, default: false}
        regionCount: {type: integer, default: 2, examples: [3]}
        regionSettings: {type: object, properties: {failover: {type: boolean}}}
      definitions:
        euRegion: {enum: [northeurope]}
      if: {properties: {region: {pattern: '^west'}}}
      then: {properties: {zone: {type: string}}}
    - title: Conditional field (dependencies, as Backstage documents it)
      properties:
        deploy: {type: boolean}
      dependencies:
        deploy:
          oneOf:
            - properties:
                deploy: {const: true}
                region: {type: string, enum: [westeurope, eastus]} # <- B
    - title: Nested object
      properties:
        azure:
          type: object
          properties:
            region: {type: string, enum: [westus2]} # <- C
    - title: A page in allOf
      allOf:
        - properties:
            region: {type: string, enum: [eastus]} # <- D
    - title: then / else
      properties:
        cloud: {enum: [azure, aws]}
      if: {properties: {cloud: {const: aws}}}
      then:
        properties:
          awsRegion: {enum: [us-east-1]} # <- E
      else:
        properties:
          azureRegion: {enum: [westeurope], default: eastasia} # <- F
    - title: An array of sites
      properties:
        sites:
          type: array
          items:
            type: object
            properties:
              region: {enum: [westeurope], examples: [brazilsouth]} # <- G
    - title: A $ref into the page
      properties:
        target: {$ref: '#/definitions/target'}
      definitions:
        target:
          type: object
          properties:
            dr_region: {type: string} # <- H
    - title: Free text in a branch
      properties:
        region: {anyOf: [{enum: [westeurope]}, true]} # <- I
    - title: Two $refs to one free schema (red team, round 2)
      properties:
        region: {allOf: [{$ref: '#/definitions/free'}, {$ref: '#/definitions/free'}]} # <- J
      definitions:
        free: {type: string}
    - title: A tuple whose further items are free text
      properties:
        regions: {type: array, items: [{enum: [westeurope]}], additionalItems: {type: string}} # <- K
    - title: A tuple closed to further items
      properties:
        homeRegions: {type: array, items: [{enum: [westeurope]}], additionalItems: false}
`;

function lineOf(text: string, marker: string): number {
  return text.split('\n').findIndex(line => line.endsWith(`# <- ${marker}`)) + 1;
}

async function check(template: string) {
  const root = await templateRepo(['../templates/svc/template.yaml'], { [FILE]: template, ...POLICY });
  const run = await gitops(root, ['check', '--format', 'json']);
  expectCleanStderr(run);
  return { status: run.status, found: (JSON.parse(run.stdout).diagnostics as Finding[]).filter(d => d.ruleId === 'template-region-not-allowed') };
}

describe("the org's region allow-list sees every field a parameter page offers (check, through the bin)", () => {
  it('reports regions offered in dependencies, nested objects, allOf, then/else, items and $refs, at their line', async () => {
    const template = templateHead('svc').replace('    - title: Name\n', `${PAGES}    - title: Name\n`) + STEPS;
    const { status, found } = await check(template);
    const at = (marker: string) => `${FILE}:${lineOf(template, marker)}`;
    expect(found.map(d => `${d.file}:${d.range.start.line} ${d.message.replace(/, outside the org's allow-list.*$/, '')}`)).toEqual([
      `${at('B')} The region parameter offers eastus`,
      `${at('C')} The azure.region parameter offers westus2`,
      `${at('D')} The region parameter offers eastus`,
      `${at('E')} The awsRegion parameter offers us-east-1`,
      `${at('F')} The azureRegion parameter offers eastasia`,
      `${at('G')} The sites.region parameter offers brazilsouth`,
      `${at('H')} The target.dr_region parameter offers (any value)`,
      `${at('I')} The region parameter offers (any value)`,
      `${at('J')} The region parameter offers (any value)`,
      `${at('K')} The regions parameter offers (any value)`,
    ]);
    expect(status).toBe(1);
  }, 60_000);

  it('bounds the walk: a page nested past 32 levels, or past 5,000 schemas, is a finding at the page, in seconds', async () => {
    const deep = `    - title: Deep\n      properties:\n${Array.from({ length: 40 }, (_, i) => `${'  '.repeat(i * 2 + 4)}l${i}:\n${'  '.repeat(i * 2 + 5)}properties:\n`).join('')}${'  '.repeat(84)}region: {enum: [eastus]}\n`;
    // Two objects of 2,600 fields each: over 5,000 schemas, while no one mapping passes the 5,000 keys a
    // catalog file may hold (yaml-node-limit refuses such a file before any check reads it).
    const half = (name: string) => `        ${name}:\n          properties:\n${Array.from({ length: 2600 }, (_, i) => `            p${i}: {type: string}\n`).join('')}`;
    const wide = `    - title: Wide\n      properties:\n${half('a')}${half('b')}        region: {enum: [eastus]}\n`;
    const template = templateHead('svc').replace('    - title: Name\n', `${deep}${wide}    - title: Name\n`) + STEPS;
    const started = Date.now();
    const { found } = await check(template);
    const lines = template.split('\n');
    expect(found.map(d => `${lines[d.range.start.line - 1].trim()} ${d.message.split(':')[0]}`)).toEqual([
      '- title: Deep This parameter page nests its schemas deeper than 32 levels',
      '- title: Wide This parameter page holds more than 5,000 schemas',
    ]);
    expect(Date.now() - started).toBeLessThan(20_000);
  }, 60_000);

  // RJSF (findSchemaDefinition + jsonpointer) URI-decodes the whole fragment, then splits it: `%2F` separates
  // tokens, while `~1` (also written `%7E1`) is a `/` inside one token. A decode per token read the other key.
  it('a $ref with %2F, ~1 and %7E1 in its fragment resolves as RJSF resolves it', async () => {
    const page = `    - title: Escaped $refs
      properties:
        region: {$ref: '#/definitions/a%2Fb'} # <- P
        homeRegion: {$ref: '#/definitions/c~1d'} # <- Q
        farRegion: {$ref: '#/definitions/c%7E1d~0'} # <- R
      definitions:
        a/b: {enum: [westeurope]}
        a:
          b: {enum: [eastus]}
        c/d: {enum: [westus]}
        c/d~: {enum: [centralus]}
        c:
          d: {enum: [westeurope]}
`;
    const template = templateHead('svc').replace('    - title: Name\n', `${page}    - title: Name\n`) + STEPS;
    const { found } = await check(template);
    const at = (marker: string) => `${FILE}:${lineOf(template, marker)}`;
    expect(found.map(d => `${d.file}:${d.range.start.line} ${d.message.replace(/, outside the org's allow-list.*$/, '')}`)).toEqual([
      `${at('P')} The region parameter offers eastus`,
      `${at('Q')} The homeRegion parameter offers westus`,
      `${at('R')} The farRegion parameter offers centralus`,
    ]);
  }, 60_000);
});
