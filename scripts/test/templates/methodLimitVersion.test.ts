import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { tempRepo } from '../helpers/tempRepo.ts';
import { runBin } from '../security/runBin.ts';

// A fresh user on the skupper templates: 18 skeleton-unknown-function errors for replaceAll(), which their
// Backstage (still rendering with Nunjucks) runs. The finding is right for the pinned scaffolder, so it
// says which version it judges against, and what to write that this version's renderer allows.
const version = (JSON.parse(readFileSync(createRequire(import.meta.url).resolve('@backstage/plugin-scaffolder-backend/package.json'), 'utf8')) as { version: string }).version;
const template = `apiVersion: scaffolder.backstage.io/v1beta3\nkind: Template\nmetadata:\n  name: site\nspec:\n  owner: group:team-a\n  type: service\n  parameters:\n    - properties:\n        name: {type: string}\n  steps:\n    - id: fetch\n      action: fetch:template\n      input:\n        url: ../../skeletons/site\n        values:\n          name: \${{ parameters.name }}\n`;
const CASE = 'name: a\nvalues:\n  name: my-site\nsnapshot: false\n';
interface Finding { ruleId: string; message: string; hint: string; range: { start: { line: number; column: number } } }

async function unknownFunctions(skeleton: string): Promise<Finding[]> {
  const root = await tempRepo({ 'templates/site/template.yaml': template, 'templates/site/tests/a.yaml': CASE, 'skeletons/site/site.yaml': skeleton });
  const result = await runBin(['templates', 'test', '--format', 'json'], root);
  expect(result.stderr).not.toContain('internal error');
  return (JSON.parse(result.stdout) as { diagnostics: Finding[] }).diagnostics.filter(d => d.ruleId === 'skeleton-unknown-function');
}

describe('a method the pinned renderer does not allow names the scaffolder version and what to write (shipped bin)', () => {
  it("replaceAll(): the version read from the installed package, and the replace filter or a regex with the g flag", async () => {
    const [found, ...rest] = await unknownFunctions("name: ${{ values.name.replaceAll('-', '.') }}\n");
    expect(rest).toEqual([]);
    expect(found.range.start).toEqual({ line: 1, column: 23 });
    expect(found.message).toContain('replaceAll is no method the renderer allows on any value');
    expect(found.message).toContain(`That is the limit of @backstage/plugin-scaffolder-backend ${version}, the version this toolkit judges against`);
    expect(found.message).toContain('releases that rendered with Nunjucks called any JavaScript method, so it may work on an older Backstage but fails on this one.');
    expect(found.hint).toBe("Write values.name | replace('-', '.') (the replace filter replaces every occurrence) or values.name.replace(r/-/g, '.') (a regex literal with the g flag: replace() with a plain string replaces only the first).");
  }, 60_000);

  it('the hint it gives renders: both forms pass, with the value the case expects', async () => {
    const root = await tempRepo({
      'templates/site/template.yaml': template,
      'templates/site/tests/a.yaml': "name: a\nvalues:\n  name: my-site\nexpect:\n  contains:\n    site.yaml: ['a: my.site', 'b: my.site']\nsnapshot: false\n",
      'skeletons/site/site.yaml': "a: ${{ values.name | replace('-', '.') }}\nb: ${{ values.name.replace(r/-/g, '.') }}\n",
    });
    const result = await runBin(['templates', 'test', '--format', 'json'], root);
    expect((JSON.parse(result.stdout) as { diagnostics: Finding[] }).diagnostics.filter(d => d.ruleId !== 'template-output-not-judged')).toEqual([]);
    expect(result.status).toBe(0);
  }, 60_000);

  it('trimLeft(): trimStart(), which the renderer allows', async () => {
    const [found] = await unknownFunctions('name: ${{ values.name.trimLeft() }}\n');
    expect(found.message).toContain(`@backstage/plugin-scaffolder-backend ${version}`);
    expect(found.hint).toBe('Write values.name.trimStart() instead, which the renderer allows.');
  }, 60_000);
});
