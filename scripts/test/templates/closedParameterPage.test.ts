import { describe, expect, it } from 'vitest';
import { runBin } from '../helpers/runBin.ts';
import { templateRepo } from '../helpers/templateRepo.ts';

// Differential round against the real scaffolder's dry-run (scaffolder-backend 4.2.0): the router validates
// the values of the whole form against every page, so a page with additionalProperties: false refuses the
// task (HTTP 400 'is not allowed to have the additional property "owner"') as soon as another page's field is
// given; the form submits every page's values together. check passed such a template.

const template = (first: string, second: string) => `apiVersion: scaffolder.backstage.io/v1beta3
kind: Template
metadata:
  name: closed
spec:
  owner: group:default/platform
  type: service
  parameters:
${first}${second}  steps:
    - id: log
      name: Log
      action: debug:log
      input:
        message: hello
`;

async function check(first: string, second: string) {
  const root = await templateRepo(['../templates/closed/template.yaml'], { 'templates/closed/template.yaml': template(first, second) });
  const run = await runBin(['check', '--format', 'json'], root);
  const diagnostics = JSON.parse(run.stdout).diagnostics as { ruleId: string; severity: string; message: string; range: { start: { line: number } } }[];
  return { status: run.status, findings: diagnostics.map(d => `${d.severity} ${d.ruleId}@${d.range.start.line} ${d.message}`) };
}

const closedFirst = '    - title: Name\n      required: [name]\n      properties:\n        name: {type: string}\n      additionalProperties: false\n';

describe('a parameter page with additionalProperties: false and another page', () => {
  it.each([
    ['the other page requires its field: refused on every run (error)', closedFirst, '    - title: Owner\n      required: [owner]\n      properties:\n        owner: {type: string}\n',
      ['error template-page-closed@13 This page has additionalProperties: false, but other pages ask for owner: Backstage validates the values of the whole form against every page, so it refuses the task on every run, as one of them is required ("is not allowed to have the additional property").']],
    ['the other page has an optional field: refused when it is given (warning)', closedFirst, '    - title: Extra\n      properties:\n        note: {type: string}\n        name: {type: string}\n',
      ['warning template-page-closed@13 This page has additionalProperties: false, but other pages ask for note: Backstage validates the values of the whole form against every page, so it refuses the task whenever the form gives one of them ("is not allowed to have the additional property").']],
  ])('%s', async (_name, first, second, expected) => {
    const result = await check(first, second);
    expect(result.findings).toEqual(expected);
    // A warning when the form may leave the field out (Backstage then accepts the values): failOn is error.
    expect(result.status).toBe(expected[0].startsWith('error') ? 1 : 0);
  }, 60_000);

  it.each([
    ['the other page declares only names the closed page has', closedFirst, '    - title: Again\n      properties:\n        name: {type: string}\n'],
    ['patternProperties on the closed page allow the other names', closedFirst.replace('      additionalProperties', "      patternProperties:\n        '^o': {type: string}\n      additionalProperties"), '    - title: Owner\n      properties:\n        owner: {type: string}\n'],
    ['additionalProperties: false on a page alone', closedFirst, ''],
  ])('%s: no finding, as Backstage accepts it', async (_name, first, second) => {
    const result = await check(first, second);
    expect(result.findings).toEqual([]);
    expect(result.status).toBe(0);
  }, 60_000);

  // Reviewer: properties Backstage reads from a URL at ingestion ($yaml) may declare every other page's field;
  // the gate read the unread stand-in as a page that declares nothing and failed a template Backstage runs.
  it('a closed page whose properties come from a URL the gate cannot read is not judged', async () => {
    const unreadFirst = '    - title: Common\n      properties:\n        $yaml: https://raw.githubusercontent.com/acme/shared/main/common-properties.yaml\n      additionalProperties: false\n';
    const result = await check(unreadFirst, '    - title: Owner\n      required: [owner]\n      properties:\n        owner: {type: string}\n');
    expect(result.findings.filter(f => f.includes('template-page-closed'))).toEqual([]);
    expect(result.findings.filter(f => f.startsWith('error'))).toEqual([]);
  }, 60_000);
});

