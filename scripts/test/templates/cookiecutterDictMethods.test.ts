import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { git } from '../helpers/gitRepo.ts';
import { runBin } from '../helpers/runBin.ts';
import { tempRepo } from '../helpers/tempRepo.ts';

interface Finding { ruleId: string; file: string; message: string; range: { start: { line: number; column: number } } }

// Template fidelity (false alarm): under cookiecutterCompat the scaffolder's renderer gives a dict Python's
// methods (cookiecutter.get('x', default), items(), keys(), values(), has_key()), which cookiecutter
// templates use; the gate called each "never passed by the step, so it renders as nothing" (an error) while
// Backstage renders them.
const SKELETON = 'templates/svc/skel/README.md';

async function repository(skeleton: string) {
  const root = await tempRepo({
    'catalog-info.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: team-a\nspec:\n  type: team\n  children: []\n',
    'templates/svc/template.yaml': 'apiVersion: scaffolder.backstage.io/v1beta3\nkind: Template\nmetadata:\n  name: svc\nspec:\n  type: service\n  owner: group:default/team-a\n  parameters:\n    - properties:\n        name: { type: string }\n  steps:\n    - id: fetch\n      action: fetch:template\n      input:\n        url: ./skel\n        cookiecutterCompat: true\n        values:\n          name: ${{ parameters.name }}\n          port: 8080\n',
    'templates/svc/tests/default.yaml': 'name: default\nvalues:\n  name: x\n',
    [SKELETON]: skeleton,
  });
  git(root, 'init', '-q', '-b', 'main');
  return root;
}

describe('a cookiecutterCompat skeleton calling a dict method of cookiecutter', () => {
  it('passes check, and the offline render gives what the methods return', async () => {
    const root = await repository('name: {{ cookiecutter.get("name") }}\nport: {{ cookiecutter.get("port", 80) }}\nregion: {{ cookiecutter.get("region", "eu") }}\n{% for k, v in cookiecutter.items() %}{{ k }}={{ v }}\n{% endfor %}keys: {{ cookiecutter.keys() | length }}\nvalues: {{ cookiecutter.values() | length }}\nhas: {{ cookiecutter.has_key("name") }}\n');
    const check = await runBin(['check', '--format', 'json'], root);
    expect((JSON.parse(check.stdout) as { diagnostics: Finding[] }).diagnostics.map(d => d.ruleId)).toEqual([]);
    expect(check.status).toBe(0);
    const render = await runBin(['templates', 'test', '--update-snapshots'], root);
    expect(render.status, render.stdout).toBe(0);
    expect(readFileSync(join(root, 'templates/svc/tests/default.snapshot.yaml'), 'utf8')).toBe('README.md: |\n  name: x\n  port: 8080\n  region: eu\n  name=x\n  port=8080\n  keys: 2\n  values: 2\n  has: true\n');
  }, 120_000);

  it('a misspelt value called as a method is still never passed (and no method the renderer has)', async () => {
    const root = await repository('b: {{ cookiecutter.nmae() }}\n');
    const check = await runBin(['check', '--format', 'json'], root);
    expect((JSON.parse(check.stdout) as { diagnostics: Finding[] }).diagnostics.map(d => `${d.ruleId}@${d.range.start.line}:${d.range.start.column}`)).toEqual(['skeleton-unknown-function@1:20', 'skeleton-unknown-value@1:20']);
    expect(check.status).toBe(1);
  }, 60_000);

  // Fresh user: cookiecutter.get('nmae') (a key the step does not pass, no default) renders as nothing and was
  // not flagged, and cookiecutter.pop() (no method the renderer gives a dict) was said to render as nothing
  // while Nunjitsu stops the render: 'Template value "cookiecutter.pop" resolved to undefined and cannot be called'.
  it('get of a key not passed, without a default, is an unknown value with the key meant; a method the renderer lacks fails the render', async () => {
    const root = await repository('a: {{ cookiecutter.get("nmae") }}\nb: {{ cookiecutter.get("nmae", "x") }}\n{% if cookiecutter.get("flag") %}f{% endif %}\nc: {{ cookiecutter.get("other") | default("z") }}\nd: {{ cookiecutter.pop("name") }}\n');
    const check = await runBin(['check', '--format', 'json'], root);
    const found = (JSON.parse(check.stdout) as { diagnostics: Finding[] }).diagnostics.filter(d => d.ruleId === 'skeleton-unknown-value');
    expect(found.map(d => `${d.range.start.line}: ${d.message}`)).toEqual([
      `1: cookiecutter.get("nmae") reads nmae, which is never passed by templates/svc/template.yaml, step fetch, so, with no default as its second argument, it renders as nothing. Did you mean cookiecutter.get("name")?`,
      `5: cookiecutter.pop is never passed by templates/svc/template.yaml, step fetch, so calling it fails the render of this file ("resolved to undefined and cannot be called"); nor is it one of the Python dict methods the renderer gives cookiecutter.`,
    ]);
    expect(check.status).toBe(1);
    const render = await runBin(['templates', 'test'], root);
    expect(render.stdout).toContain('Template value "cookiecutter.pop" resolved to undefined and cannot be called');
  }, 120_000);
});
