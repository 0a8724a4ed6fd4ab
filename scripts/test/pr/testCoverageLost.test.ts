import { copyFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dataRepoCopy } from '../helpers/gitRepo.ts';
import { commit, edit, read, startPullRequest, write } from './prChange.ts';
import { runReport, type ReportRun } from './runReport.ts';

// Red team: a hostile pull request silenced a template's tests and hid its changes from review while the report
// still said "✅ ready to merge, 0 errors": (a) it rewrote the only case to expect its values refused, with
// `snapshot: false` and the snapshot deleted, and broke the skeleton that nothing rendered any more ("✅ …:
// not rendered"); (b) `snapshot: false` and a deleted snapshot on a case hid which files the skeleton adds;
// (c) `.gitattributes` lines with linguist-generated and -diff folded the skeleton's and the snapshots' diffs away.

const PYTHON_CASE = 'templates/python-datascience/tests/default.yaml';
const GO_CASE = 'templates/go-service/tests/default.yaml';
type Finding = ReportRun['json']['diagnostics'][number];
const at = (d: Finding) => `${d.ruleId} ${d.file}:${d.range.start.line}:${(d.range.start as { column?: number }).column}`;
const ofRules = (diagnostics: Finding[], ...rules: string[]) => diagnostics.filter(d => rules.includes(d.ruleId));

describe('report: a pull request that stops the template tests from showing what a skeleton generates', () => {
  it('template-tests-removed when the only case is rewritten to expect its values refused (skeleton broken unseen); a new rendering case is no finding', async () => {
    const root = await dataRepoCopy();
    const base = startPullRequest(root);
    write(root, PYTHON_CASE, 'name: churn model project\nvalues:\n  name: X\nexpect:\n  valuesError: name\nsnapshot: false\n');
    rmSync(join(root, 'templates/python-datascience/tests/default.snapshot.yaml'));
    edit(root, 'skeletons/python-datascience/catalog-info.yaml', t => t.replace('  owner: ${{ values.owner }}', '  owner: group:default/payments-team\n  : [unclosed'));
    // Another template gains a case that renders (and its snapshot): more coverage, nothing said.
    copyFileSync(join(root, 'templates/node-service/tests/default.yaml'), join(root, 'templates/node-service/tests/second.yaml'));
    copyFileSync(join(root, 'templates/node-service/tests/default.snapshot.yaml'), join(root, 'templates/node-service/tests/second.snapshot.yaml'));
    commit(root, 'the python case only checks a refusal now');
    const run = await runReport(root, base);
    const found = ofRules(run.json.diagnostics, 'template-tests-removed', 'template-snapshot-removed');
    expect(found.map(at)).toEqual([`template-tests-removed ${PYTHON_CASE}:5:16`]);
    expect(found[0].severity).toBe('warning');
    expect(found[0].message).toMatch(/^No test case renders this template's skeleton any more: the base revision renders it in 1 case, and every case this change leaves expects its values to be refused \(expect\.valuesError\)/);
    expect(found[0].hint).toContain('templates/python-datascience/tests/');
    expect(run.json.markdown).toContain('template-tests-removed');
    expect(run.json.report.templates.filter((c: { template: string }) => c.template === 'node-service').map((c: { caseFile: string; passed: boolean }) => [c.caseFile, c.passed])).toEqual([
      ['templates/node-service/tests/default.yaml', true],
      ['templates/node-service/tests/second.yaml', true],
    ]);
  }, 240_000);

  it('template-snapshot-removed when a case sets snapshot: false and its snapshot is deleted; the template\'s other case is untouched', async () => {
    const root = await dataRepoCopy();
    const base = startPullRequest(root);
    // The line `snapshot: false` is written on: the one after the case's last.
    const line = read(root, GO_CASE).split('\n').length;
    edit(root, GO_CASE, t => `${t}snapshot: false\n`);
    rmSync(join(root, 'templates/go-service/tests/default.snapshot.yaml'));
    commit(root, 'no snapshot for the default go case');
    const run = await runReport(root, base);
    const found = ofRules(run.json.diagnostics, 'template-tests-removed', 'template-snapshot-removed');
    expect(found.map(at)).toEqual([`template-snapshot-removed ${GO_CASE}:${line}:11`]);
    expect(found[0].severity).toBe('warning');
    expect(found[0].message).toBe('This case no longer compares its rendered tree with its snapshot (the base revision does; this change sets `snapshot: false` on the case): the report can no longer show which files the skeleton adds or changes, so a change to what new repositories get passes unseen.');
    expect(run.json.markdown).toContain('template-snapshot-removed');
  }, 240_000);

  it('review-hidden on each .gitattributes line that newly folds diffs away; an unchanged file and `*.png binary` already on the base are no finding', async () => {
    const root = await dataRepoCopy();
    write(root, '.gitattributes', '# images\n*.png binary\n');
    write(root, 'skeletons/node-service/.gitattributes', '*.bin -diff\n');
    commit(root, 'attributes on the base');
    const base = startPullRequest(root);
    write(root, 'skeletons/python-datascience/.gitattributes', '* linguist-generated=true -diff\n');
    write(root, 'templates/python-datascience/.gitattributes', '# generated\ntests/** linguist-generated=true -diff\n');
    // Edited, but the line that hides (*.png binary) was already there; the new ones do not hide anything.
    write(root, '.gitattributes', '# images\n*.sh text eol=lf\n*.png binary\n*.md linguist-generated=false\n');
    edit(root, 'skeletons/python-datascience/mlflow.yaml', t => `${t}# reviewed?\n`);
    commit(root, 'fold the skeleton away');
    const run = await runReport(root, base);
    const found = ofRules(run.json.diagnostics, 'review-hidden');
    expect(found.map(at)).toEqual([
      'review-hidden skeletons/python-datascience/.gitattributes:1:3',
      'review-hidden templates/python-datascience/.gitattributes:2:10',
    ]);
    expect(found.map(d => d.severity)).toEqual(['warning', 'warning']);
    expect(found[0].message).toMatch(/^This \.gitattributes line \(`\* linguist-generated=true -diff`\) gives \* linguist-generated \(GitHub collapses .*\) and -diff \(.*\): GitHub collapses or hides these files' diffs in pull request review, so reviewers may not see the changes/);
    expect(found[0].hint).toMatch(/^Remove the attribute from this line; .*platform team own this \.gitattributes/);
    expect(run.json.markdown).toContain('review-hidden');
  }, 240_000);
});