// Differential: jsonschema 1.5 (the router's validator) checks additionalProperties: false against the properties
// and patternProperties beside it only (testAdditionalProperty), never a branch's; the form submits a branch's
// field like any other. check read only the other pages' top-level properties, so it passed templates whose
// closed page refuses a field declared in a dependencies, oneOf, anyOf, allOf or if/then/else branch.
describe('a closed page and fields declared only inside a branch', () => {
  const branchPage = (branch: string) => `    - title: More\n      properties:\n        kind: {type: string, enum: [app, lib]}\n${branch}`;
  it.each([
    ['a schema dependency of another page', branchPage('      dependencies:\n        kind:\n          properties:\n            port: {type: number}\n'), 'port'],
    ['a oneOf dependency of another page', branchPage('      dependencies:\n        kind:\n          oneOf:\n            - properties:\n                kind: {const: app}\n                port: {type: number}\n'), 'port'],
    ['a oneOf of another page', branchPage('      oneOf:\n        - properties:\n            port: {type: number}\n'), 'port'],
    ['an anyOf of another page', branchPage('      anyOf:\n        - properties:\n            port: {type: number}\n'), 'port'],
    ['an allOf of another page', branchPage('      allOf:\n        - properties:\n            port: {type: number}\n'), 'port'],
    ['an if/then/else of another page', branchPage("      if: {properties: {kind: {const: app}}}\n      then: {properties: {port: {type: number}}}\n      else: {properties: {module: {type: string}}}\n"), 'port, module'],
  ])('%s: refused when given (warning)', async (_name, second, names) => {
    const result = await check(closedFirst, second);
    expect(result.findings).toEqual([`warning template-page-closed@13 This page has additionalProperties: false, but other pages ask for kind, and the form also asks for ${names} in a branch (dependencies, oneOf, anyOf, allOf, if/then/else), which additionalProperties does not look into: Backstage validates the values of the whole form against every page, so it refuses the task whenever the form gives one of them ("is not allowed to have the additional property").`]);
    expect(result.status).toBe(0);
  }, 60_000);

  it('a branch of the closed page itself: its own additionalProperties refuses it too', async () => {
    const ownBranch = closedFirst.replace('      additionalProperties', '      dependencies:\n        name:\n          properties:\n            ticket: {type: string}\n      additionalProperties');
    const result = await check(ownBranch, '');
    expect(result.findings).toEqual(['warning template-page-closed@17 This page has additionalProperties: false, but the form asks for ticket in a branch (dependencies, oneOf, anyOf, allOf, if/then/else, this page\'s own included), which additionalProperties does not look into: Backstage validates the values of the whole form against every page, so it refuses the task whenever the form gives one of them ("is not allowed to have the additional property").']);
  }, 60_000);

  it('a branch field required by an allOf (always applies): refused on every run (error)', async () => {
    const result = await check(closedFirst, '    - title: More\n      allOf:\n        - required: [port]\n          properties:\n            port: {type: number}\n');
    expect(result.findings.map(f => f.split(' ').slice(0, 2).join(' '))).toEqual(['error template-page-closed@13']);
    expect(result.status).toBe(1);
  }, 60_000);

  it('branch fields the closed page lists in its own properties: no finding', async () => {
    const result = await check(closedFirst.replace('        name: {type: string}\n', '        name: {type: string}\n        kind: {type: string}\n        port: {type: number}\n'), branchPage('      dependencies:\n        kind:\n          oneOf:\n            - properties:\n                port: {type: number}\n'));
    expect(result.findings).toEqual([]);
    expect(result.status).toBe(0);
  }, 60_000);
});
