import { describe, expect, it } from 'vitest';
import { runBin } from '../helpers/runBin.ts';
import { tempRepo } from '../helpers/tempRepo.ts';

// `docs_dir: docs/` (or `./docs/`) names the same folder as `docs` for MkDocs (os.path.abspath drops the slash),
// and `./` the config's own folder. The gate joined the text as written: "The docs folder docs// does not exist
// or is empty" on a site that builds (mkdocs 1.6 and `techdocs build` both build it), the site's pages were never
// looked at for file includes, and `./` was taken for a missing folder instead of MkDocs' own refusal.
const site = (docsDir: string, page: string) => ({
  'catalog-info.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: a\n  annotations: {backstage.io/techdocs-ref: "dir:."}\nspec: {type: service, lifecycle: production, owner: team-a}\n---\napiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata: {name: team-a}\nspec: {type: team, children: []}\n',
  'mkdocs.yml': `site_name: A\ndocs_dir: ${docsDir}\nnav:\n  - Home: index.md\n`,
  'docs/index.md': page,
  'index.md': '# root\n',
});

async function check(files: Record<string, string>) {
  const run = await runBin(['check', '--format', 'json'], await tempRepo(files));
  expect(run.stderr).not.toMatch(/internal error/);
  const found = JSON.parse(run.stdout).diagnostics as { ruleId: string; file: string; message: string; range: { start: { line: number } } }[];
  return { status: run.status, found: found.map(d => `${d.ruleId}@${d.file}:${d.range.start.line}`), messages: found.map(d => d.message) };
}

describe('docs_dir with a trailing slash names the same folder (check, through the bin)', () => {
  it.each(['docs/', './docs/', 'docs//'])('docs_dir %s with docs/index.md: quiet', async docsDir => {
    const { status, found } = await check(site(docsDir, '# A\n'));
    expect(found).toEqual([]);
    expect(status).toBe(0);
  }, 60_000);

  it('docs_dir docs/: a page that pastes a host file is still found', async () => {
    const { found } = await check(site('docs/', '# A\n\n--8<-- "/etc/hostname"\n'));
    expect(found).toEqual(['techdocs-file-include@docs/index.md:3']);
  }, 60_000);

  it("docs_dir ./ is the config's own folder: MkDocs' refusal, not a missing folder", async () => {
    const { found, messages } = await check(site('./', '# A\n'));
    expect(found).toEqual(['mkdocs-invalid@mkdocs.yml:2']);
    expect(messages[0]).toContain("The 'docs_dir' should not be the parent directory of the config file.");
  }, 60_000);
});
