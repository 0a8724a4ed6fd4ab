import { describe, expect, it } from 'vitest';
import { checkFindings } from '../helpers/runCli.ts';
import { tempRepo } from '../helpers/tempRepo.ts';

// fresh9: test-jhandy1-org/test-app-asyncapi keeps its entity in .backstage/ with
// `backstage.io/techdocs-ref: dir:./../docs`, and docs/index.md exists. TechDocs takes dir: for the site's root,
// writes a default mkdocs.yml there that reads docs/docs/, and fails. The finding was right, but its words
// ("there is neither a mkdocs.yml nor a docs/ folder there") read as untrue next to an existing docs/ folder,
// and its hint ("add docs/index.md there") named the file that is already there.
const entity = (ref: string) => `apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: svc\n  annotations:\n    backstage.io/techdocs-ref: ${ref}\nspec:\n  type: service\n  lifecycle: production\n  owner: user:guest\n`;

describe('techdocs-ref dir: naming the docs folder itself (check, through the bin)', () => {
  it('says the folder holds the pages and names the dir: that builds them', async () => {
    const root = await tempRepo({ '.backstage/catalog-info.yaml': entity('dir:./../docs'), 'docs/index.md': '# Svc\n' });
    const { status, diagnostics } = checkFindings(root);
    const found = diagnostics.filter(d => d.ruleId === 'techdocs-ref-missing');
    expect(found).toHaveLength(1);
    expect(found[0].message).toContain('points at docs/, which holds the pages themselves (docs/index.md) but neither a mkdocs.yml nor a docs/ folder');
    expect(found[0].hint).toBe('Write dir:.. (relative to this file): the folder that holds docs/, whose default mkdocs.yml reads it.');
    expect(status).toBe(1);
  });

  it('a pages folder of another name: dir: at the folder above, with a mkdocs.yml naming it', async () => {
    const root = await tempRepo({ 'catalog-info.yaml': entity('dir:./documentation'), 'documentation/index.md': '# Svc\n' });
    const { diagnostics } = checkFindings(root);
    const found = diagnostics.filter(d => d.ruleId === 'techdocs-ref-missing');
    expect(found.map(d => d.hint)).toEqual(['Write dir:. (relative to this file) and add a mkdocs.yml there with docs_dir: documentation, or move the pages into documentation/docs/.']);
  });

  it('the fix it names passes, and a folder without pages keeps the old words', async () => {
    const fixed = await tempRepo({ '.backstage/catalog-info.yaml': entity('dir:..'), 'docs/index.md': '# Svc\n' });
    expect(checkFindings(fixed).diagnostics.filter(d => d.ruleId === 'techdocs-ref-missing')).toEqual([]);
    const empty = await tempRepo({ 'catalog-info.yaml': entity('dir:./site') });
    const found = checkFindings(empty).diagnostics.filter(d => d.ruleId === 'techdocs-ref-missing');
    expect(found.map(d => d.message)).toEqual(["backstage.io/techdocs-ref points at site/ but there is neither a mkdocs.yml nor a docs/ folder there, so TechDocs cannot build this entity's docs."]);
  });
});
