import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseYaml } from '../../src/load/parseYaml.ts';
import { checkTemplate } from '../../src/templates/checkTemplate.ts';
import { loadTemplatePolicy } from '../../src/templates/templateGate.ts';
import { REPO_ROOT } from '../helpers/tempRepo.ts';

const FILE = 'templates/add-redis-cache/template.yaml';
const ORIGINAL = readFileSync(join(REPO_ROOT, FILE), 'utf8');
const REPO_FILES = new Set(['skeletons/add-redis-cache/infra/modules/redis.bicep']);

function check(text: string) {
  const parsed = parseYaml(text, FILE);
  return checkTemplate({ file: FILE, documents: parsed.documents, problems: parsed.problems, locate: parsed.locate }, REPO_FILES, loadTemplatePolicy(REPO_ROOT)!, undefined, text).map(d => `${d.ruleId}@${d.range.start.line}`);
}

function detailed(text: string) {
  const parsed = parseYaml(text, FILE);
  return checkTemplate({ file: FILE, documents: parsed.documents, problems: parsed.problems, locate: parsed.locate }, REPO_FILES, loadTemplatePolicy(REPO_ROOT)!, undefined, text).map(d => `${d.ruleId}@${d.range.start.line}:${d.range.start.column} ${d.message}`);
}

