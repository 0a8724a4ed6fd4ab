import { readFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { baseTree } from '../catalog/fixtureOrg.ts';
import { runBin } from '../helpers/runBin.ts';
import { tempRepo } from '../helpers/tempRepo.ts';

// Backstage's FileReaderProcessor and UrlReaderProcessor hand a file's Buffer to parseEntityYaml, which
// decodes it with `toString('utf8')` (each invalid byte becomes U+FFFD) and ingests what that text holds.
const LEGACY = [
  'apiVersion: backstage.io/v1alpha1',
  'kind: Component',
  'metadata:',
  '  name: legacy-billing',
  '  description: Facturation du caf\u00e9',
  'spec:',
  '  type: service',
  '  lifecycle: production',
  '  owner: team-ghost',
  '---',
  'apiVersion: backstage.io/v1alpha1',
  'kind: Location',
  'metadata:',
  '  name: legacy-more',
  'spec:',
  '  target: ./legacy-more.yaml',
  '',
].join('\n');

const MORE = 'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: legacy-invoices\nspec:\n  type: service\n  lifecycle: production\n  owner: team-nobody\n';

async function repo() {
  const tree: Record<string, string | Buffer> = baseTree();
  tree['catalog/all.yaml'] += '    - ./legacy.yaml\n';
  tree['catalog/legacy.yaml'] = Buffer.from(LEGACY, 'latin1');
  tree['catalog/legacy-more.yaml'] = MORE;
  return tempRepo(tree, { policies: true });
}

type Found = { diagnostics: { ruleId: string; file: string; range: { start: { line: number; column: number } } }[] };
const findings = (stdout: string) => (JSON.parse(stdout) as Found).diagnostics.map(d => `${d.ruleId}@${d.file}:${d.range.start.line}:${d.range.start.column}`);

describe('a catalog file that is not UTF-8 (through the bin)', () => {
  it('is judged as Backstage reads it (U+FFFD for each bad byte), besides yaml-encoding, with the files its Locations reach', async () => {
    const root = await repo();
    const plain = await runBin(['check', '--format', 'json'], root, { BACKSTAGE_GITOPS_READER: 'never' });
    expect(plain.stderr).toBe('');
    expect(plain.status).toBe(1);
    const found = findings(plain.stdout);
    expect(found).toEqual(expect.arrayContaining([
      'yaml-encoding@catalog/legacy.yaml:5:34',
      'ref-unresolved@catalog/legacy.yaml:9:10',
      'ref-unresolved@catalog/legacy-more.yaml:8:10',
    ]));
    // The second file is reached through the Latin-1 file's Location; the org's policies judge both files' entities.
    expect(found.filter(f => f.startsWith('location-'))).toEqual([]);
    expect(found).toEqual(expect.arrayContaining(['policy/system-has-domain@catalog/legacy.yaml:7:3', 'policy/system-has-domain@catalog/legacy-more.yaml:6:3']));
    const encoding = (JSON.parse(plain.stdout) as { diagnostics: { ruleId: string; message: string }[] }).diagnostics.find(d => d.ruleId === 'yaml-encoding');
    expect(encoding?.message).toContain('Latin-1');
    expect(encoding?.message).toContain('U+FFFD');

    // The reader thread (every other file) and the --cache (cold, then warm) give the same report.
    const shared = await runBin(['check', '--format', 'json'], root, { BACKSTAGE_GITOPS_READER: 'always' });
    expect([shared.status, shared.stdout, shared.stderr]).toEqual([plain.status, plain.stdout, plain.stderr]);
    const cache = join(await mkdtemp(join(tmpdir(), 'gitops-cache-')), 'check.json');
    const cold = await runBin(['check', '--format', 'json', '--cache', cache], root);
    const warm = await runBin(['check', '--format', 'json', '--cache', cache], root);
    expect([cold.status, cold.stdout, cold.stderr]).toEqual([plain.status, plain.stdout, plain.stderr]);
    expect([warm.status, warm.stdout, warm.stderr]).toEqual([plain.status, plain.stdout, plain.stderr]);
    // The warm run took the Latin-1 file's results, its yaml-encoding finding among them, from the cache.
    expect(readFileSync(cache, 'utf8').split('\n').filter(line => line.startsWith('["catalog/legacy.yaml",') && line.includes('"yaml-encoding"'))).toHaveLength(1);
  }, 120_000);

  it('judges UTF-16 as the U+FFFD and NUL characters Backstage reads, whose YAML may still hold entities', async () => {
    const tree: Record<string, string | Buffer> = baseTree();
    tree['catalog/all.yaml'] += '    - ./wide.yaml\n    - ./crafted.yaml\n';
    // Ordinary UTF-16: one plain scalar, which parseEntityYaml refuses (and so fails the Location reading it).
    tree['catalog/wide.yaml'] = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(MORE, 'utf16le')]);
    // UTF-16 characters whose two bytes are ASCII: after the mark's two U+FFFD, any YAML. Backstage stores the
    // first entity (the mark's characters are a root key its envelope allows, its kind's schema does not) and ingests the second.
    const crafted = `: x\n${MORE.replace('legacy-invoices', 'decoy').replace('team-nobody', 'team-a')}---\n${MORE}`;
    tree['catalog/crafted.yaml'] = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(crafted.length % 2 ? `${crafted}\n` : crafted)]);
    const root = await tempRepo(tree, { policies: true });
    const plain = await runBin(['check', '--format', 'json'], root, { BACKSTAGE_GITOPS_READER: 'never' });
    expect(plain.stderr).toBe('');
    const found = findings(plain.stdout);
    expect(found).toEqual(expect.arrayContaining([
      'yaml-encoding@catalog/wide.yaml:1:1',
      'yaml-not-a-mapping@catalog/wide.yaml:1:1',
      'yaml-encoding@catalog/crafted.yaml:1:1',
      'ref-unresolved@catalog/crafted.yaml:18:10',
    ]));
    const shared = await runBin(['check', '--format', 'json'], root, { BACKSTAGE_GITOPS_READER: 'always' });
    expect([shared.status, shared.stdout, shared.stderr]).toEqual([plain.status, plain.stdout, plain.stderr]);
    const cache = join(await mkdtemp(join(tmpdir(), 'gitops-cache-')), 'check.json');
    const cold = await runBin(['check', '--format', 'json', '--cache', cache], root);
    const warm = await runBin(['check', '--format', 'json', '--cache', cache], root);
    expect([cold.status, cold.stdout, cold.stderr]).toEqual([plain.status, plain.stdout, plain.stderr]);
    expect([warm.status, warm.stdout, warm.stderr]).toEqual([plain.status, plain.stdout, plain.stderr]);
  }, 120_000);
});
