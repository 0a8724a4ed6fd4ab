import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runBin } from '../helpers/runBin.ts';
import { tempRepo } from '../helpers/tempRepo.ts';

// Catalog sweep 19 (alithya-oss/backstage-demo): `backstage.io/techdocs-ref: dir:../../` in
// software-catalog/apps/backstage.yaml names the repository root, which holds mkdocs.yaml and docs/. The gate
// said "points at ./ but there is neither a mkdocs.yml nor a docs/ folder there" (an error) and `techdocs
// build`/`publish` skipped the site: a relative path ending in `/` that reaches the root was joined to `./`,
// and `./mkdocs.yml` is no repo file. Backstage resolves the target as a URL (the reader drops the trailing
// `/`), so `dir:./` at the root, `dir:../../` two folders down and `dir:.` all build the root's docs.
const component = (name: string, ref: string) => `apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: ${name}\n  annotations:\n    backstage.io/techdocs-ref: ${ref}\nspec:\n  type: service\n  lifecycle: production\n  owner: team-a\n`;
const GROUP = 'apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: team-a\nspec:\n  type: team\n  children: []\n';

async function check(files: Record<string, string>) {
  const run = await runBin(['check', '--format', 'json'], await tempRepo(files));
  expect(run.stderr).not.toMatch(/internal error/);
  const found = JSON.parse(run.stdout).diagnostics as { ruleId: string; file: string; message: string }[];
  return { status: run.status, found: found.map(d => `${d.ruleId}@${d.file}: ${d.message}`) };
}

describe('a techdocs-ref dir: with a trailing slash that names the repository root', () => {
  it.each([
    ['dir:./ at the root', 'catalog-info.yaml', 'dir:./'],
    ['dir:../../ two folders down', 'catalog/apps/app.yaml', 'dir:../../'],
    ['dir:..// one folder down', 'catalog/app.yaml', 'dir:..//'],
  ])('%s builds the root docs: no finding', async (_, file, ref) => {
    const result = await check({ 'group.yaml': GROUP, [file]: component('app', ref), 'mkdocs.yaml': 'site_name: App\n', 'docs/index.md': '# App\n' });
    expect(result.found).toEqual([]);
    expect(result.status).toBe(0);
  }, 60_000);

  it('the root without docs is still said to be missing them, as the root', async () => {
    const result = await check({ 'group.yaml': GROUP, 'catalog/apps/app.yaml': component('app', 'dir:../../'), 'catalog/apps/mkdocs.yml': 'site_name: Elsewhere\n' });
    expect(result.found).toEqual([
      "techdocs-ref-missing@catalog/apps/app.yaml: backstage.io/techdocs-ref points at ./ but there is neither a mkdocs.yml nor a docs/ folder there, so TechDocs cannot build this entity's docs.",
    ]);
    expect(result.status).toBe(1);
  }, 60_000);

  it('techdocs build builds the root site named by dir:../../', async () => {
    const repo = await tempRepo({ 'group.yaml': GROUP, 'catalog/apps/app.yaml': component('app', 'dir:../../'), 'mkdocs.yml': 'site_name: App\n', 'docs/index.md': '# App\n' });
    const out = mkdtempSync(join(tmpdir(), 'root-slash-site-'));
    const run = await runBin(['techdocs', 'build', '--out', out], repo);
    expect(run.stderr).toContain('1 built, 0 failed');
    expect(readdirSync(join(out, 'default', 'component', 'app'))).toContain('index.html');
    expect(run.status).toBe(0);
  }, 120_000);
});
