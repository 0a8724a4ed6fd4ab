import { describe, expect, it } from 'vitest';
import { dataRepoCopy } from '../helpers/gitRepo.ts';
import { commit, edit, PAYMENTS_OPENAPI, startPullRequest, write } from './prChange.ts';
import { runReport } from './runReport.ts';

// A red team changed APIs other teams consume and got "nothing breaking": api-smart-diff reverses its
// request rule for responses and subscribe messages (string to integer in a response, null allowed in a
// response: "non-breaking"), files servers as annotations, and leaves response headers, callbacks, message
// headers and message traits unclassified. Each such change must be a breaking change with a reason, and
// the changes that keep every consumer working must stay quiet, through the shipped bin.

const EVENTS = 'catalog/systems/payments-core/definitions/payment-events.asyncapi.yaml';

const OPENAPI = `openapi: 3.0.3
info:
  title: Payments API
  version: 1.0.0
servers:
  - url: https://payments.example.com/v1
  - url: https://payments-eu.example.com/v1
paths:
  /payments/{paymentId}:
    parameters:
      - name: paymentId
        in: path
        required: true
        schema:
          type: string
    get:
      operationId: getPayment
      responses:
        "200":
          description: OK
          headers:
            X-Rate-Remaining:
              schema:
                type: integer
          content:
            application/json:
              schema:
                type: object
                properties:
                  id:
                    type: string
                  amount:
                    type: integer
  /payments:
    post:
      operationId: createPayment
      requestBody:
        content:
          application/json:
            schema:
              type: object
              additionalProperties: true
              properties:
                amount:
                  type: integer
                type:
                  type: string
      callbacks:
        settled:
          "{$request.body#/callbackUrl}":
            post:
              requestBody:
                content:
                  application/json:
                    schema:
                      type: object
                      properties:
                        id:
                          type: string
              responses:
                "200":
                  description: OK
      responses:
        "201":
          description: Created
`;

const ASYNCAPI = `asyncapi: 2.6.0
info:
  title: Payment events
  version: 1.0.0
servers:
  production:
    url: kafka.payments.example.com:9092
    protocol: kafka
channels:
  payments/settled:
    subscribe:
      bindings:
        kafka:
          groupId:
            type: string
          bindingVersion: '0.4.0'
      message:
        $ref: '#/components/messages/PaymentSettled'
components:
  messages:
    PaymentSettled:
      name: payments-settled
      traits:
        - $ref: '#/components/messageTraits/Tenant'
      headers:
        type: object
        required: [correlationId]
        properties:
          correlationId:
            type: string
      payload:
        type: object
        properties:
          id:
            type: string
  messageTraits:
    Tenant:
      headers:
        type: object
        properties:
          tenant:
            type: string
`;

type Entry = { type: string; path: (string | number)[]; description: string };

/** The diff entries the report gives for `api`, by dotted path. */
async function diffOf(root: string, base: string, api: string): Promise<{ status: number | null; entries: Map<string, Entry>; breakingFindings: string[]; errors: string[] }> {
  const run = await runReport(root, base);
  const change = run.json.report.apiChanges.find((a: { api: string }) => a.api === api);
  const entries = new Map<string, Entry>((change?.diff ?? []).map((e: Entry) => [e.path.join('.'), e]));
  return { status: run.status, entries, breakingFindings: run.json.diagnostics.filter(d => d.ruleId === 'api-breaking-change').map(d => d.message), errors: run.json.diagnostics.filter(d => d.severity === 'error').map(d => `${d.ruleId}: ${d.message}`) };
}

async function pullRequest(file: string, before: string, change: (text: string) => string): Promise<{ root: string; base: string }> {
  const root = await dataRepoCopy();
  write(root, file, before);
  commit(root, 'the definition as consumers use it');
  const base = startPullRequest(root);
  edit(root, file, change);
  commit(root, 'the change under review');
  return { root, base };
}

const replaceAll = (pairs: [string, string][]) => (text: string) => pairs.reduce((t, [from, to]) => {
  if (!t.includes(from)) throw new Error(`fixture has no ${from}`);
  return t.replace(from, to);
}, text);

