import { describe, expect, it } from 'vitest';
import { runBin } from '../helpers/runBin.ts';
import { tempRepo } from '../helpers/tempRepo.ts';
import { fetchSkeletonStep, templateHead } from '../helpers/templateRepo.ts';

// The template's owner names a group that does not exist: a finding on the template, so a run that judges it shows it.
const TEMPLATE = templateHead('svc').replace('group:default/platform', 'group:default/nobody') + fetchSkeletonStep();
const SKELETON = {
  'skeletons/svc/catalog-info.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: ${{ values.name }}\nspec: {type: service, lifecycle: production, owner: group:default/platform}\n',
  'skeletons/svc/main.go': 'package main\n',
};
const GROUP = 'apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata: {name: platform}\nspec: {type: team, children: []}\n';
const summary = (stdout: string) => (JSON.parse(stdout).diagnostics as { ruleId: string; file: string; range: { start: { line: number } } }[]).map(d => `${d.ruleId}@${d.file}:${d.range.start.line}`).sort();

describe('check <file> naming a file of a skeleton', () => {
  it('judges the templates that fetch its folder, under the catalog.rules of the location that reaches them', async () => {
    // As in this repo: Templates are allowed only through the templates' own root location.
    const root = await tempRepo({
      'gitops.config.yaml': 'repoUrl: https://github.com/acme/x/blob/main/\ncatalog:\n  roots: [catalog/all.yaml, templates/all.yaml]\n  appConfig: app-config.yaml\n',
      'app-config.yaml': 'catalog:\n  rules:\n    - allow: [Component, Group, Location]\n  locations:\n    - type: url\n      target: https://github.com/acme/x/blob/main/catalog/all.yaml\n    - type: url\n      target: https://github.com/acme/x/blob/main/templates/all.yaml\n      rules:\n        - allow: [Template]\n',
      'catalog/all.yaml': `${GROUP}`,
      'templates/all.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata: {name: templates}\nspec:\n  targets: [./svc/template.yaml]\n',
      'templates/svc/template.yaml': TEMPLATE,
      ...SKELETON,
    });
    const full = await runBin(['check', '--format', 'json'], root);
    const expected = ['ref-unresolved@templates/svc/template.yaml:6'];
    expect(summary(full.stdout).filter(s => !s.startsWith('codeowners') && !s.startsWith('editor-schema'))).toEqual(expected);
    for (const file of ['skeletons/svc/main.go', 'skeletons/svc/catalog-info.yaml', 'templates/svc/template.yaml']) {
      const run = await runBin(['check', '--format', 'json', file], root);
      expect({ file, status: run.status, found: summary(run.stdout) }).toEqual({ file, status: 1, found: expected });
    }
  }, 60_000);

  it('judges those templates in a repo without gitops.config.yaml too, rather than finding nothing to check', async () => {
    const root = await tempRepo({ 'catalog/platform.yaml': GROUP, 'templates/svc/template.yaml': TEMPLATE, ...SKELETON });
    const run = await runBin(['check', '--format', 'json', 'skeletons/svc/catalog-info.yaml'], root);
    expect({ status: run.status, stderr: run.stderr, found: summary(run.stdout) }).toEqual({ status: 1, stderr: '', found: ['ref-unresolved@templates/svc/template.yaml:6'] });
  }, 60_000);

  // Fresh user (SkylarHoughtonGithub/skylab-backstage-catalog): `check <skeleton>/location.yaml` judged the
  // skeleton documents its Location (`name: ${{ values.name }}-entities`) targets, nine errors every other
  // run (whole, the folder, the target itself) does not give; Backstage refuses such a Location as written.
  it("a skeleton's Location reads nothing, named or not, with a template fetching its folder or without", async () => {
    const skeleton = {
      'skel/location.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata:\n  name: ${{ values.name }}-entities\nspec:\n  targets:\n    - ./component.yaml\n',
      'skel/component.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: ${{ values.name }}\nspec: {type: service, lifecycle: production, owner: group:default/platform}\n',
    };
    for (const files of [{ 'catalog/platform.yaml': GROUP, ...skeleton }, { 'catalog/platform.yaml': GROUP, 'templates/svc/template.yaml': templateHead('svc') + fetchSkeletonStep().replace('../../skeletons/svc', '../../skel'), ...skeleton }]) {
      const root = await tempRepo(files);
      for (const args of [[], ['skel/location.yaml'], ['skel'], ['skel/component.yaml']]) {
        const run = await runBin(['check', '--format', 'json', ...args], root);
        expect({ args, found: summary(run.stdout).filter(s => !s.startsWith('codeowners')), status: run.status }).toEqual({ args, found: [], status: 0 });
      }
    }
  }, 120_000);

  // Review: an expression in free text (a description, an annotation) refuses nothing, so such a Location
  // still reads its targets, and what they hold is judged.
  it('a Location with an expression only in its description still reads its targets', async () => {
    const root = await tempRepo({
      'gitops.config.yaml': 'catalog:\n  roots: [catalog/all.yaml]\n',
      'catalog/all.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata:\n  name: extra\n  description: "see ${{ docs }}"\nspec:\n  targets: [./platform.yaml, ./hidden.yaml]\n',
      'catalog/platform.yaml': GROUP,
      'catalog/hidden.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: hidden\nspec: {type: service, lifecycle: production, owner: group:default/nobody}\n',
    });
    const run = await runBin(['check', '--format', 'json'], root);
    expect(summary(run.stdout)).toEqual(['ref-unresolved@catalog/hidden.yaml:5']);
    expect(run.status).toBe(1);
  }, 60_000);
});
