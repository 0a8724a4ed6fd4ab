import { describe, expect, it } from 'vitest';
import { runBin } from '../helpers/runBin.ts';
import { tempRepo } from '../helpers/tempRepo.ts';

// A fresh user wrote backstage.io/source-location without its trailing slash: TechDocs resolves dir:. against
// it as against a file's address, in the folder above. techdocs-ref-missing was right, but its hint (add
// docs/index.md there, or fix the path) sent them to the wrong folder; the slash is the fix.
const GROUP = 'apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: team-a\nspec:\n  type: team\n  children: []\n';
const component = (location: string) => `apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: y\n  annotations:\n    backstage.io/source-location: ${location}\n    backstage.io/techdocs-ref: dir:.\nspec:\n  type: service\n  lifecycle: production\n  owner: team-a\n`;
const CONFIG = 'repoUrl: https://github.com/acme/repo/blob/main/\ncatalog:\n  roots: [catalog-info.yaml]\n';

async function check(location: string) {
  const root = await tempRepo({ 'gitops.config.yaml': CONFIG, 'catalog-info.yaml': `${GROUP}---\n${component(location)}`, 'services/y/docs/index.md': '# Y\n' });
  const run = await runBin(['check', '--root', root, '--format', 'json'], root);
  return { status: run.status, found: JSON.parse(run.stdout).diagnostics as { ruleId: string; message: string; hint?: string }[] };
}

describe('a source-location written without its trailing slash (check, through the bin)', () => {
  it('techdocs-ref-missing says the slash is missing and its hint writes the source-location with it', async () => {
    const { status, found } = await check('url:https://github.com/acme/repo/tree/main/services/y');
    expect(status).toBe(1);
    expect(found.map(d => d.ruleId)).toEqual(['techdocs-ref-missing']);
    expect(found[0].message).toContain('ends without a "/"');
    expect(found[0].hint).toBe('End backstage.io/source-location with a "/" (url:https://github.com/acme/repo/tree/main/services/y/): then dir: resolves in services/y/, which has the docs.');
  }, 60_000);

  it('with the slash: passes; a folder with no docs either way keeps the plain hint', async () => {
    expect(await check('url:https://github.com/acme/repo/tree/main/services/y/')).toEqual({ status: 0, found: [] });
    const { found } = await check('url:https://github.com/acme/repo/tree/main/services/z');
    expect(found.map(d => d.ruleId)).toEqual(['techdocs-ref-missing']);
    expect(found[0].hint).not.toContain('End backstage.io/source-location');
  }, 60_000);
});
