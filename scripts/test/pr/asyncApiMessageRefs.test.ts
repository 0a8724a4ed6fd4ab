import { describe, expect, it } from 'vitest';
import { dataRepoCopy } from '../helpers/gitRepo.ts';
import { commit, edit, startPullRequest, write } from './prChange.ts';
import { runReport } from './runReport.ts';

// AsyncAPI 2 definitions usually keep their messages under components and name them from the channel
// (`message: {$ref: '#/components/messages/X'}`, or a list under `oneOf`), as AsyncAPI's own examples and
// DiamondLightSource/blueapi do. api-smart-diff follows a payload's schema $ref but not a message $ref, so a
// required property removed from such a message was "unclassified" and the change passed with nothing breaking.

const EVENTS = 'catalog/systems/payments-core/definitions/payment-events.asyncapi.yaml';
const breakingOf = (run: Awaited<ReturnType<typeof runReport>>) => run.json.diagnostics.filter(d => d.ruleId === 'api-breaking-change');

const definition = (message: string) => `asyncapi: 2.6.0
info:
  title: Payment events
  version: 1.0.0
channels:
  payments/settled:
    subscribe:
      message:
${message}
components:
  messages:
    PaymentSettled:
      name: payments-settled
      payload:
        type: object
        required: [id, amount]
        properties:
          id:
            type: string
          amount:
            type: number
    PaymentRefunded:
      name: payments-refunded
      payload:
        type: object
        properties:
          id:
            type: string
`;

const dropAmount = (t: string) => t.replace('        required: [id, amount]\n', '        required: [id]\n').replace('          amount:\n            type: number\n', '');

describe('report: an AsyncAPI 2 message named by $ref is diffed as the channel carries it', () => {
  for (const [style, message] of [
    ['message: {$ref}', "        $ref: '#/components/messages/PaymentSettled'"],
    ['message.oneOf of $refs', "        oneOf:\n          - $ref: '#/components/messages/PaymentSettled'\n          - $ref: '#/components/messages/PaymentRefunded'"],
  ] as const) {
    it(`${style}: a required property removed is a breaking change at its lines (required, properties) under components`, async () => {
      const root = await dataRepoCopy();
      write(root, EVENTS, definition(message));
      commit(root, 'payment events kept under components');
      const base = startPullRequest(root);
      edit(root, EVENTS, dropAmount);
      commit(root, 'settled events lose amount');
      const run = await runReport(root, base);
      expect(run.status).toBe(1);
      const events = run.json.report.apiChanges.find((a: { api: string }) => a.api === 'api:default/payment-events');
      expect(events.verdict).toBe('error');
      const found = breakingOf(run).map(d => `${d.file}:${d.range.start.line}`);
      expect(found.length).toBeGreaterThan(0);
      expect(new Set(found)).toEqual(new Set([`${EVENTS}:${style === 'message: {$ref}' ? 16 : 18}`, `${EVENTS}:${style === 'message: {$ref}' ? 17 : 19}`]));
    }, 120_000);
  }

  it('a description changed in the message under components is no breaking change', async () => {
    const root = await dataRepoCopy();
    write(root, EVENTS, definition("        $ref: '#/components/messages/PaymentSettled'"));
    commit(root, 'payment events kept under components');
    const base = startPullRequest(root);
    edit(root, EVENTS, t => t.replace('      name: payments-settled\n', '      name: payments-settled\n      summary: A payment was settled.\n'));
    commit(root, 'describe the settled event');
    const run = await runReport(root, base);
    expect(breakingOf(run)).toEqual([]);
  }, 120_000);

  it('one large message named by hundreds of channels is a node-limit finding, never a silent pass', async () => {
    const root = await dataRepoCopy();
    const properties = Array.from({ length: 250 }, (_, i) => `          p${i}:\n            type: string`).join('\n');
    const channels = Array.from({ length: 200 }, (_, i) => `  c${i}:\n    subscribe:\n      message:\n        $ref: '#/components/messages/Big'`).join('\n');
    write(root, EVENTS, `asyncapi: 2.6.0\ninfo:\n  title: Payment events\n  version: 1.0.0\nchannels:\n${channels}\ncomponents:\n  messages:\n    Big:\n      payload:\n        type: object\n        properties:\n${properties}\n`);
    commit(root, 'one big message on many channels');
    const base = startPullRequest(root);
    edit(root, EVENTS, t => t.replace('          p0:', '          q0:'));
    commit(root, 'rename p0');
    const run = await runReport(root, base);
    expect(run.status).toBe(1);
    expect(run.json.diagnostics.filter(d => d.ruleId === 'yaml-node-limit').map(d => `${d.file}:${d.message}`)).toEqual([`${EVENTS}:With the messages its channels name by $ref written in place, this definition holds more than 100000 YAML values; it is not diffed.`]);
  }, 120_000);
});
