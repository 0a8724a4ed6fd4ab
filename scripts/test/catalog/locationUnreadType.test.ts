import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runBin } from '../helpers/runBin.ts';
import { tempRepo } from '../helpers/tempRepo.ts';

// Seen in benwilcock/systems-techdocs: `kind: Location, spec: {type: dir, targets: [tanzu-developer-portal-system/mkdocs.yaml]}`.
// Backstage reads a target only through a processor of its type: url and file in catalog-backend, a module's
// own type from a URL. The orchestrator refuses `dir` (allowedLocationTypes) or, once allowed, fails the Location
// ("No processor was able to handle reading of dir:…"): the mkdocs.yaml is never read. The gate followed the
// target as a file and added two entity-envelope errors on mkdocs.yaml, saying Backstage fails the Location
// because of that file: an author would then put apiVersion into an mkdocs config.

const LOCATION = 'apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata:\n  name: docs\nspec:\n  type: dir\n  targets:\n    - "site/mkdocs.yaml"\n';
const MKDOCS = 'site_name: site\nnav:\n  - Home: index.md\nplugins:\n  - techdocs-core\nmetadata:\n  namespace: default\nkind: system\n';
const found = (stdout: string) => (JSON.parse(stdout).diagnostics as { ruleId: string; file: string; message: string }[]).map(d => ({ at: `${d.ruleId}@${d.file}`, message: d.message }));

describe('a Location of a type no processor reads from a path', () => {
  it('reads none of its targets: one finding on the Location, none on the file it names', async () => {
    const root = await tempRepo({ 'catalog-info.yaml': LOCATION, 'site/mkdocs.yaml': MKDOCS, 'site/docs/index.md': '# Site\n' });
    const refused = await runBin(['check', '--format', 'json'], root);
    expect(found(refused.stdout).map(f => f.at)).toEqual(['location-target-invalid@catalog-info.yaml']);
    writeFileSync(join(root, 'gitops.config.yaml'), 'catalog:\n  roots: [catalog-info.yaml]\n  allowedLocationTypes: [url, dir]\n');
    const allowed = await runBin(['check', '--format', 'json'], root);
    expect(found(allowed.stdout)).toEqual([{ at: 'location-target-invalid@catalog-info.yaml', message: expect.stringMatching(/^No processor of Backstage reads a Location of type "dir" from a path \(here "site\/mkdocs.yaml"\): .* reads none of its targets\.$/) }]);
    expect(allowed.status).toBe(1);
  }, 60_000);
});
