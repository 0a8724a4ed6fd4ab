import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { tempRepo } from '../helpers/tempRepo.ts';
import { runBin } from '../helpers/runBin.ts';

// Red team 25: Backstage's ProcessorOutputCollector copies every entity a Location emits with
// managed-by-location and managed-by-origin-location added to metadata.annotations, BEFORE any processor
// runs. So `annotations: {$json: ./a.json}` (or `metadata: {$yaml: ./m.yaml}`) is no single-key map when
// PlaceholderProcessor looks, and it is left as written: the policy refuses `$json` as an annotation key
// (seen on the real backend: "Policy check failed … "annotations.$json" is not valid"), or the entity has no
// name. The gate resolved it as a placeholder and passed the entity with 0 findings.

const require = createRequire(import.meta.url);
const dist = dirname(require.resolve('@backstage/plugin-catalog-backend'));
const { ProcessorOutputCollector } = require(join(dist, 'processing/ProcessorOutputCollector.cjs.js'));
const { PlaceholderProcessor, jsonPlaceholderResolver, yamlPlaceholderResolver, textPlaceholderResolver } = require(join(dist, 'processors/PlaceholderProcessor.cjs.js'));

const component = (metadata: string) => `apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n${metadata}spec:\n  type: service\n  lifecycle: experimental\n  owner: group:team-a\n`;
const group = 'apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: team-a\nspec:\n  type: team\n  children: []\n';
const targets: Record<string, string> = { 'annotations.json': '{"acme.com/runtime": "dotnet"}', 'fields.yaml': 'name: from-file\ndescription: From a file\n', 'runtime.txt': 'dotnet', 'name.txt': 'svc', 'kind.txt': 'Component' };

/** What Backstage's catalog makes of `text` read from https://example.test/repo/catalog-info.yaml: emitted by the Location, then pre-processed by PlaceholderProcessor. */
async function asBackstageReads(text: string): Promise<Record<string, any>> {
  const location = { type: 'url', target: 'https://example.test/repo/catalog-info.yaml' };
  const parent = { apiVersion: 'backstage.io/v1alpha1', kind: 'Location', metadata: { name: 'parent', annotations: { 'backstage.io/managed-by-location': `url:${location.target}`, 'backstage.io/managed-by-origin-location': `url:${location.target}` } }, spec: location };
  const logger = { child: () => logger, debug() {}, warn() {}, info() {}, error() {} };
  const collector = new ProcessorOutputCollector(logger, parent);
  collector.generic()({ type: 'entity', location, entity: parse(text) });
  const [emitted] = collector.results().deferredEntities;
  const processor = new PlaceholderProcessor({
    resolvers: { json: jsonPlaceholderResolver, yaml: yamlPlaceholderResolver, text: textPlaceholderResolver },
    reader: { readUrl: async (url: string) => ({ buffer: async () => Buffer.from(targets[url.split('/').pop()!]) }) },
    integrations: { resolveUrl: ({ url, base }: { url: string; base: string }) => new URL(url, base).toString() },
  });
  return emitted ? processor.preProcessEntity(emitted.entity, location, () => {}) : { dropped: collector.results().errors.map(String) };
}

describe('a placeholder where Backstage never resolves it (the whole metadata or metadata.annotations, an envelope field)', () => {
  it.each([
    ['metadata.annotations', component('  name: svc\n  annotations:\n    $json: ./annotations.json # <- here\n'), (e: Record<string, any>) => expect(e.metadata.annotations.$json).toBe('./annotations.json')],
    ['metadata', component('  $yaml: ./fields.yaml # <- here\n'), (e: Record<string, any>) => expect(e.dropped?.join(' ')).toMatch(/name/)],
    ['metadata.name', component('  name:\n    $text: ./name.txt # <- here\n'), (e: Record<string, any>) => expect(e.dropped?.join(' ')).toMatch(/name/)],
    ['kind', component('  name: svc\n').replace('kind: Component', 'kind:\n  $text: ./kind.txt # <- here'), (e: Record<string, any>) => expect(e.dropped?.join(' ')).toMatch(/kind/)],
  ])('as the whole %s: Backstage never resolves it, and the gate says placeholder-invalid on it', async (_, text, backstage) => {
    backstage(await asBackstageReads(text));
    const root = await tempRepo({ 'catalog-info.yaml': `${group}---\n${text}`, ...targets });
    const result = await runBin(['check', '--format', 'json'], root);
    const found = (JSON.parse(result.stdout) as { diagnostics: { ruleId: string; range: { start: { line: number } } }[] }).diagnostics;
    const line = `${group}---\n${text}`.split('\n').findIndex(l => l.includes('<- here')) + 1;
    expect(found.filter(d => d.ruleId === 'placeholder-invalid').map(d => d.range.start.line)).toEqual([line]);
    expect(result.status).toBe(1);
  });

  it('a placeholder for one annotation value is resolved by Backstage and passes the gate', async () => {
    const text = component('  name: svc\n  annotations:\n    acme.com/runtime:\n      $text: ./runtime.txt\n');
    expect((await asBackstageReads(text)).metadata.annotations['acme.com/runtime']).toBe('dotnet');
    const root = await tempRepo({ 'catalog-info.yaml': `${group}---\n${text}`, ...targets });
    const result = await runBin(['check', '--format', 'json'], root);
    expect((JSON.parse(result.stdout) as { diagnostics: unknown[] }).diagnostics).toEqual([]);
    expect(result.status).toBe(0);
  });
});
