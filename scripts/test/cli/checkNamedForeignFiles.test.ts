import { describe, expect, it } from 'vitest';
import { runBin } from '../helpers/runBin.ts';
import { tempRepo } from '../helpers/tempRepo.ts';

// Catalog sweep 19 (giantswarm/backstage-catalogs): the README's pre-commit run over changed files
// (`check file…`) judged a Crossplane claim with `{% if %}` lines (a skeleton a template fetches by its GitHub
// URL) as a broken catalog file: 5 yaml-syntax errors, where the whole run (CI's) reports nothing there. Same
// kind: a docker-compose file or Kubernetes manifest with a `<<: *anchor` merge key got entity-envelope or
// entity-kind-unknown errors. Any load problem made a named file count as an entity file; now its text decides,
// as discovery decides: an apiVersion of Backstage's group (no skeleton syntax unless a Template), or, with no
// apiVersion at all, a kind or metadata line. Skeleton documents (`${{ values.name }}`) never count, as in discovery.
const GROUP = 'apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: team-a\nspec:\n  type: team\n  children: []\n';
const FOREIGN = {
  'deploy/docker-compose.yaml': 'x-base: &base\n  restart: always\nservices:\n  web:\n    <<: *base\n    image: nginx\n',
  'deploy/k8s.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  labels: &labels\n    app: web\nspec:\n  template:\n    metadata:\n      labels:\n        <<: *labels\n',
  'deploy/claim.yaml': 'apiVersion: example.crossplane.io/v1alpha1\nkind: DatabaseClaim\nmetadata:\n  name: ${{ values.name }}\nspec:\n  cache:\n    {% if values.replicated -%}\n    replicated: true\n    {% endif -%}\n',
  // A skeleton's entity file in a folder no fetch step names (KazikKluz/backstage-catalog: a template that runs
  // a custom action over content/): discovery leaves it out, Backstage could never register it as written.
  'templates/vm/content/catalog-info.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: ${{ values.name }}\nspec:\n  type: service\n  lifecycle: production\n  owner: ${{ values.owner }}\n',
  // Fresh user, session 44: files that parse counted as entity files for any `kind` or `metadata` key, so the
  // pre-commit hook failed an Azure Developer CLI azure.yaml (this repo's own dotnet-webapi skeleton writes
  // one) and coreeng's `kind: app` templates with entity-envelope errors.
  'azure.yaml': 'name: todo-nodejs-mongo\nmetadata:\n  template: todo-nodejs-mongo@0.0.1-beta\nservices:\n  web:\n    project: ./src/web\n    host: appservice\n',
  'apps/app.yaml': 'name: docker-web\ndescription: Docker web application\nkind: app\nskeletonPath: ./skeleton\n',
};

async function check(root: string, paths: string[]) {
  const run = await runBin(['check', '--format', 'json', ...paths], root);
  expect(run.stderr).not.toMatch(/internal error|bug in backstage-gitops/);
  const found = (JSON.parse(run.stdout) as { diagnostics: { ruleId: string; file: string }[] }).diagnostics;
  return { status: run.status, found: found.map(d => `${d.ruleId}@${d.file}`) };
}

describe('check <files>: a named YAML file that is no catalog file, with a load problem or none', () => {
  it.each(Object.keys(FOREIGN))('%s is not judged, as the whole run does not judge it', async file => {
    const root = await tempRepo({ 'catalog-info.yaml': GROUP, ...FOREIGN });
    expect(await check(root, [file])).toEqual({ status: 0, found: [] });
    expect(await check(root, [])).toEqual({ status: 0, found: [] });
  }, 60_000);

  it('an entity whose author left the envelope out is judged: a Backstage kind in any case, or metadata.name with a kind or spec', async () => {
    const root = await tempRepo({
      'catalog-info.yaml': GROUP,
      'deploy/lower.yaml': 'kind: component\nmetadata:\n  name: svc\nspec:\n  type: service\n',
      'deploy/nokind.yaml': 'metadata:\n  name: svc2\nspec:\n  type: service\n',
    });
    const result = await check(root, ['deploy/lower.yaml', 'deploy/nokind.yaml']);
    expect(result.found).toContain('entity-envelope@deploy/lower.yaml');
    expect(result.found).toContain('entity-envelope@deploy/nokind.yaml');
    expect(result.status).toBe(1);
  }, 60_000);

  it('a Backstage entity file with the same problems is still judged', async () => {
    const root = await tempRepo({
      'catalog-info.yaml': GROUP,
      'deploy/broken.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: {name: [x\n',
      'deploy/merged.yaml': 'kind: Component\nmetadata: &m\n  name: svc\nspec:\n  <<: {type: service}\n',
    });
    const result = await check(root, ['deploy/broken.yaml', 'deploy/merged.yaml']);
    expect(result.found).toContain('yaml-syntax@deploy/broken.yaml');
    expect(result.found).toContain('yaml-merge-key@deploy/merged.yaml');
    expect(result.found).toContain('entity-envelope@deploy/merged.yaml');
    expect(result.status).toBe(1);
  }, 60_000);
});
