import { describe, expect, it } from 'vitest';
import { checkFindings } from '../helpers/runCli.ts';
import { tempRepo } from '../helpers/tempRepo.ts';

// Found by comparing the gate with a real Backstage (catalog-backend 4.0.0) over a repository served from a
// host with no SCM integration, read through backend.reading.allow: the root Location with a `*` target
// failed whole ("Unable to read url, Unsupported search pattern URL", FetchUrlReader.search) and one with
// `{a,b}.yaml` failed with "no matching files found for …/%7Ba,b%7D.yaml", while the gate matched both
// against the repository's files and passed. Which reader reads the repository decides: the app-config's.
const group = 'apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: team-a\nspec:\n  type: team\n  children: []\n';
const component = (name: string) => `apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: ${name}\nspec:\n  type: service\n  lifecycle: production\n  owner: team-a\n`;
const repo = (repoUrl: string, appConfig: string, targets: string[]) => tempRepo({
  'gitops.config.yaml': `repoUrl: ${repoUrl}\ncatalog:\n  roots: [catalog-info.yaml]\n  appConfig: app-config.yaml\n`,
  'app-config.yaml': `${appConfig}catalog:\n  rules:\n    - allow: [Component, Group, Location]\n`,
  'catalog-info.yaml': `apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata:\n  name: root\nspec:\n  targets:\n${targets.map(t => `    - ${t}\n`).join('')}`,
  'org.yaml': group,
  'services/a.yaml': component('a'),
  'a.yaml': component('a2'),
});

describe('a Location pattern as the managed Backstage\'s reader of the repository reads it (UrlReader.search)', () => {
  it('a host read only through backend.reading.allow (FetchUrlReader) cannot search: a * target fails the Location, braces are a file name', async () => {
    const root = await repo('https://git.internal.example/acme/catalog/', 'backend:\n  reading:\n    allow: [{host: git.internal.example}]\n', ['./org.yaml', './services/*.yaml', './{a,b}.yaml', './?.yaml']);
    const { status, findings, diagnostics } = checkFindings(root);
    // A ? starts the URL's query, which the reader does not test as a pattern: a missing file (404), not a refused search.
    expect({ status, findings }).toEqual({ status: 1, findings: ['location-target-invalid@catalog-info.yaml:8:7', 'location-target-missing@catalog-info.yaml:10:7', 'location-target-missing@catalog-info.yaml:9:7'] });
    expect(diagnostics[0].message).toContain('"Unable to read url, Unsupported search pattern URL"');
  });

  it('a self-hosted GitLab in the app-config searches * but reads {a,b} as that name; GitHub expands both', async () => {
    const gitlab = await repo('https://gitlab.acme.example/acme/catalog/-/blob/main/', 'integrations:\n  gitlab:\n    - host: gitlab.acme.example\n      apiBaseUrl: https://gitlab.acme.example/api/v4\n      token: ${GITLAB_TOKEN}\n', ['./org.yaml', './services/*.yaml', './{a,b}.yaml']);
    expect(checkFindings(gitlab)).toMatchObject({ status: 1, findings: ['location-target-missing@catalog-info.yaml:9:7'] });
    const github = await repo('https://github.com/acme/catalog/blob/main/', '', ['./org.yaml', './services/*.yaml', './{a,b}.yaml']);
    expect(checkFindings(github)).toMatchObject({ status: 0, findings: [] });
  });
});
