import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dataRepoCopy, git } from '../helpers/gitRepo.ts';
import { runBin } from '../helpers/runBin.ts';
import { commit, edit, PAYMENTS_OPENAPI, write } from './prChange.ts';

// The new user's setup: the payments API's request body is a schema shared through a repo-local $ref.
// Outside catalog/: a schema file is no catalog file, so no Location needs to reach it.
const MONEY = 'shared/schemas/money.yaml';
const MONEY_REF = '../../../../shared/schemas/money.yaml#/Money';
const money = (amountType: string, description = 'Minor units.') => `Money:\n  type: object\n  required: [amount, currency]\n  properties:\n    amount:\n      type: ${amountType}\n      description: ${description}\n    currency:\n      $ref: "#/Currency"\nCurrency:\n  type: string\n`;
const POST = [
  '    post:',
  '      operationId: capturePayment',
  '      summary: Capture a payment.',
  '      requestBody:',
  '        required: true',
  '        content:',
  '          application/json:',
  '            schema:',
  `              $ref: "${MONEY_REF}"`,
  '      responses:',
  '        "204":',
  '          description: Captured',
].join('\n');

interface Json { exitCode: number; report: { apiChanges: { api: string; diff?: { type: string; path: (string | number)[] }[]; verdict: string }[]; teamReviews: { team: string; reasons: string[] }[] }; diagnostics: { ruleId: string; file: string; message: string; range: { start: { line: number; column: number } } }[] }

/** A repo whose base commit holds the shared schema (`before`), and a PR commit on top that changes it (`change`). */
async function sharedSchemaPullRequest(before: string, change: (root: string) => void, others: Record<string, string> = {}): Promise<string> {
  const root = await dataRepoCopy();
  mkdirSync(join(root, 'shared/schemas'), { recursive: true });
  write(root, MONEY, before);
  for (const [file, text] of Object.entries(others)) write(root, file, text);
  edit(root, PAYMENTS_OPENAPI, t => t.replace('    get:\n', `${POST}\n    get:\n`));
  commit(root, 'payments API captures Money');
  git(root, 'checkout', '-q', '-b', 'change');
  change(root);
  commit(root, 'the change');
  return root;
}

async function report(root: string): Promise<{ status: number | null; json: Json; stderr: string }> {
  const out = await runBin(['report', '--base', 'HEAD~1', '--today', '2026-11-23', '--format', 'json'], root);
  if (out.status === 2 || !out.stdout) throw new Error(`report failed (${out.status}): ${out.stderr}`);
  return { status: out.status, json: JSON.parse(out.stdout) as Json, stderr: out.stderr };
}

const payments = (json: Json) => json.report.apiChanges.find(a => a.api === 'api:default/payments-openapi');

