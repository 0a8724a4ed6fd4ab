import { describe, expect, it } from 'vitest';
import { checkFindings } from '../helpers/runCli.ts';
import { tempRepo } from '../helpers/tempRepo.ts';

// left25 (fresh9's note): without gitops.config.yaml the allowed Location types were [url, file], where
// plugin-catalog-backend's CatalogBuilder starts with ['url'] and the orchestrator refuses any other type than
// the reader's ("Registered locations must be of an allowed type"). An absolute `type: file` target in a
// catalog read by URL was "outside this repository and is not checked offline" (info, exit 0).
const location = (type: string, target: string) => `apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata:\n  name: disk\nspec:\n  type: ${type}\n  target: ${target}\n`;

describe("Location types allowed by default are Backstage's: url (check, through the bin)", () => {
  it('without gitops.config.yaml an absolute type: file target is refused at spec.type, with a hint how to allow it', async () => {
    const root = await tempRepo({ 'catalog-info.yaml': location('file', '/etc/backstage/catalog/org.yaml') });
    const { status, findings, diagnostics } = checkFindings(root);
    expect({ status, findings }).toEqual({ status: 1, findings: ['location-target-invalid@catalog-info.yaml:6:9'] });
    expect(diagnostics[0].message).toContain("Location type 'file' is not allowed here");
    expect(diagnostics[0].message).toContain('Allowed: url');
    expect(diagnostics[0].hint).toContain("add 'file' to catalog.allowedLocationTypes in gitops.config.yaml");
  });

  it('a gitops.config.yaml that allows file keeps the target as the server\'s own file (info); one that leaves the option out refuses it', async () => {
    const allowed = await tempRepo({ 'gitops.config.yaml': 'catalog:\n  allowedLocationTypes: [url, file]\n', 'catalog-info.yaml': location('file', '/etc/backstage/catalog/org.yaml') });
    expect(checkFindings(allowed)).toMatchObject({ status: 0, findings: ['location-target-external@catalog-info.yaml:7:11'] });
    const unset = await tempRepo({ 'gitops.config.yaml': 'failOn: error\n', 'catalog-info.yaml': location('file', '/etc/backstage/catalog/org.yaml') });
    expect(checkFindings(unset)).toMatchObject({ status: 1, findings: ['location-target-invalid@catalog-info.yaml:6:9'] });
  });

  it('a url Location and a Location of its reader\'s type are never refused', async () => {
    const root = await tempRepo({ 'catalog-info.yaml': location('url', 'https://example.com/catalog-info.yaml') });
    expect(checkFindings(root)).toMatchObject({ status: 0, findings: ['location-target-external@catalog-info.yaml:7:11'] });
  });
});
