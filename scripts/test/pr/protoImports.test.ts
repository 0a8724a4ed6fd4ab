import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dataRepoCopy } from '../helpers/gitRepo.ts';
import { commit, edit, startPullRequest, write } from './prChange.ts';
import { runReport } from './runReport.ts';

// Real gRPC APIs import other files: a shared message of the same repository (`acme/money/v1/money.proto`
// under the protos' include root) or googleapis' HTTP annotations. Read alone, such a proto never compiles,
// so every change to it, adding one optional field included, was one "breaking change" that failed the
// pull request, and the hint ("keep the old shape … deprecated first") named a way out that did not pass
// (the hint itself: unjudgedChangeHint.test.ts and the last case here).

const PROTO = 'catalog/systems/payments-core/definitions/ledger.proto';
const MONEY = 'catalog/systems/payments-core/definitions/acme/money/v1/money.proto';
const MONEY_TEXT = 'syntax = "proto3";\n\npackage acme.money.v1;\n\nmessage Money {\n  string currency = 1;\n  int64 units = 2;\n}\n';
const breakingOf = (run: Awaited<ReturnType<typeof runReport>>) => run.json.diagnostics.filter(d => d.ruleId === 'api-breaking-change');

/** The ledger API consumed by commerce-team's orders-api, its proto importing a file. */
async function importingRepo(importLine: string, extra: Record<string, string> = {}, field = '  acme.money.v1.Money total = 4;\n'): Promise<{ root: string; base: string }> {
  const root = await dataRepoCopy();
  edit(root, 'catalog/systems/orders/entities.yaml', t => t.replace('consumesApis: [payments-openapi]', 'consumesApis: [payments-openapi, ledger-grpc]'));
  for (const [file, text] of Object.entries(extra)) {
    mkdirSync(dirname(join(root, file)), { recursive: true });
    write(root, file, text);
  }
  edit(root, PROTO, t => t.replace('package acme.ledger.v1;\n', `package acme.ledger.v1;\n\n${importLine}\n`).replace('  string currency = 3;\n', `  string currency = 3;\n${field}`));
  commit(root, 'ledger imports another file');
  return { root, base: startPullRequest(root) };
}

describe('report: a .proto is compiled with the files it imports from the repository', () => {
  it('an added field is no breaking change when the import is a file of the repository', async () => {
    const { root, base } = await importingRepo('import "acme/money/v1/money.proto";', { [MONEY]: MONEY_TEXT });
    edit(root, PROTO, t => t.replace('  string entry_id = 1;\n', '  string entry_id = 1;\n  string note = 2;\n'));
    commit(root, 'ledger response gains a note');
    const run = await runReport(root, base);
    expect(breakingOf(run)).toEqual([]);
    expect(run.json.report.apiChanges.map((a: { api: string; verdict: string }) => `${a.api}:${a.verdict}`)).toEqual(['api:default/ledger-grpc:none']);
  }, 120_000);

  it('a field removed, and a field renamed in the imported file, are breaking and say where', async () => {
    const { root, base } = await importingRepo('import "acme/money/v1/money.proto";', { [MONEY]: MONEY_TEXT });
    edit(root, PROTO, t => t.replace('  int64 amount_minor = 2;\n', ''));
    edit(root, MONEY, t => t.replace('int64 units = 2;', 'int64 amount = 2;'));
    commit(root, 'ledger drops amount_minor, money renames units');
    const run = await runReport(root, base);
    expect(run.status).toBe(1);
    const found = breakingOf(run).map(d => `${d.file}:${d.range.start.line} ${d.message}`);
    expect(found).toEqual(expect.arrayContaining([
      expect.stringMatching(/^catalog\/systems\/payments-core\/definitions\/ledger\.proto:\d+ .*field "2" with name "amount_minor" on message "AppendEntryRequest" was deleted/),
      expect.stringContaining('changed name from "units" to "amount" (in the imported acme/money/v1/money.proto; buf rule FIELD_SAME_NAME)'),
    ]));
  }, 120_000);

  it('a change to the imported file alone is diffed too, as a $ref target of an OpenAPI text is', async () => {
    const { root, base } = await importingRepo('import "acme/money/v1/money.proto";', { [MONEY]: MONEY_TEXT });
    edit(root, MONEY, t => t.replace('int64 units = 2;', 'int64 amount = 2;'));
    commit(root, 'money renames units');
    const run = await runReport(root, base);
    expect(run.status).toBe(1);
    expect(breakingOf(run).map(d => d.message)).toEqual(expect.arrayContaining([expect.stringContaining('changed name from "units" to "amount" (in the imported acme/money/v1/money.proto; buf rule FIELD_SAME_NAME)')]));
  }, 120_000);

  it('an import the repository does not hold is named, with what would let the diff judge the change', async () => {
    const { root, base } = await importingRepo('import "google/api/annotations.proto";', {}, '');
    edit(root, PROTO, t => t.replace('  string entry_id = 1;\n', '  string entry_id = 1;\n  string note = 2;\n'));
    commit(root, 'ledger response gains a note');
    const run = await runReport(root, base);
    expect(run.status).toBe(1);
    const [finding, ...rest] = breakingOf(run);
    expect(rest).toEqual([]);
    expect(finding.message).toContain('a .proto that buf cannot compile (it imports google/api/annotations.proto, which this base revision of the repository does not hold)');
    expect(finding.hint).toContain('keeping the old shape does not pass it');
    expect(finding.hint).toContain('keep the files it imports in this repository (at a path that ends with the import path, such as third_party/googleapis/google/api/annotations.proto) so that buf can compile it; until then, agree the change with that team.');
  }, 120_000);
});