describe('report follows an API definition\'s repo-local $refs (bin, child process)', () => {
  it('a type change in a shared schema the definition $refs is breaking, and the consumers\' teams are asked', async () => {
    const root = await sharedSchemaPullRequest(money('integer'), r => write(r, MONEY, money('string')));
    const { status, json } = await report(root);
    const change = payments(json);
    expect(change).toBeDefined();
    const breaking = change!.diff!.filter(d => d.type === 'breaking');
    expect(breaking.length).toBeGreaterThan(0);
    expect(breaking.some(d => d.path.includes('amount'))).toBe(true);
    // Reported where the pull request changed it, in the shared schema, not on the $ref line of the definition it left alone.
    expect(json.diagnostics.filter(d => d.ruleId === 'api-breaking-change').map(d => `${d.file}:${d.range.start.line}:${d.range.start.column}`)).toEqual([`${MONEY}:6:13`]);
    const asked = json.report.teamReviews.filter(t => t.reasons.some(r => r.includes('consumes api:default/payments-openapi, which has breaking changes'))).map(t => t.team);
    expect(asked).toEqual(expect.arrayContaining(['group:default/commerce-team']));
    expect(status).toBe(1);

    // The same change written inline is classified the same way.
    const inline = await sharedSchemaPullRequest(money('integer'), r => edit(r, PAYMENTS_OPENAPI, t => t.replace(`$ref: "${MONEY_REF}"`, 'type: object\n              properties:\n                amount:\n                  type: integer')));
    edit(inline, PAYMENTS_OPENAPI, t => t.replace('amount:\n                  type: integer', 'amount:\n                  type: string'));
    commit(inline, 'inline type change');
    const inlined = await report(inline);
    expect(payments(inlined.json)!.diff!.filter(d => d.type === 'breaking').length).toBe(breaking.length);
  }, 180_000);

  it('a description change of the shared schema is reported and non-breaking; a file the definition does not reach changes nothing', async () => {
    const root = await sharedSchemaPullRequest(money('integer'), r => {
      write(r, MONEY, money('integer', 'Amount in minor units of the currency.'));
      write(r, 'shared/schemas/unused.yaml', 'Unused:\n  type: string\n');
    });
    const { status, json } = await report(root);
    const change = payments(json);
    expect(change).toBeDefined();
    expect(change!.diff!.length).toBeGreaterThan(0);
    expect(change!.diff!.filter(d => d.type === 'breaking')).toEqual([]);
    expect(json.diagnostics.filter(d => d.ruleId === 'api-breaking-change')).toEqual([]);
    expect(json.report.apiChanges.map(a => a.api)).toEqual(['api:default/payments-openapi']);
    // The definition is read with $text: Backstage's API docs cannot resolve its $ref to money.yaml (a warning).
    expect(json.diagnostics.filter(d => d.ruleId !== 'api-lint').map(d => d.ruleId)).toEqual(['api-ref-unbundled']);
    expect(status).toBe(0);
  }, 120_000);

  it('a $ref cycle across files and inside one does not hang: the report completes and still sees the change', async () => {
    const cyclic = (type: string) => `Money:\n  type: object\n  properties:\n    amount:\n      type: ${type}\n    next:\n      $ref: "#/Money"\n    split:\n      $ref: "./split.yaml#/Split"\n`;
    const split = 'Split:\n  type: array\n  items:\n    $ref: "./money.yaml#/Money"\n';
    const root = await sharedSchemaPullRequest(cyclic('integer'), r => write(r, MONEY, cyclic('string')), { 'shared/schemas/split.yaml': split });
    const { json, stderr } = await report(root);
    expect(stderr).not.toMatch(/Maximum call stack|\n\s+at .+:\d+:\d+\)?\n/);
    expect(payments(json)!.diff!.some(d => d.type === 'breaking' && d.path.includes('amount'))).toBe(true);
  }, 120_000);
});

describe('resolving $refs for the diff is bounded (bin, child process)', () => {
  it('a schema that doubles at each of 30 levels through $refs (2^30 values resolved) is a node-limit finding, not a hung report', async () => {
    const levels = (type: string) => ['L0:', `  type: ${type}`, ...Array.from({ length: 30 }, (_, i) => `L${i + 1}:\n  type: object\n  properties:\n    a:\n      $ref: "#/L${i}"\n    b:\n      $ref: "#/L${i}"`)].join('\n');
    const root = await sharedSchemaPullRequest(money('integer'), r => write(r, MONEY, `${money('string')}${levels('string')}\n`), {});
    edit(root, MONEY, t => t.replace('    currency:\n      $ref: "#/Currency"', '    currency:\n      $ref: "#/Currency"\n    bomb:\n      $ref: "#/L30"'));
    commit(root, 'bomb');
    const out = await runBin(['report', '--base', 'HEAD~2', '--today', '2026-11-23', '--format', 'json'], root);
    expect(out.stderr).not.toMatch(/Maximum call stack|heap out of memory|\n\s+at .+:\d+:\d+\)?\n/);
    const json = JSON.parse(out.stdout) as Json;
    expect(json.diagnostics.some(d => d.ruleId === 'yaml-node-limit' && d.file === PAYMENTS_OPENAPI && d.message.includes('With its $refs resolved'))).toBe(true);
    expect(out.status).toBe(1);
  }, 120_000);

  it('a shared schema over the alias budget is a finding on the definition that reaches it, not a crash', async () => {
    const root = await sharedSchemaPullRequest(money('integer'), r => write(r, MONEY, `${money('string')}Anchor: &c {type: string}\nMany:\n${'  - *c\n'.repeat(150)}`));
    const { status, json, stderr } = await report(root);
    expect(stderr).not.toMatch(/internal error|\n\s+at .+:\d+:\d+\)?\n/);
    const found = json.diagnostics.filter(d => d.ruleId === 'yaml-alias-limit');
    expect(found.map(d => d.file)).toEqual([PAYMENTS_OPENAPI]);
    expect(found[0].message).toContain('or a file its $refs reach');
    expect(status).toBe(1);
  }, 120_000);
});