describe('report: changes api-smart-diff passes that break a consumer count as breaking', () => {
  it('OpenAPI: response type and nullable, response header type, closed request body, a server URL moved, a callback body', async () => {
    const { root, base } = await pullRequest(PAYMENTS_OPENAPI, OPENAPI, replaceAll([
      ['              schema:\n                type: integer\n', '              schema:\n                type: string\n'],
      ['                  id:\n                    type: string\n                  amount:', '                  id:\n                    type: string\n                    nullable: true\n                  amount:'],
      ['                  amount:\n                    type: integer\n', '                  amount:\n                    type: number\n'],
      ['              additionalProperties: true\n', '              additionalProperties: false\n'],
      ['  - url: https://payments.example.com/v1\n', '  - url: https://payments.example.com/v2\n'],
      ['                        id:\n                          type: string\n', '                        id:\n                          type: integer\n'],
    ]));
    const { status, entries, breakingFindings } = await diffOf(root, base, 'api:default/payments-openapi');
    expect(status).toBe(1);
    const breaking = (path: string) => {
      const entry = entries.get(path);
      expect(entry, path).toBeDefined();
      expect(entry!.type, path).toBe('breaking');
      return entry!.description;
    };
    expect(breaking('paths./payments/{paymentId}.get.responses.200.headers.X-Rate-Remaining.schema.type')).toMatch(/consumers now receive string values they do not expect/);
    expect(breaking('paths./payments/{paymentId}.get.responses.200.content.application/json.schema.properties.id.nullable')).toMatch(/receive null/);
    expect(breaking('paths./payments/{paymentId}.get.responses.200.content.application/json.schema.properties.amount.type')).toMatch(/number values/);
    expect(breaking('paths./payments.post.requestBody.content.application/json.schema.additionalProperties')).toMatch(/now rejected/);
    expect(breaking('servers.0.url')).toMatch(/https:\/\/payments\.example\.com\/v1 is no longer listed/);
    expect(breaking('paths./payments.post.callbacks.settled.{$request.body#/callbackUrl}.post.requestBody.content.application/json.schema.properties.id.type')).toMatch(/integer values/);
    expect(breakingFindings.some(m => m.includes('is no longer listed'))).toBe(true);
  }, 120_000);

  // Fresh user: api-smart-diff takes a parameters list (or a request body) added to an operation that had none
  // for an annotation as a whole, so a required query parameter added that way was "non-breaking", while the
  // same parameter added to an existing list was breaking.
  it('OpenAPI: a first parameters list with a required parameter, and a required request body, are breaking; an optional list is not', async () => {
    const { root, base } = await pullRequest(PAYMENTS_OPENAPI, OPENAPI, replaceAll([
      ['      operationId: createPayment\n', '      operationId: createPayment\n      parameters:\n        - name: dryRun\n          in: query\n          schema:\n            type: boolean\n        - $ref: \'#/components/parameters/Limit\'\n'],
      ['      operationId: getPayment\n', '      operationId: getPayment\n      requestBody:\n        required: true\n        content:\n          application/json:\n            schema:\n              type: object\n'],
      ['        "201":\n          description: Created\n', '        "201":\n          description: Created\ncomponents:\n  parameters:\n    Limit:\n      name: limit\n      in: query\n      required: true\n      schema:\n        type: integer\n'],
    ]));
    const { status, entries, breakingFindings } = await diffOf(root, base, 'api:default/payments-openapi');
    expect(entries.get('paths./payments.post.parameters')).toMatchObject({ type: 'breaking', description: '[Added] required query parameter `limit`' });
    expect(entries.get('paths./payments/{paymentId}.get.requestBody')).toMatchObject({ type: 'breaking', description: '[Added] required request body' });
    expect(breakingFindings.length).toBeGreaterThan(0);
    expect(status).toBe(1);
    // The same list with only optional parameters breaks no caller.
    const optional = await pullRequest(PAYMENTS_OPENAPI, OPENAPI, replaceAll([['      operationId: createPayment\n', '      operationId: createPayment\n      parameters:\n        - name: dryRun\n          in: query\n          schema:\n            type: boolean\n']]));
    const quiet = await diffOf(optional.root, optional.base, 'api:default/payments-openapi');
    expect(quiet.entries.get('paths./payments.post.parameters')?.type).toBe('non-breaking');
    expect(quiet.breakingFindings).toEqual([]);
  }, 180_000);

  // Fresh user: a property added as required to a schema only a response uses was non-breaking in the
  // response and breaking again as components.schemas.Payment (api-smart-diff's request rules for a bare
  // component): two api-breaking-change errors for a change no consumer notices.
  it('OpenAPI: a component schema change is judged as where it is used, not again as a bare component', async () => {
    const withComponent = OPENAPI.replace('        "201":\n          description: Created\n', '        "201":\n          description: Created\n          content:\n            application/json:\n              schema:\n                $ref: \'#/components/schemas/Payment\'\ncomponents:\n  schemas:\n    Payment:\n      type: object\n      required: [id]\n      properties:\n        id:\n          type: string\n');
    const { root, base } = await pullRequest(PAYMENTS_OPENAPI, withComponent, replaceAll([['      required: [id]\n      properties:\n        id:\n          type: string\n', '      required: [id, currency]\n      properties:\n        id:\n          type: string\n        currency:\n          type: string\n']]));
    const { entries, breakingFindings } = await diffOf(root, base, 'api:default/payments-openapi');
    expect([...entries.values()].filter(e => e.type === 'breaking')).toEqual([]);
    expect(entries.get('components.schemas.Payment.required.1')?.description).toMatch(/where the definition uses this schema, the same change is non-breaking/);
    expect(breakingFindings).toEqual([]);
  }, 120_000);

  it('OpenAPI: changes every consumer still reads and sends alike stay non-breaking', async () => {
    const { root, base } = await pullRequest(PAYMENTS_OPENAPI, OPENAPI, replaceAll([
      // Servers reordered and one added: every URL a client was built with is still listed.
      ['  - url: https://payments.example.com/v1\n  - url: https://payments-eu.example.com/v1\n', '  - url: https://payments-eu.example.com/v1\n  - url: https://payments.example.com/v1\n  - url: https://payments-us.example.com/v1\n'],
      // A request field widened (integer to number) and allowed to be null; a property named `type` described.
      ['                amount:\n                  type: integer\n', '                amount:\n                  type: number\n                  nullable: true\n'],
      ['                type:\n                  type: string\n', '                type:\n                  type: string\n                  description: How the payment is made.\n'],
      ['info:\n  title: Payments API\n', 'x-audience: internal\ninfo:\n  title: Payments API\n'],
      // An example given to a response header, and links added to a response: they describe, nothing more.
      ['            X-Rate-Remaining:\n              schema:\n', '            X-Rate-Remaining:\n              example: 42\n              schema:\n'],
      ['        "201":\n          description: Created\n', '        "201":\n          description: Created\n          links:\n            GetPayment:\n              operationId: getPayment\n'],
      // A key that is no schema keyword (a misspelt `required`): no validator or generator acts on it, so it
      // breaks no consumer; the OpenAPI lint is what tells its author.
      ['                  id:\n                    type: string\n                  amount:', '                  id:\n                    type: string\n                    requried: true\n                  amount:'],
    ]));
    const { status, entries, breakingFindings, errors } = await diffOf(root, base, 'api:default/payments-openapi');
    expect([...entries.values()].filter(e => e.type === 'breaking')).toEqual([]);
    expect(breakingFindings).toEqual([]);
    expect(entries.get('paths./payments.post.requestBody.content.application/json.schema.properties.amount.type')?.type).toBe('non-breaking');
    expect(errors).toEqual(['api-lint: oas3-schema: Property "requried" is not expected to be here. (at paths./payments/{paymentId}.get.responses.200.content.application/json.schema.properties.id.requried)']);
    expect(status).toBe(1);
  }, 120_000);

  it('AsyncAPI 2: a trait header retyped, a subscribe payload retyped, a required header dropped, the server moved', async () => {
    const { root, base } = await pullRequest(EVENTS, ASYNCAPI, replaceAll([
      ['          tenant:\n            type: string\n', '          tenant:\n            type: integer\n'],
      ['          id:\n            type: string\n', '          id:\n            type: integer\n'],
      ['        required: [correlationId]\n        properties:\n          correlationId:\n            type: string\n', '        properties:\n          traceId:\n            type: string\n'],
      ['    url: kafka.payments.example.com:9092\n', '    url: kafka2.payments.example.com:9092\n'],
    ]));
    const { status, entries } = await diffOf(root, base, 'api:default/payment-events');
    expect(status).toBe(1);
    const types = (path: string) => entries.get(path)?.type;
    expect(types('channels.payments/settled.subscribe.message.headers.properties.tenant.type')).toBe('breaking');
    expect(types('channels.payments/settled.subscribe.message.payload.properties.id.type')).toBe('breaking');
    expect(types('channels.payments/settled.subscribe.message.headers.properties.correlationId')).toBe('breaking');
    expect(types('servers.production.url')).toBe('breaking');
    // Diffed where the channel carries them; the components' own copies add no verdict of their own.
    expect([...entries.keys()].filter(p => p.startsWith('components.') && entries.get(p)!.type === 'breaking')).toEqual([]);
  }, 120_000);

  it('AsyncAPI 2: an optional header added and a message described stay non-breaking', async () => {
    const { root, base } = await pullRequest(EVENTS, ASYNCAPI, replaceAll([
      ['          correlationId:\n            type: string\n', '          correlationId:\n            type: string\n          traceId:\n            type: string\n'],
      ['      name: payments-settled\n', '      name: payments-settled\n      summary: A payment was settled.\n'],
      ["          bindingVersion: '0.4.0'\n", "          bindingVersion: '0.5.0'\n"],
    ]));
    const { entries, breakingFindings } = await diffOf(root, base, 'api:default/payment-events');
    expect([...entries.values()].filter(e => e.type === 'breaking')).toEqual([]);
    expect(breakingFindings).toEqual([]);
    expect(entries.get('channels.payments/settled.subscribe.message.headers.properties.traceId')?.type).toBe('non-breaking');
  }, 120_000);

  it('OpenAPI: response headers an author named x-… or schema are headers, neither extensions nor the schema field', async () => {
    const headers = '          headers:\n            X-Rate-Remaining:\n              schema:\n                type: integer\n';
    const named = '          headers:\n            x-rate-limit:\n              schema:\n                type: integer\n            schema:\n              schema:\n                type: integer\n';
    const asContent = '          headers:\n            x-rate-limit:\n              content:\n                application/json:\n                  schema:\n                    type: object\n            schema:\n              content:\n                application/json:\n                  schema:\n                    type: object\n';
    const { root, base } = await pullRequest(PAYMENTS_OPENAPI, OPENAPI.replace(headers, named), replaceAll([[named, asContent]]));
    const { status, entries } = await diffOf(root, base, 'api:default/payments-openapi');
    expect(status).toBe(1);
    const breaking = [...entries.values()].filter(e => e.type === 'breaking').map(e => e.path.join('.'));
    expect(breaking.some(p => p.startsWith('paths./payments/{paymentId}.get.responses.200.headers.x-rate-limit.'))).toBe(true);
    expect(breaking.some(p => p.startsWith('paths./payments/{paymentId}.get.responses.200.headers.schema.'))).toBe(true);
  }, 120_000);

  it('AsyncAPI 2: a message trait whose $ref runs in a cycle adds nothing, and no change is said at message.$ref', async () => {
    const { root, base } = await pullRequest(EVENTS, ASYNCAPI, replaceAll([
      ["        - $ref: '#/components/messageTraits/Tenant'\n", "        - $ref: '#/components/messageTraits/Tenant'\n        - $ref: '#/components/messageTraits/Loop'\n"],
      ['  messageTraits:\n', "  messageTraits:\n    Loop:\n      $ref: '#/components/messageTraits/Loop2'\n    Loop2:\n      $ref: '#/components/messageTraits/Loop'\n"],
    ]));
    const { entries } = await diffOf(root, base, 'api:default/payment-events');
    expect([...entries.keys()].filter(p => p.includes('$ref') && !p.startsWith('components.'))).toEqual([]);
    expect([...entries.values()].filter(e => e.type === 'breaking')).toEqual([]);
  }, 120_000);
});
