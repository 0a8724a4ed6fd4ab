import { describe, expect, it } from 'vitest';
import { checkFindings } from '../helpers/runCli.ts';
import { tempRepo } from '../helpers/tempRepo.ts';

// Found by comparing the gate with a real Backstage (catalog-backend 4.0.0) reading a repository registered as
// a file location: every entity with a relative $text/$json/$yaml failed ("Placeholder $text could not form a
// URL out of /…/svc.yaml and ./desc.txt, TypeError: Invalid URL": PlaceholderProcessor resolves the value
// against the location's target with the integrations' resolveUrl, and a path is no URL), while the gate read
// the file beside the entity and passed. Read by url, the same entity passes; an absolute URL is read either way.
const group = 'apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: team-a\nspec:\n  type: team\n  children: []\n';
const component = (name: string, placeholder: string) => `apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: ${name}\n  description:\n    ${placeholder}\nspec:\n  type: service\n  lifecycle: production\n  owner: team-a\n`;
const files = (rootLocationType: string) => ({
  'gitops.config.yaml': `catalog:\n  roots: [catalog/all.yaml]\n  rootLocationType: ${rootLocationType}\n  allowedLocationTypes: [url, file]\n`,
  'catalog/all.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata:\n  name: root\nspec:\n  targets:\n    - ./org.yaml\n    - ./svc.yaml\n',
  'catalog/org.yaml': group,
  'catalog/svc.yaml': `${component('a', '$text: ./desc.txt')}---\n${component('b', '$yaml: ../desc.yaml')}---\n${component('c', '$text: https://github.com/acme/x/blob/main/desc.txt')}`,
  'catalog/desc.txt': 'A service.\n',
  'desc.yaml': 'A service.\n',
});

describe('placeholders of an entity Backstage reads from disk (PlaceholderProcessor, file location)', () => {
  it('a relative one fails the entity with Backstage\'s message; an absolute URL is read', async () => {
    const { status, findings, diagnostics } = checkFindings(await tempRepo(files('file')));
    expect({ status, findings }).toEqual({ status: 1, findings: ['placeholder-invalid@catalog/svc.yaml:17:5', 'placeholder-invalid@catalog/svc.yaml:6:5', 'placeholder-not-read@catalog/svc.yaml:28:5'] });
    expect(diagnostics.find(d => d.ruleId === 'placeholder-invalid')?.message).toMatch(/^Placeholder \$text could not form a URL out of catalog\/svc\.yaml and \.\/desc\.txt, TypeError: Invalid URL: /);
  });

  it('read by url, the same entities pass', async () => {
    expect(checkFindings(await tempRepo(files('url')))).toMatchObject({ status: 0, findings: ['placeholder-not-read@catalog/svc.yaml:28:5'] });
  });
});
