import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dataRepoCopy } from '../helpers/gitRepo.ts';
import { commit, edit, PAYMENTS, PAYMENTS_OPENAPI, startPullRequest } from './prChange.ts';
import { runReport } from './runReport.ts';

// fresh8: Spectral linted only the definitions of APIs the base already had. A pull request adding a new API
// whose OpenAPI document breaks the specification (no info.version, an operation without responses), or is
// not even YAML, passed `report --base` with no finding at all, while an edit of an existing one was linted.
describe('report --base lints the definition of an API the change adds', () => {
  it('a new API\'s OpenAPI file: Spectral\'s errors at its lines, introduced by the change', async () => {
    const root = await dataRepoCopy();
    const base = startPullRequest(root);
    edit(root, PAYMENTS, t => `${t.trimEnd()}\n---\napiVersion: backstage.io/v1alpha1\nkind: API\nmetadata:\n  name: refunds-openapi\n  description: Refunds.\nspec:\n  type: openapi\n  lifecycle: experimental\n  owner: payments-team\n  system: payments-core\n  definition:\n    $text: ./definitions/refunds-openapi.yaml\n`);
    writeFileSync(join(root, 'catalog/systems/payments-core/definitions/refunds-openapi.yaml'), 'openapi: 3.0.3\ninfo:\n  title: Refunds\npaths:\n  /refunds:\n    get: {}\n');
    commit(root, 'refunds API');
    const { status, json } = await runReport(root, base);
    expect(status).toBe(1);
    const lint = json.diagnostics.filter(d => d.ruleId === 'api-lint' && d.file === 'catalog/systems/payments-core/definitions/refunds-openapi.yaml');
    expect(lint.filter(d => d.severity === 'error').map(d => `${d.range.start.line} ${d.message}`)).toEqual([
      '2 oas3-schema: "info" property must have required property "version". (at info)',
      '6 oas3-schema: "get" property must have required property "responses". (at paths./refunds.get)',
    ]);
    expect(lint.every(d => !('alreadyOnBase' in d))).toBe(true);
    expect(json.markdown).toContain('<code>catalog/systems/payments-core/definitions/refunds-openapi.yaml:2:6</code>');
  }, 120_000);

  it('a new API reading a definition file another API already read: what Spectral found there on the base is not the change\'s', async () => {
    const root = await dataRepoCopy();
    const base = startPullRequest(root);
    edit(root, PAYMENTS, t => `${t.trimEnd()}\n---\napiVersion: backstage.io/v1alpha1\nkind: API\nmetadata:\n  name: payments-openapi-v1\n  description: The same payments API, as v1.\nspec:\n  type: openapi\n  lifecycle: production\n  owner: payments-team\n  system: payments-core\n  definition:\n    $text: ./definitions/payments-openapi.yaml\n`);
    commit(root, 'v1 alias');
    const { json } = await runReport(root, base);
    const lint = json.diagnostics.filter(d => d.ruleId === 'api-lint' && d.file === PAYMENTS_OPENAPI) as { alreadyOnBase?: boolean }[];
    expect(lint.length).toBeGreaterThan(0);
    expect(lint.every(d => d.alreadyOnBase === true)).toBe(true);
  }, 120_000);

  it('an inline definition that is not YAML: Spectral\'s parser error on the entity\'s lines', async () => {
    const root = await dataRepoCopy();
    const base = startPullRequest(root);
    edit(root, PAYMENTS, t => `${t.trimEnd()}\n---\napiVersion: backstage.io/v1alpha1\nkind: API\nmetadata:\n  name: refunds-openapi\n  description: Refunds.\nspec:\n  type: openapi\n  lifecycle: experimental\n  owner: payments-team\n  system: payments-core\n  definition: |\n    openapi: 3.0.3\n    info: {title: Refunds, version: 1.0.0\n    paths: {}\n`);
    commit(root, 'refunds API');
    const { status, json } = await runReport(root, base);
    expect(status).toBe(1);
    const lint = json.diagnostics.filter(d => d.ruleId === 'api-lint' && d.file === PAYMENTS && d.severity === 'error');
    expect(lint.length).toBeGreaterThan(0);
  }, 120_000);
});