describe('static template checks', () => {
  it('pass the shipped template', () => {
    expect(check(ORIGINAL)).toEqual([]);
  });

  it.each([
    ['unknown parameter', 'service: ${{ parameters.service }}', 'service: ${{ parameters.servce }}', ['template-unknown-parameter@53']],
    ['step read before it runs', "url: ${{ steps['pull-request'].output.remoteUrl }}", "url: ${{ steps['pull-requests'].output.remoteUrl }}", ['template-unknown-step@69']],
    ['action outside the allow-list', 'action: publish:github:pull-request', 'action: run:shell', ['template-action-not-allowed@60']],
    ['missing skeleton', 'url: ../../skeletons/add-redis-cache', 'url: ../../skeletons/add-redis', ['template-skeleton-missing@51']],
    ['region outside the allow-list', 'enum: [westeurope, northeurope, swedencentral]', 'enum: [westeurope, eastus]', ['template-region-not-allowed@32']],
    ['parameter schema that does not compile', 'type: integer', 'type: integr', ['template-parameters-invalid@27']],
    ['skeleton url with a trailing slash', 'url: ../../skeletons/add-redis-cache', 'url: ../../skeletons/add-redis-cache/', []],
    ['parameter with a near declared name', 'service: ${{ parameters.service }}', 'service: ${{ parameters.servce }}', ['template-unknown-parameter@53:24 parameters.servce is not declared in spec.parameters, so the form never asks for it: it renders as empty unless a caller passes it, in the URL\'s ?formData= or in the values of POST /api/scaffolder/v2/tasks (the backend validates only the declared pages and lets other keys through). Did you mean parameters.service?']],
    ['undeclared parameter with a fallback: a warning that does not claim it renders empty', 'service: ${{ parameters.service }}', "service: ${{ parameters.service }}\n          zone: ${{ parameters.zone or 'eu-1' }}", ["template-unknown-parameter-fallback@54:21 parameters.zone is not declared in spec.parameters, so the form never asks for it and the fallback in ${{ parameters.zone or 'eu-1' }} always applies."]],
    ['undeclared parameter under | default', 'service: ${{ parameters.service }}', "service: ${{ parameters.service }}\n          zone: ${{ parameters.zone | default('eu-1') }}", ["template-unknown-parameter-fallback@54:21 parameters.zone is not declared in spec.parameters, so the form never asks for it and the fallback in ${{ parameters.zone | default('eu-1') }} always applies."]],
    ['undeclared parameter tested by if', 'service: ${{ parameters.service }}', "service: ${{ parameters.service }}\n          zone: ${{ 'z' if parameters.zone else 'eu-1' }}", ["template-unknown-parameter-fallback@54:28 parameters.zone is not declared in spec.parameters, so the form never asks for it and the fallback in ${{ 'z' if parameters.zone else 'eu-1' }} always applies."]],
    ['unknown filter in a step input', 'service: ${{ parameters.service }}', "service: ${{ parameters.service | shout }}", ['template-unknown-filter@53:20 Unknown template filter "shout": the scaffolder cannot render ${{ parameters.service | shout }}, and passes the whole value on as raw text.']],
    ['a filter only cookiecutter mode has', 'service: ${{ parameters.service }}', "service: ${{ parameters.service | jsonify }}", ['template-unknown-filter@53:20 Unknown template filter "jsonify": the scaffolder cannot render ${{ parameters.service | jsonify }}, and passes the whole value on as raw text.']],
    // Fidelity sweep, 2026-12-01: the runner's render fails on these at evaluation, and it passes the raw text on.
    ['an unknown test in a step input', 'service: ${{ parameters.service }}', 'service: ${{ parameters.service is in(["a"]) }}', ['template-unknown-test@53:20 Unknown template test "in": the scaffolder cannot render ${{ parameters.service is in(["a"]) }}, and passes the whole value on as raw text.']],
    ['a call of a function the renderer does not have: at the call', 'service: ${{ parameters.service }}', 'service: ${{ uuid() }}', ['template-unknown-function@53:24 uuid() is no function the scaffolder\'s renderer knows (the value uuid is undefined and cannot be called). The scaffolder then cannot render ${{ uuid() }}, and passes the whole value on as raw text.']],
    // Calls the workflow renderer cannot make (asked of Nunjitsu), at the called name as Nunjitsu reports it.
    ['Math.max: no JavaScript globals', 'service: ${{ parameters.service }}', 'service: ${{ parameters.service }}-${{ Math.max(1, 2) }}', ['template-unknown-function@53:55 Math.max() cannot be called: Math is not defined when the scaffolder renders (a template sees no JavaScript globals such as Math or JSON), so Math.max is undefined. The scaffolder then cannot render ${{ Math.max(1, 2) }}, and passes the whole value on as raw text.']],
    ['JSON.stringify of the parameters', 'service: ${{ parameters.service }}', 'service: ${{ JSON.stringify(parameters) }}', ['template-unknown-function@53']],
    ['a method no value has (padStart, replaceAll)', 'service: ${{ parameters.service }}', "service: ${{ parameters.service.padStart(3) }}\n          zone: ${{ parameters.service.replaceAll('-', '_') }}", ['template-unknown-function@53', 'template-unknown-function@54']],
    ['loop.cycle() in a for loop of the string', 'service: ${{ parameters.service }}', "service: '{% for s in [1, 2] %}${{ loop.cycle(\"a\", \"b\") }}{% endfor %}'", ['template-unknown-function@53']],
    ['printing joiner()', 'service: ${{ parameters.service }}', 'service: ${{ joiner() }}', ['template-unknown-function@53']],
    // No false alarms: the runner's globals, methods of values whose kind the check cannot know, names the string sets.
    ["the runner's always() and failure() in a step's if", '    - id: pull-request\n', "    - id: pull-request\n      if: ${{ always() and not failure() }}\n", []],
    ['string methods Nunjitsu allows, on a filter result too', 'service: ${{ parameters.service }}', "service: ${{ parameters.service.toUpperCase() }}-${{ parameters.service.split(',') | first }}-${{ (parameters.service | lower).replace('-', '_') }}", []],
    ['a method of a name the string sets (kind unknown)', 'service: ${{ parameters.service }}', "service: '{% set x = parameters.service %}${{ x.padStart(3) }}'", []],
    ['an item of a loop over the parameters', 'service: ${{ parameters.service }}', "service: '{% for s in parameters.service %}${{ s.padStart(2) }}{% endfor %}'", ['template-unknown-function@53']],
    ['cycler().next() and a kept joiner', 'service: ${{ parameters.service }}', "service: '{% set j = joiner() %}${{ cycler(1, 2).next() }}${{ j() }}'", []],
    ['a chain of 2,000 filters (red team): judged in linear time, no stack overflow', 'service: ${{ parameters.service }}', `service: \${{ parameters.service${' | upper'.repeat(2000)} }}`, []],
    ['known tests and globals', 'service: ${{ parameters.service }}', "service: ${{ parameters.service if parameters.service is defined and 4 is divisibleby(2) else range(2) | join }}", []],
    ['known filters, the scaffolder\'s own included', 'service: ${{ parameters.service }}', "service: ${{ parameters.service | lower | replace('-', '_') }}-${{ (parameters.repoUrl | parseRepoUrl).repo }}", []],
    ['an expression in a block scalar, on its own line and column', '        description: Adds', '        description: |\n          Adds the cache.\n          Owner: ${{ parameters.ownr }}\n        other: Adds', ['template-unknown-parameter@67:22 parameters.ownr is not declared in spec.parameters, so the form never asks for it: it renders as empty unless a caller passes it, in the URL\'s ?formData= or in the values of POST /api/scaffolder/v2/tasks (the backend validates only the declared pages and lets other keys through).']],
    // RJSF's dependencies/oneOf, as Backstage's docs write conditional fields, declares parameters too.
    [
      'parameter declared only under dependencies',
      'service: ${{ parameters.service }}\n',
      'service: ${{ parameters.service }}\n          zone: ${{ parameters.zone }}\n',
      [],
      (text: string) => text.replace('    - title: Repository\n', "      dependencies:\n        sku:\n          oneOf:\n            - properties:\n                sku: {const: Premium}\n                zone: {type: string}\n    - title: Repository\n"),
    ],
  ] as [string, string, string, string[], ((text: string) => string)?][])('%s', (_name, from, to, expected, extra = (t: string) => t) => {
    expect(ORIGINAL.includes(from)).toBe(true);
    const found = check(extra(ORIGINAL.replace(from, to)));
    // Cases that name the message also pin the column: the expression itself, not its YAML value.
    if (expected.some(e => e.includes(' '))) expect(detailed(extra(ORIGINAL.replace(from, to)))).toEqual(expected);
    else expect(found).toEqual(expected);
  });

  // Where Nunjitsu stops: at the called name (the method's, in a lookup), not at the expression's start.
  it.each([
    ['JSON.stringify', 'service: ${{ JSON.stringify(parameters) }}', '53:29'],
    ['padStart', 'service: ${{ parameters.service.padStart(3) }}', '53:43'],
    ['loop.cycle in a for loop', "service: '{% for s in [1, 2] %}${{ loop.cycle(\"a\", \"b\") }}{% endfor %}'", '53:51'],
    ['a printed joiner()', 'service: ${{ joiner() }}', '53:24'],
    ['a call on the second line of a block scalar', 'service: |\n            x\n            ${{ Math.max(1) }}', '55:22'],
  ])('a call the renderer cannot make is reported at the call: %s', (_name, to, at) => {
    expect(detailed(ORIGINAL.replace('service: ${{ parameters.service }}', to)).map(d => d.split(' ')[0])).toEqual([`template-unknown-function@${at}`]);
  });

  // Each its own finding (withoutRepeats no longer merges a gate's alike findings): each at its own copy.
  it('the same expression twice in one value: two findings, each at its copy', () => {
    const found = detailed(ORIGINAL.replace('service: ${{ parameters.service }}', 'service: ${{ parameters.servce }}-${{ parameters.servce }}'));
    expect(found.map(d => d.split(' ')[0])).toEqual(['template-unknown-parameter@53:24', 'template-unknown-parameter@53:49']);
  });

  // Red team: each expression of a string with a {% … %} reads the names the whole string binds. Parsed once
  // per string, this takes well under a second; once per expression it took over a minute (past the timeout).
  it('a value of 3,000 expressions inside one {% if %}: every call judged, the string parsed once', () => {
    const many = Array.from({ length: 3000 }, (_, i) => `\${{ parameters.service.m${i}() }}`).join(' ');
    const found = check(ORIGINAL.replace('service: ${{ parameters.service }}', `service: '{% if true %}${many}{% endif %}'`));
    expect(found.length).toBe(3000);
    expect(new Set(found)).toEqual(new Set(['template-unknown-function@53']));
  }, 20_000);

  it('a call of a hostile 5,000-character method: one finding, its message bounded', () => {
    const found = detailed(ORIGINAL.replace('service: ${{ parameters.service }}', `service: \${{ parameters.service.${'a'.repeat(5000)}() }}`));
    expect(found.map(d => d.split(' ')[0])).toEqual(['template-unknown-function@53:43']);
    // Bounded: the method's name is cut; the sentence naming the scaffolder version judged against is of fixed length.
    expect(found[0].length).toBeLessThan(900);
  });

  // One Ajv serves every template's pages (its meta-schema compiled once); what a template's pages register
  // must not leak into the next template's check, and must still collide within one template.
  describe('parameter pages with an $id', () => {
    const withId = (id: string) => ORIGINAL.replace('    - title: Cache\n', `    - title: Cache\n      $id: ${id}\n`);
    const bothPages = (id: string) => withId(id).replace('    - title: Repository\n', `    - title: Repository\n      $id: ${id}\n`);

    it('are judged alone in each template: the same $id in the next template is no conflict', () => {
      expect(check(withId('https://example.com/cache'))).toEqual([]);
      expect(check(withId('https://example.com/cache'))).toEqual([]);
    });

    it('still collide within one template, every time it is checked', () => {
      expect(check(bothPages('https://example.com/same'))).toEqual(['template-parameters-invalid@37']);
      expect(check(bothPages('https://example.com/same'))).toEqual(['template-parameters-invalid@37']);
    });

    it('never replace the meta-schema the next template is judged against', () => {
      expect(detailed(withId('http://json-schema.org/draft-07/schema'))[0]).toMatch(/^template-parameters-invalid@12:7 .*already exists/);
      expect(check(ORIGINAL.replace('type: integer', 'type: integr'))).toEqual(['template-parameters-invalid@27']);
    });
  });
});
