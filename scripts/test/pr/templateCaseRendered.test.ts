import { describe, expect, it } from 'vitest';
import { dataRepoCopy } from '../helpers/gitRepo.ts';
import { commit, edit, startPullRequest } from './prChange.ts';
import { runReport } from './runReport.ts';

// ctlaz (s40): a case with `snapshot: false` whose output had findings (template-output-invalid, so it had
// rendered) read "❌ … fails (…); not rendered" in the report's Templates section: a case that keeps no
// snapshot was taken for one that did not render. Only a failed render (or none) is "not rendered" now.

describe('report: a template case that rendered but keeps no snapshot', () => {
  it('says it rendered, with findings on its output, and that nothing is compared', async () => {
    const root = await dataRepoCopy();
    const base = startPullRequest(root);
    edit(root, 'templates/node-service/tests/default.yaml', t => `${t.replace('system: system:default/orders', 'system: system:default/nowhere')}snapshot: false\n`);
    commit(root, 'a case without a snapshot, naming a system the catalog lacks');
    const report = await runReport(root, base);
    expect(report.json.diagnostics.some(d => d.ruleId === 'template-output-invalid' && d.file === 'templates/node-service/tests/default.yaml')).toBe(true);
    expect(report.json.report.templates).toEqual([expect.objectContaining({ template: 'node-service', caseFile: 'templates/node-service/tests/default.yaml', passed: false, failedBy: ['template-output-invalid'], rendered: 'unsnapshotted' })]);
    expect(report.json.markdown).toMatch(/- ❌ <code>node-service<\/code> \/ <code>default\.yaml<\/code>: fails \(<code>template-output-invalid<\/code>, under Findings\); rendered; the case keeps no snapshot \(snapshot: false\), so its output is not compared with <code>[0-9a-f]+<\/code>\n/);
    expect(report.json.markdown).not.toContain('not rendered');
  }, 180_000);
});
