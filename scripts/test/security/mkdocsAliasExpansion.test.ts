import { describe, expect, it } from 'vitest';
import { tempRepo } from '../helpers/tempRepo.ts';
import { runBin } from './runBin.ts';

// Red team 33: check reported a site's mkdocs.yml whose aliases expand ten levels deep as yaml-alias-limit, and
// then handed it to techdocs-node's sanitizer all the same: its dump and the comparison after it copy each alias
// out, so eight levels of ten (10^8 copies from 600 bytes) held the gate 35 s and 1.8 GB, nine ran it out of memory.
const laughs = `a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n${Array.from({ length: 8 }, (_, i) => `a${i + 1}: &a${i + 1} [${Array(10).fill(`*a${i}`).join(', ')}]\n`).join('')}`;
const component = 'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: svc\n  annotations:\n    backstage.io/techdocs-ref: dir:.\nspec:\n  type: service\n  lifecycle: production\n  owner: group:team-a\n---\napiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: team-a\nspec:\n  type: team\n  children: []\n';
interface Finding { ruleId: string; file: string; range: { start: { line: number } } }

describe("a TechDocs site's mkdocs.yml whose aliases explode (shipped bin)", () => {
  it('check: yaml-alias-limit on it, in seconds, and the sanitizer never expands it', async () => {
    const root = await tempRepo({ 'catalog-info.yaml': component, 'mkdocs.yml': `site_name: x\n${laughs}`, 'docs/index.md': '# hi\n' });
    const result = await runBin(['check', '--format', 'json'], root);
    const found = (JSON.parse(result.stdout) as { diagnostics: Finding[] }).diagnostics;
    expect(found.map(f => `${f.ruleId}@${f.file}`)).toEqual(['yaml-alias-limit@mkdocs.yml']);
    expect(result.status).toBe(1);
    expect(result.milliseconds).toBeLessThan(10_000);
  }, 90_000);
});
