import { describe, expect, it } from 'vitest';
import { checkFindings } from '../helpers/runCli.ts';
import { tempRepo } from '../helpers/tempRepo.ts';

// fresh9: RoadieHQ/sample-service registers `spec.type: github-discovery` (GithubDiscoveryProcessor of the
// github catalog module reads it). The gate's hint said "Use type 'url' with a relative or absolute target",
// which would make Backstage read one file named `*`; and once the type was allowed in gitops.config.yaml, the
// URL target was looked for as a path in this repository ("matches no file (looked for https:/github.com/…)").
const location = (type: string) => `apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata:\n  name: disco\nspec:\n  type: ${type}\n  target: https://github.com/acme/*/blob/-/catalog-info.yaml\n`;

describe('Location types a catalog module reads (check, through the bin)', () => {
  it('a github-discovery Location: refused with a hint that names the processor and how to allow it', async () => {
    const root = await tempRepo({ 'catalog-info.yaml': location('github-discovery') });
    const { status, findings, diagnostics } = checkFindings(root);
    expect(findings).toEqual(['location-target-invalid@catalog-info.yaml:6:9']);
    expect(diagnostics[0].hint).toContain('Only GithubDiscoveryProcessor of @backstage/plugin-catalog-backend-module-github reads \'github-discovery\'');
    expect(diagnostics[0].hint).toContain("add 'github-discovery' to catalog.allowedLocationTypes in gitops.config.yaml");
    expect(diagnostics[0].hint).not.toContain("Use type 'url'");
    expect(status).toBe(1);
  });

  it('allowed in gitops.config.yaml: its URL target is read by the module, not looked for in this repository', async () => {
    const root = await tempRepo({ 'catalog-info.yaml': location('github-discovery'), 'gitops.config.yaml': 'catalog:\n  roots: [catalog-info.yaml]\n  allowedLocationTypes: [url, github-discovery]\n' });
    const { status, findings } = checkFindings(root);
    expect(findings).toEqual(['location-target-external@catalog-info.yaml:7:11']);
    expect(status).toBe(0);
  });

  it('a type no module reads keeps the url hint', async () => {
    const root = await tempRepo({ 'catalog-info.yaml': location('gihub') });
    const { diagnostics } = checkFindings(root);
    expect(diagnostics.map(d => d.hint)).toEqual(["Use type 'url' with a relative or absolute target."]);
  });
});
