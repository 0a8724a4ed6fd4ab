import { describe, expect, it } from 'vitest';
import { checkFindings } from '../helpers/runCli.ts';
import { tempRepo } from '../helpers/tempRepo.ts';

// fresh9: without roots (discovery, `check --root ../other-repo`) every catalog file counts as registered,
// so Backstage reads what its Locations name. A `./svc/**/*.yaml` glob that also matches an openapi.yaml and a
// docker-compose.yaml makes Backstage read both as catalog files: ProcessorOutputCollector refuses each
// document without an envelope and the whole Location fails. Roots mode said so; discovery left both files
// out as "not catalog files" and passed (exit 0).
const LOCATION = 'apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata:\n  name: all\nspec:\n  targets:\n    - ./svc/**/*.yaml\n';
const GROUP = 'apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: team\nspec:\n  type: team\n  children: []\n';
const COMPONENT = 'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: a\nspec:\n  type: service\n  lifecycle: production\n  owner: team\n';
const SOURCES = {
  'catalog-info.yaml': `${LOCATION}---\n${GROUP}`,
  'svc/a/catalog-info.yaml': COMPONENT,
  'svc/a/openapi.yaml': "openapi: 3.0.0\ninfo: {title: a, version: '1'}\npaths: {}\n",
  'svc/b/docker-compose.yaml': 'services:\n  b: {image: nginx}\n',
  // Not matched by the glob (another folder, and .yml): still no catalog file.
  'deploy/compose.yaml': 'services:\n  c: {image: nginx}\n',
  'svc/a/mkdocs.yml': 'site_name: a\n',
};
const ENVELOPE = (file: string) => ['entity-envelope@' + file + ':1:1', 'entity-envelope@' + file + ':1:1', 'entity-envelope@' + file + ':1:1'];

describe('discovery reads what its Locations name, as Backstage does (check, through the bin)', () => {
  it('files a discovered Location glob matches are judged as catalog files, the others are not', async () => {
    const root = await tempRepo(SOURCES);
    const { status, findings, diagnostics } = checkFindings(root);
    expect(findings).toEqual([...ENVELOPE('svc/a/openapi.yaml'), ...ENVELOPE('svc/b/docker-compose.yaml')].sort());
    expect(diagnostics[0].message).toContain('Backstage then fails the whole Location in catalog-info.yaml');
    expect(status).toBe(1);
  });

  it('the same repository with roots gives the same findings', async () => {
    const root = await tempRepo({ ...SOURCES, 'gitops.config.yaml': 'catalog:\n  roots: [catalog-info.yaml]\n' });
    const { findings } = checkFindings(root);
    expect(findings).toEqual([...ENVELOPE('svc/a/openapi.yaml'), ...ENVELOPE('svc/b/docker-compose.yaml')].sort());
  });

  it('a Location inside a skeleton (not registered as written) reads nothing', async () => {
    const template = "apiVersion: scaffolder.backstage.io/v1beta3\nkind: Template\nmetadata:\n  name: t\nspec:\n  owner: group:team\n  type: service\n  steps:\n    - id: fetch\n      action: fetch:template\n      input:\n        url: ./skeleton\n        values:\n          name: x\n";
    const root = await tempRepo({
      'catalog-info.yaml': GROUP,
      'templates/t/template.yaml': template,
      'templates/t/skeleton/catalog-info.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata:\n  name: ${{ values.name }}\nspec:\n  targets: [./*.yaml]\n',
      'templates/t/skeleton/values.yaml': 'replicas: 1\n',
    });
    const { status, findings } = checkFindings(root);
    expect(findings).toEqual([]);
    expect(status).toBe(0);
  });
});
