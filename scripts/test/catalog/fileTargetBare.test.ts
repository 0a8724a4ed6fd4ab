import { describe, expect, it } from 'vitest';
import { checkFindings } from '../helpers/runCli.ts';
import { tempRepo } from '../helpers/tempRepo.ts';

// Found by comparing the gate with a real Backstage (catalog-backend 4.0.0) reading a repository registered as
// a file location: a Location listing `org.yaml` (no leading ./) failed whole with "file org.yaml does not
// exist" (toAbsoluteUrl joins a file target to the Location's folder only when it starts with '.'), while the
// gate read org.yaml beside the Location and passed. Read by url, the same target is resolved against the file.
const group = 'apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: team-a\nspec:\n  type: team\n  children: []\n';
const files = (rootLocationType: string) => ({
  'gitops.config.yaml': `catalog:\n  roots: [catalog/all.yaml]\n  rootLocationType: ${rootLocationType}\n  allowedLocationTypes: [url, file]\n`,
  'catalog/all.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata:\n  name: root\nspec:\n  targets:\n    - org.yaml\n    - ./other.yaml\n',
  'catalog/org.yaml': group,
  'catalog/other.yaml': group.replace('team-a', 'team-b'),
});

describe('a file Location target without a leading . (toAbsoluteUrl)', () => {
  it('read from disk, it is a path on the Backstage server, not this repository\'s file: the Location fails', async () => {
    const { status, findings, diagnostics } = checkFindings(await tempRepo(files('file')));
    expect({ status, findings }).toEqual({ status: 1, findings: ['location-target-invalid@catalog/all.yaml:7:7'] });
    expect(diagnostics[0].message).toContain('"file org.yaml does not exist"');
    expect(diagnostics[0].hint).toBe('Write ./org.yaml.');
  });

  it('read by url, the same target is the file beside the Location', async () => {
    expect(checkFindings(await tempRepo(files('url')))).toMatchObject({ status: 0, findings: [] });
  });
});

// The same comparison: `.\sub\svc.yaml` in a file-read Location was ingested (FileReaderProcessor globs with
// windowsPathsNoEscape, so a backslash separates folders) where the gate said the target matched no file.
describe('a file Location target written with backslashes (FileReaderProcessor, windowsPathsNoEscape)', () => {
  it('reads the file the forward-slash path names', async () => {
    const tree = { ...files('file'), 'catalog/all.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata:\n  name: root\nspec:\n  targets:\n    - ./org.yaml\n    - .\\teams\\other.yaml\n' };
    const { 'catalog/other.yaml': other, ...rest } = tree;
    expect(checkFindings(await tempRepo({ ...rest, 'catalog/teams/other.yaml': other }))).toMatchObject({ status: 0, findings: [] });
  });
});
