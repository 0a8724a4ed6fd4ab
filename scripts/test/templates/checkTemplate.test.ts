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
  return checkTemplate({ file: FILE, documents: parsed.documents, problems: parsed.problems, locate: parsed.locate }, REPO_FILES, loadTemplatePolicy(REPO_ROOT)!).map(d => `${d.ruleId}@${d.range.start.line}`);
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
    ['parameter schema that does not compile', 'type: integer', 'type: integr', ['template-parameters-invalid@12']],
    ['skeleton url with a trailing slash', 'url: ../../skeletons/add-redis-cache', 'url: ../../skeletons/add-redis-cache/', []],
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
    expect(check(extra(ORIGINAL.replace(from, to)))).toEqual(expected);
  });
});
