import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { tempRepo } from '../helpers/tempRepo.ts';
import { runBin } from './runBin.ts';

// Red team 25: what Backstage STORES of an entity is not what the file shows. YAML aliases are copied in
// full where they stand (toJSON allows 100 of them) and a placeholder is read again wherever it stands, so
// a 1 MB file became a 100 MB entity; and two keys differing only in letter case pass every validator but
// make catalog-backend's stitcher throw, so the entity is never written (an edited one keeps its old
// version in Backstage). The gate passed both with 0 findings.

interface Finding { ruleId: string; file: string; message: string; range: { start: { line: number } } }
const findings = (stdout: string) => (JSON.parse(stdout) as { diagnostics: Finding[] }).diagnostics;
const at = (text: string, marker: string) => text.split('\n').findIndex(l => l.includes(marker)) + 1;

const group = 'apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: team-a\nspec:\n  type: team\n  children: []\n';
const component = (name: string, metadata = '', spec = '') => `apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: ${name}\n${metadata}spec:\n  type: service\n  lifecycle: production\n  owner: group:team-a\n${spec}`;

const require = createRequire(import.meta.url);
/** Backstage's own stitcher step, as the truth for which entities it refuses. */
const buildEntitySearch = require(join(dirname(require.resolve('@backstage/plugin-catalog-backend')), 'database/operations/stitcher/buildEntitySearch.cjs.js')).buildEntitySearch as (id: string, entity: unknown) => unknown;

