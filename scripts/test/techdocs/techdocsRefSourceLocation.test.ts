import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runBin } from '../helpers/runBin.ts';
import { checkFindings } from '../helpers/runCli.ts';
import { tempRepo } from '../helpers/tempRepo.ts';

// fresh16: a central catalog lists each service with `backstage.io/source-location: url:<the service's
// repository>` and `backstage.io/techdocs-ref: dir:.`, and the docs live in that repository. TechDocs resolves
// dir: against getEntitySourceLocation (techdocs-node transformDirLocation), which takes source-location before
// the file's own location, so Backstage builds those docs; the gate resolved dir: against the catalog file and
// said techdocs-ref-missing, an error on every such entity (and on every entity `import` brought from a service
// repository with its source-location kept). Kind: any dir: techdocs-ref beside a written source-location.
const entity = (sourceLocation: string, ref = 'dir:.') => `apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: orders
  annotations:
    backstage.io/source-location: ${sourceLocation}
    backstage.io/techdocs-ref: ${ref}
spec:
  type: service
  lifecycle: production
  owner: user:guest
`;

async function catalogRepo(files: Record<string, string>): Promise<string> {
  const root = await tempRepo(files);
  execFileSync('git', ['-C', root, 'init', '-q', '-b', 'main']);
  execFileSync('git', ['-C', root, 'remote', 'add', 'origin', 'https://github.com/acme/catalog.git']);
  return root;
}

const techdocs = (root: string) => checkFindings(root).diagnostics.filter(d => d.ruleId.startsWith('techdocs-ref'));

describe('techdocs-ref dir: beside backstage.io/source-location (check, through the bin)', () => {
  it('is read from the source location: docs in another repository are no finding', async () => {
    const root = await catalogRepo({
      'catalog/orders.yaml': entity('url:https://github.com/acme/orders/tree/main/'),
      'catalog/billing.yaml': entity('url:https://github.com/acme/billing/tree/main/', 'dir:./docs/site').replace('orders', 'billing'),
    });
    expect(techdocs(root)).toEqual([]);
  });

  it('in this repository, the folder the source location names is the one judged', async () => {
    const root = await catalogRepo({
      'catalog/orders.yaml': entity('url:https://github.com/acme/catalog/tree/main/services/orders/'),
      'services/orders/docs/index.md': '# Orders\n',
    });
    expect(techdocs(root)).toEqual([]);
    const missing = await catalogRepo({
      'catalog/orders.yaml': entity('url:https://github.com/acme/catalog/tree/main/services/billing/'),
      'catalog/docs/index.md': '# Beside the file, where TechDocs does not look\n',
    });
    const found = techdocs(missing);
    expect(found.map(d => [d.ruleId, d.file])).toEqual([['techdocs-ref-missing', 'catalog/orders.yaml']]);
    expect(found[0].message).toContain('points at services/billing/ but there is neither a mkdocs.yml nor a docs/ folder there');
    expect(found[0].hint).toContain('dir: is relative to backstage.io/source-location, which TechDocs resolves it against;');
  });

  // The same resolution decides what techdocs build and publish take for the entity's site: the catalog's own
  // docs/ beside the file are not the orders service's docs (publishing them would replace, under
  // default/component/orders, the site Backstage builds from the orders repository).
  it('is no site of this repository for techdocs build when the source location is elsewhere', async () => {
    const root = await catalogRepo({
      'catalog/orders.yaml': entity('url:https://github.com/acme/orders/tree/main/'),
      'catalog/docs/index.md': '# The catalog, not the orders service\n',
    });
    const out = join(root, '.site');
    const run = await runBin(['techdocs', 'build', '--out', out], root);
    expect(run.stderr).toContain('building 0 site(s)');
    expect(existsSync(join(out, 'default/component/orders'))).toBe(false);
  }, 120_000);
});

// Fresh user, session 47: RoadieHQ's argo-cd backend had `techdocs-ref: url:…/tree/main/plugins/backend/
// backstage-plugin-argo-cd`, a folder of its own repository that no longer exists; dir: refs were judged,
// url: refs into the same repository were not. TechDocs reads the folder through the URL and builds nothing.
describe('techdocs-ref url: into this repository (check, through the bin)', () => {
  it('a folder that does not exist, or holds no site, is techdocs-ref-missing; one with docs, another repository or branch, and a file are not judged', async () => {
    const root = await catalogRepo({
      'catalog/gone.yaml': entity('url:https://github.com/acme/catalog/tree/main/services/gone/', 'url:https://github.com/acme/catalog/tree/main/services/gone').replace('orders', 'gone'),
      'catalog/bare.yaml': entity('url:https://github.com/acme/catalog/tree/main/services/bare/', 'url:https://github.com/acme/catalog/tree/main/services/bare/').replace('orders', 'bare'),
      'services/bare/README.md': '# Bare\n',
      'catalog/orders.yaml': entity('url:https://github.com/acme/catalog/tree/main/services/orders/', 'url:https://github.com/acme/catalog/tree/main/services/orders'),
      'services/orders/docs/index.md': '# Orders\n',
      'catalog/site.yaml': entity('url:https://github.com/acme/catalog/tree/main/', 'url:https://github.com/acme/catalog/tree/main/services/site/').replace('orders', 'site'),
      'services/site/mkdocs.yml': 'site_name: Site\n',
      'catalog/other.yaml': entity('url:https://github.com/acme/other/tree/main/', 'url:https://github.com/acme/other/tree/main/nothing-here').replace('orders', 'other'),
      'catalog/file.yaml': entity('url:https://github.com/acme/catalog/tree/main/', 'url:https://github.com/acme/catalog/blob/main/services/orders/docs/index.md').replace('orders', 'file'),
      'catalog/branch.yaml': entity('url:https://github.com/acme/catalog/tree/main/', 'url:https://github.com/acme/catalog/tree/release/services/gone').replace('orders', 'branch'),
    });
    const found = techdocs(root);
    expect(found.map(d => [d.ruleId, d.file])).toEqual([
      ['techdocs-ref-missing', 'catalog/bare.yaml'],
      ['techdocs-ref-missing', 'catalog/gone.yaml'],
    ]);
    expect(found[0].message).toContain('points at services/bare/ of this repository, which holds neither a mkdocs.yml nor a docs/ folder');
    expect(found[1].message).toContain('points at services/gone/ of this repository, which does not exist');
  });
});
