import { describe, expect, it } from 'vitest';
import { dataRepoCopy } from '../helpers/gitRepo.ts';
import { commit, edit, startPullRequest } from './prChange.ts';
import { runReport } from './runReport.ts';

const PROTO = 'catalog/systems/payments-core/definitions/ledger.proto';
// A message whose every field buf reports with the message's full name: 20,000 deleted fields of a message
// named with 1,000 characters are about 24 MB of findings, past the output buf's run may write.
const PAD = `Pad${'x'.repeat(1000)}`;
// Field numbers 19000 to 19999 are protobuf's own: the pad skips them.
const padFields = Array.from({ length: 20_000 }, (_, i) => i + 1 + (i >= 18_999 ? 1000 : 0)).map(n => `  int32 f${n} = ${n};`).join('\n');

describe('report: a gRPC change that buf runs on but cannot judge is breaking, never silent', () => {
  it('an RPC another team consumes, deleted together with enough other fields to flood buf\'s output, still fails the gate', async () => {
    const root = await dataRepoCopy();
    edit(root, 'catalog/systems/orders/entities.yaml', t => t.replace('consumesApis: [payments-openapi]', 'consumesApis: [payments-openapi, ledger-grpc]'));
    // The owning team's earlier, non-breaking pull request: a big message added to its own proto.
    edit(root, PROTO, t => `${t}\nmessage ${PAD} {\n${padFields}\n}\n`);
    commit(root, 'orders appends to the ledger; a big message');
    const base = startPullRequest(root);
    edit(root, PROTO, t => t.replace(/  rpc AppendEntry.*\n/, '').replace(/(message Padx+ \{)[^}]*\}/, '$1\n}'));
    commit(root, 'ledger proto drops AppendEntry, and the big message its fields');
    const run = await runReport(root, base);
    expect(run.status).toBe(1);
    const breaking = run.json.diagnostics.filter(d => d.ruleId === 'api-breaking-change');
    expect(breaking.map(d => [d.file, d.severity])).toEqual([[PROTO, 'error']]);
    expect(breaking[0].message).toContain("a changed .proto that buf could not judge (buf's findings passed the 16 MB it may write)");
    expect(breaking[0].message).toContain('component:default/orders-api');
  }, 180_000);
});
