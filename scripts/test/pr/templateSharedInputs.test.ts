import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dataRepoCopy } from '../helpers/gitRepo.ts';
import { runBin } from '../helpers/runBin.ts';
import { commit, edit, startPullRequest } from './prChange.ts';
import { runReport } from './runReport.ts';

// `report` ran the test cases of the templates a pull request touches, judged by the files each template
// reads. A case is also judged by what no template reads: the config, the org's policies, the pinned
// packages and the catalog its rendered catalog-info.yaml refers into. A pull request that renamed the
// system go-service's case refers to (catalog refs, editor schema and CODEOWNERS all updated) passed
// `report` (exit 0, no Templates section) while `templates test` failed on main from then on.

type Case = { template: string; caseFile: string; passed: boolean; because?: string };

describe('report: template cases judged against what the pull request changes elsewhere', () => {
  it('runs every case when entities are removed or renamed, and fails on a case that now refers to nothing', async () => {
    const root = await dataRepoCopy();
    const base = startPullRequest(root);
    edit(root, 'catalog/systems/fraud-detection/entities.yaml', t => t.replace(/^( {2}name:| {2}system:) fraud-detection$/gm, '$1 fraud-platform').replace('system:fraud-detection\n', 'system:fraud-platform\n'));
    for (const generated of [['schema', '--write'], ['codeowners', '--write']]) expect((await runBin(generated, root)).status).toBe(0);
    commit(root, 'rename the fraud-detection system');
    const { json } = await runReport(root, base);
    const failing = json.diagnostics.filter(d => d.ruleId === 'template-output-invalid');
    expect(failing.map(d => [d.file, d.message])).toEqual([['templates/go-service/tests/default.yaml', expect.stringContaining('spec.system refers to system:default/fraud-detection')]]);
    expect(failing[0]).not.toHaveProperty('alreadyOnBase');
    expect(json.exitCode).toBe(1);
    const cases = json.report.templates as Case[];
    expect(cases.length).toBe(9);
    expect(cases.filter(c => !c.passed).map(c => c.caseFile)).toEqual(['templates/go-service/tests/default.yaml']);
    expect(new Set(cases.map(c => c.because))).toEqual(new Set(['this change removes or renames system:default/fraud-detection']));
    // Said once, failing cases first.
    const section = json.markdown.slice(json.markdown.indexOf('### Templates'));
    expect(section).toContain('this change removes or renames system\\:default/fraud\\-detection, and every case is judged against');
    expect(section.split('\n').find(l => l.startsWith('- '))).toContain('❌ <code>go-service</code> / <code>default.yaml</code>');
  }, 240_000);

  it('marks what a case already failed on the base, and runs every case for the config or the pinned packages', async () => {
    const root = await dataRepoCopy();
    writeFileSync(join(root, 'package.json'), '{ "name": "acme-backstage-control", "private": true }\n');
    // main already has a broken case: its system does not exist.
    edit(root, 'templates/go-service/tests/default.yaml', t => t.replace('system: system:default/fraud-detection', 'system: system:default/fraud-detektion'));
    commit(root, 'a typo on main');
    const base = startPullRequest(root);
    edit(root, 'gitops.config.yaml', t => `${t}# reviewed\n`);
    commit(root, 'a comment in the config');
    const config = await runReport(root, base);
    const cases = config.json.report.templates as Case[];
    expect(cases.length).toBe(9);
    expect(cases[0].because).toBe('this change edits gitops.config.yaml');
    const failing = config.json.diagnostics.filter(d => d.ruleId === 'template-output-invalid');
    expect(failing.map(d => [d.file, (d as { alreadyOnBase?: boolean }).alreadyOnBase])).toEqual([['templates/go-service/tests/default.yaml', true]]);

    edit(root, 'package.json', t => t.replace('"private": true', '"private": true, "description": "x"'));
    commit(root, 'package.json');
    const packages = await runReport(root, base);
    expect((packages.json.report.templates as Case[])[0].because).toBe('this change edits gitops.config.yaml, package.json');
  }, 240_000);
});
