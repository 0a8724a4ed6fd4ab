import { describe, expect, it } from 'vitest';
import { runBin } from '../helpers/runBin.ts';
import { tempRepo } from '../helpers/tempRepo.ts';

interface Finding { ruleId: string; file: string; message: string; hint: string; range: { start: { line: number; column: number } } }

const CATALOG = 'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: svc\n  annotations:\n    backstage.io/techdocs-ref: dir:.\nspec:\n  type: service\n  lifecycle: production\n  owner: group:team-a\n---\napiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: team-a\nspec:\n  type: team\n  children: []\n';

async function findings(mkdocs: string): Promise<Finding[]> {
  const root = await tempRepo({ 'catalog-info.yaml': CATALOG, 'mkdocs.yml': mkdocs, 'docs/index.md': '# Hi\n' });
  const run = await runBin(['check', '--format', 'json'], root);
  expect(run.stderr).toBe('');
  expect(run.status).toBe(1);
  return (JSON.parse(run.stdout).diagnostics as Finding[]).filter(d => d.ruleId === 'mkdocs-unsafe-tag');
}

// TechDocs' sanitizer (techdocs-node sanitizeMkdocsYml, js-yaml with MKDOCS_SCHEMA) throws on a Python tag its
// UnknownTag does not allow: the site is not built. The finding pointed at the value after the tag (for a tag
// with no value, the end of the line) and spoke only of Python code, not of the refused build.
describe('mkdocs-unsafe-tag: at the tag, saying TechDocs refuses the site and which tags it allows (check, through the bin)', () => {
  it.each([
    ['a Python tag with no value', 'site_name: x\nmarkdown_extensions:\n  - pymdownx.emoji:\n      emoji_index: !!python/name:material.extensions.emoji.twemoji\n', 4, 20],
    ['a Python tag on a flow sequence', 'site_name: x\nextra:\n  x: !!python/object/apply:os.system ["id"]\n', 3, 6],
    ['a Python tag on a value on the next line', 'site_name: x\nextra:\n  x: !!python/name:os.system\n    # a comment\n    ""\n', 3, 6],
  ])('%s', async (_, mkdocs, line, column) => {
    const [finding, ...rest] = await findings(mkdocs);
    expect(rest).toEqual([]);
    expect(finding.range.start).toEqual({ line, column });
    expect(finding.message).toMatch(/is a Python YAML tag TechDocs refuses: its sanitizer stops with "Unsupported Python YAML tag 'tag:yaml\.org,2002:python\//);
    expect(finding.message).toContain('so TechDocs does not build this site');
    expect(finding.message).toContain('allow: !!python/name:materialx.emoji.twemoji, !!python/object.apply:materialx.emoji.to_svg, !!python/object/apply:pymdownx.slugs.slugify, !relative.');
  }, 60_000);

  it('!ENV (which TechDocs keeps, and the org refuses): at the tag, with the tags allowed', async () => {
    const [finding] = await findings('site_name: x\nextra:\n  k: !ENV SECRET\n');
    expect(finding.range.start).toEqual({ line: 3, column: 6 });
    expect(finding.message).toMatch(/^!ENV reads an environment variable .* The tags allowed: .*!relative\.$/);
  }, 60_000);
});