describe('entities as Backstage stores them', () => {
  it('an anchor of 1 MB aliased 99 times (a 100 MB entity in Backstage): entity-too-large where the budget passes, in seconds', async () => {
    const items = Array.from({ length: 1000 }, () => 'b'.repeat(990)).join(',');
    const aliases = Array.from({ length: 99 }, (_, i) => `    y${i}: *a${i === 1 ? ' # <- passes' : ''}\n`).join('');
    const file = component('bomb', '', `  extra:\n    x: &a [${items}]\n${aliases}`);
    // Backstage's reading gives the 100 MB entity (parseEntityYaml: yaml's toJSON with its default alias limit).
    expect(JSON.stringify(parseAllDocuments(file)[0].toJSON()).length).toBeGreaterThan(99_000_000);
    const root = await tempRepo({ 'catalog-info.yaml': `${group}---\n${file}` });
    const result = await runBin(['check', '--format', 'json'], root);
    const found = findings(result.stdout).filter(f => f.ruleId === 'entity-too-large');
    expect(found.map(f => f.range.start.line)).toEqual([at(`${group}---\n${file}`, '<- passes')]);
    expect(result.status).toBe(1);
    expect(result.milliseconds).toBeLessThan(20_000);
  }, 60_000);

  it('one 900 KB file named by 99 placeholders: entity-too-large', async () => {
    const placeholders = Array.from({ length: 99 }, (_, i) => `    y${i}:\n      $text: ./big.txt\n`).join('');
    const root = await tempRepo({ 'catalog-info.yaml': `${group}---\n${component('pasted', '', `  extra:\n${placeholders}`)}`, 'big.txt': `${'z'.repeat(900_000)}\n` });
    const result = await runBin(['check', '--format', 'json'], root);
    expect(findings(result.stdout).map(f => f.ruleId)).toContain('entity-too-large');
    expect(result.status).toBe(1);
  }, 60_000);

  it.each([
    ['annotation keys (beside list items that differ in case, which Backstage indexes once)', '  annotations:\n    acme.com/Runtime: dotnet\n    acme.com/runtime: dotnet # <- here\n', '  c: [Foo, foo]\n'],
    ['metadata.Name beside metadata.name', '  Name: Orders # <- here\n', ''],
    ['a spec key in other case', '', '  Type: service # <- here\n'],
    ["a list's string item and a map key in it", '', '  x:\n    - Foo\n    - foo: 1 # <- here\n'],
  ])('%s differing only in letter case: entity-key-case on the later key (Backstage\'s stitcher refuses the entity)', async (_, metadata, spec) => {
    const file = component('cased', metadata, spec);
    // The truth: catalog-backend's buildEntitySearch throws on the entity as stitched.
    const entity = parseAllDocuments(file)[0].toJSON() as { metadata: Record<string, unknown> };
    expect(() => buildEntitySearch('id', { ...entity, metadata: { ...entity.metadata, uid: 'id' } })).toThrow(/vary only in casing/);
    const text = `${group}---\n${file}`;
    const root = await tempRepo({ 'catalog-info.yaml': text });
    const result = await runBin(['check', '--format', 'json'], root);
    const found = findings(result.stdout).filter(f => f.ruleId === 'entity-key-case');
    expect(found.map(f => f.range.start.line)).toEqual([at(text, '<- here')]);
    expect(found[0].message).toContain('vary only in casing');
    expect(result.status).toBe(1);
  });

  it.each([
    ['a short description', '  description: "Orders\\0" # <- here\n', ''],
    ['an annotation value', '  annotations:\n    acme.com/note: "x\\x00y" # <- here\n', ''],
    ['a key', '', '  "a\\0b": 1 # <- here\n'],
  ])('a NUL character in %s: entity-value-nul (PostgreSQL refuses the search rows Backstage makes of it)', async (_, metadata, spec) => {
    const file = component('nul', metadata, spec);
    // The truth: Backstage's stitcher puts the NUL into a search row (PostgreSQL then refuses the insert:
    // measured with catalog-backend's own migrations and syncSearchRows on PostgreSQL 16, "invalid byte
    // sequence for encoding UTF8: 0x00", after final_entities was written).
    const entity = parseAllDocuments(file)[0].toJSON() as { metadata: Record<string, unknown> };
    const rows = buildEntitySearch('id', { ...entity, metadata: { ...entity.metadata, uid: 'id' } }) as { key: string; original_value: string | null }[];
    expect(rows.some(r => r.key.includes('\0') || (r.original_value ?? '').includes('\0'))).toBe(true);
    const text = `${group}---\n${file}`;
    const root = await tempRepo({ 'catalog-info.yaml': text });
    const result = await runBin(['check', '--format', 'json'], root);
    const found = findings(result.stdout).filter(f => f.ruleId === 'entity-value-nul');
    expect(found.map(f => f.range.start.line)).toEqual([at(text, '<- here')]);
    expect(result.status).toBe(1);
  });

  it('a NUL inside a long value Backstage does not index (over 200 characters) is no finding', async () => {
    const root = await tempRepo({ 'catalog-info.yaml': `${group}---\n${component('long-nul', `  description: "${'a'.repeat(250)}\\0"\n`)}` });
    const result = await runBin(['check', '--format', 'json'], root);
    expect(findings(result.stdout).filter(f => f.ruleId === 'entity-value-nul')).toEqual([]);
  });

  it('camelCase keys, mixed-case values, list items differing in case (indexed once) and a small alias used a few times stay clean', async () => {
    const file = component('fine', '  title: Orders API\n  labels:\n    acme.com/Tier: gold\n  annotations:\n    acme.com/Runtime: dotnet\n', '  providesApis: []\n  extra:\n    shared: &s {Region: EU, Size: M}\n    a: *s\n    b: *s\n    c: [Foo, Bar, foo]\n');
    const entity = parseAllDocuments(file)[0].toJSON() as { metadata: Record<string, unknown> };
    expect(buildEntitySearch('id', { ...entity, metadata: { ...entity.metadata, uid: 'id' } })).toBeTruthy();
    const root = await tempRepo({ 'catalog-info.yaml': `${group}---\n${file}` });
    const result = await runBin(['check', '--format', 'json'], root);
    expect(findings(result.stdout).filter(f => f.ruleId === 'entity-too-large' || f.ruleId === 'entity-key-case')).toEqual([]);
  });
});
