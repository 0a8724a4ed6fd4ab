import { describe, expect, it } from 'vitest';
import { runBin } from '../helpers/runBin.ts';
import { tempRepo } from '../helpers/tempRepo.ts';

// A fresh user's 2.1 MB OpenAPI file (6,000 paths, ≈250,000 YAML values), read by $text: Backstage reads it
// whatever its size. The gate failed it at the default 1 MiB cap with the hint to split it with relative
// $refs (which under $text its own api-ref-unbundled then warns about), and with catalog.maxFileBytes raised
// it failed again on the locked 100,000-value budget: no configuration could pass it. The values a
// definition may hold now grow with catalog.maxFileBytes; a packed list ("[a, a, a, …]") still does not pass.
const GROUP = 'apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: team-a\nspec:\n  type: team\n  children: []\n';
const API = 'apiVersion: backstage.io/v1alpha1\nkind: API\nmetadata:\n  name: big\nspec:\n  type: openapi\n  lifecycle: production\n  owner: team-a\n  definition:\n    $text: ./openapi.yaml\n';
const operation = (i: number) => `  /p${i}:\n    get:\n      summary: op ${i} with a longer summary text to grow the file size somewhat more\n      description: a description that is fairly long as real specs have them, repeated for volume ${i}\n      parameters:\n        - name: id\n          in: query\n          schema: {type: string}\n      responses:\n        '200':\n          description: ok ${i}\n`;
const BIG = `openapi: 3.0.3\ninfo:\n  title: Big\n  version: 1.0.0\npaths:\n${Array.from({ length: 6000 }, (_, i) => operation(i)).join('')}`;
const PACKED = `openapi: 3.0.3\ninfo:\n  title: Packed\n  version: 1.0.0\n  x-items: [${Array(600_000).fill('a').join(',')}]\npaths: {}\n`;
const CONFIG = (maxFileBytes?: number) => `repoUrl: https://github.com/acme/apis/blob/main/\ncatalog:\n  roots: [catalog-info.yaml]\n${maxFileBytes ? `  maxFileBytes: ${maxFileBytes}\n` : ''}`;

type Found = { ruleId: string; file: string; hint?: string };

async function check(config: string, definition: string) {
  const root = await tempRepo({ 'gitops.config.yaml': config, 'catalog-info.yaml': `${GROUP}---\n${API}`, 'openapi.yaml': definition });
  const run = await runBin(['check', '--root', root, '--format', 'json'], root);
  return { status: run.status, found: JSON.parse(run.stdout).diagnostics as Found[] };
}

describe('a large API definition read by $text (check, through the bin)', () => {
  it('at the default cap: over it, with a hint that says Backstage reads it and how to have it linted', async () => {
    expect(BIG.length).toBeGreaterThan(2 * 1024 * 1024);
    const { status, found } = await check(CONFIG(), BIG);
    expect(status).toBe(1);
    const tooLarge = found.find(d => d.ruleId === 'yaml-file-too-large')!;
    expect(tooLarge.file).toBe('openapi.yaml');
    expect(tooLarge.hint).toContain('Backstage reads it as it is');
    expect(tooLarge.hint).toContain('raise catalog.maxFileBytes');
    expect(tooLarge.hint).not.toContain('Split it into files that refer to each other');
  }, 60_000);

  it('with catalog.maxFileBytes raised past it: passes; a packed list of the same size still exceeds the values budget', async () => {
    expect(await check(CONFIG(5_000_000), BIG)).toEqual({ status: 0, found: [] });
    const packed = await check(CONFIG(5_000_000), PACKED);
    expect(packed.found.map(d => `${d.ruleId}@${d.file}`)).toContain('yaml-node-limit@openapi.yaml');
    expect(packed.status).toBe(1);
  }, 60_000);
});
