import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { git } from '../helpers/gitRepo.ts';
import { runBin } from '../helpers/runBin.ts';
import { tempRepo } from '../helpers/tempRepo.ts';
import { commit } from './prChange.ts';

// piomin/backstage-templates: `report --base` said "✨ Fixes 1 warning" and listed template-action-unknown
// argocd:create-resources at spring-ai-on-openshift/template.yaml:219 as fixed and the same action as
// introduced at quarkus-ai-with-mcp/template.yaml:188, while line 219 still used it. The finding is said once
// per action, at the first step (in file order) that uses it: a new template that sorts earlier moved it.
// The same held for a skeleton several templates fetch, whose finding names the first step that fetches it.

const template = (name: string, steps: string) => `apiVersion: scaffolder.backstage.io/v1beta3
kind: Template
metadata: {name: ${name}}
spec:
  type: service
  steps:
${steps}`;

const DEPLOY = "    - {id: s, action: 'acme:deploy', input: {}}\n";
const FETCH = '    - id: fetch\n      action: fetch:template\n      input:\n        url: ../../skeletons/svc\n        values: {name: x}\n';

interface Finding { ruleId: string; file: string; alreadyOnBase?: boolean; range: { start: { line: number } } }

/** The base holds `base`; the head adds `added`. Runs `report --base` in json and markdown. */
async function report(base: Record<string, string>, added: Record<string, string>) {
  const root = await tempRepo(base);
  git(root, 'init', '-q', '-b', 'main');
  commit(root, 'base');
  const rev = git(root, 'rev-parse', 'HEAD').trim();
  for (const [file, text] of Object.entries(added)) {
    mkdirSync(dirname(join(root, file)), { recursive: true });
    writeFileSync(join(root, file), text);
  }
  commit(root, 'head');
  const run = await runBin(['report', '--base', rev, '--format', 'json'], root);
  const markdown = await runBin(['report', '--base', rev], root);
  expect(run.stderr).toBe('');
  const json = JSON.parse(run.stdout) as { diagnostics: Finding[]; fixed?: Finding[]; markdown: string };
  return { json, markdown: markdown.stdout };
}

const at = (d: Finding) => `${d.ruleId}@${d.file}:${d.range.start.line}${d.alreadyOnBase ? ' (on base)' : ''}`;

describe('report --base: a finding said once for several places, whose first place the change moves', () => {
  it('an unknown action another template that sorts earlier uses too is neither fixed nor introduced', async () => {
    const { json, markdown } = await report({ 'b/template.yaml': template('b', DEPLOY) }, { 'a/template.yaml': template('a', DEPLOY) });
    expect(json.diagnostics.map(at)).toEqual(['template-action-unknown@a/template.yaml:7 (on base)']);
    expect(json.fixed ?? []).toEqual([]);
    expect(markdown).not.toContain('Fixes 1 warning');
    expect(markdown).not.toContain('#### Fixed by this pull request');
    expect(markdown).toContain('#### Introduced by this pull request\n\nNone.');
    expect(markdown).toContain('1 finding is already on');
  }, 120_000);

  it('the action used nowhere any more is fixed, and one used first by the change alone is introduced', async () => {
    const { json } = await report({ 'b/template.yaml': template('b', DEPLOY) }, { 'b/template.yaml': template('b', "    - {id: s, action: 'acme:ship', input: {}}\n") });
    expect(json.diagnostics.map(at)).toEqual(['template-action-unknown@b/template.yaml:7']);
    expect((json.fixed ?? []).map(at)).toEqual(['template-action-unknown@b/template.yaml:7']);
  }, 120_000);

  it("a shared skeleton's missing value, now named by the step of a template that sorts earlier, is the base's", async () => {
    const skeleton = { 'skeletons/svc/README.md': '# ${{ values.name }} ${{ values.nope }}\n' };
    const { json, markdown } = await report({ ...skeleton, 'templates/b/template.yaml': template('b', FETCH) }, { 'templates/a/template.yaml': template('a', FETCH) });
    expect(json.diagnostics.map(at)).toEqual(['skeleton-unknown-value@skeletons/svc/README.md:1 (on base)']);
    expect(json.fixed ?? []).toEqual([]);
    expect(markdown).not.toContain('#### Fixed by this pull request');
    expect(markdown).toContain('#### Introduced by this pull request\n\nNone.');
  }, 120_000);
});
