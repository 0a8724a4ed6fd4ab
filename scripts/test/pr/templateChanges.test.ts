import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dataRepoCopy } from '../helpers/gitRepo.ts';
import { runBin } from '../helpers/runBin.ts';
import { commit, edit, startPullRequest } from './prChange.ts';
import { runReport } from './runReport.ts';

// A pull request that evolves a golden path (fresh user 6): the report said nothing about templates, so a
// skeleton change whose snapshot was not updated passed the gate, and a reviewer learnt what teams will now
// get only by reading two YAML snapshots side by side.

describe('report: the templates and skeletons a pull request touches', () => {
  it('renders their cases: what the render does differently from the base, and a stale snapshot fails the gate', async () => {
    const root = await dataRepoCopy();
    const base = startPullRequest(root);
    edit(root, 'skeletons/node-service/Dockerfile', t => t.replace('USER node\n', 'USER node\nHEALTHCHECK CMD wget -qO- http://127.0.0.1:${{ values.port }}/healthz\n'));
    commit(root, 'a HEALTHCHECK, snapshot not updated');
    const stale = await runReport(root, base);
    expect(stale.json.exitCode).toBe(1);
    const snapshot = stale.json.diagnostics.filter(d => d.ruleId === 'template-snapshot');
    expect(snapshot.map(d => [d.file, d.message])).toEqual([[
      'templates/node-service/tests/default.yaml',
      'The rendered tree differs from templates/node-service/tests/default.snapshot.yaml: 1 file changed (Dockerfile: line 14 was "EXPOSE 8081", now "HEALTHCHECK CMD wget -qO- http://127.0.0.1:8081/healthz" (+1 −0 line)).',
    ]]);
    expect(stale.json.report.templates).toEqual([{ template: 'node-service', caseFile: 'templates/node-service/tests/default.yaml', passed: false, failedBy: ['template-snapshot'], rendered: '1 file changed (Dockerfile: line 14 was "EXPOSE 8081", now "HEALTHCHECK CMD wget -qO- http://127.0.0.1:8081/healthz" (+1 −0 line))' }]);
    expect(stale.json.markdown).toContain('### Templates');
    expect(stale.json.markdown).toContain('- ❌ <code>node-service</code> / <code>default.yaml</code>: fails (<code>template-snapshot</code>, under Findings); 1 file changed');

    // The author accepts the change: the gate passes, and the report still says what the render now does.
    const update = await runBin(['templates', 'test', 'node-service', '--update-snapshots'], root);
    expect(update.status, update.stdout + update.stderr).toBe(0);
    commit(root, 'snapshot');
    const accepted = await runReport(root, base);
    expect(accepted.json.diagnostics.filter(d => d.ruleId.startsWith('template-'))).toEqual([]);
    expect(accepted.json.report.templates).toEqual([expect.objectContaining({ template: 'node-service', passed: true, rendered: expect.stringContaining('Dockerfile: line 14 was "EXPOSE 8081"') })]);
    expect(accepted.json.markdown).toContain('- ✅ <code>node-service</code> / <code>default.yaml</code>: 1 file changed');
    // Only the templates that read a changed file: the other golden paths are not rendered.
    expect(accepted.json.report.templates).toHaveLength(1);
  }, 180_000);

  it('leaves the section out when no template, test or skeleton changes, and says "renders as on" for a change that keeps the output', async () => {
    const root = await dataRepoCopy();
    const base = startPullRequest(root);
    edit(root, 'catalog/systems/orders/entities.yaml', t => t.replace("description: '.NET 8 Web API that accepts and tracks customer orders.'", "description: '.NET 8 Web API that accepts, tracks and cancels customer orders.'"));
    commit(root, 'catalog only');
    const catalogOnly = await runReport(root, base);
    expect(catalogOnly.json.report.templates).toBeUndefined();
    expect(catalogOnly.json.markdown).not.toContain('### Templates');

    writeFileSync(join(root, 'templates/go-service/NOTES.md'), 'Reviewed by the platform team.\n');
    commit(root, 'a note beside the go-service template');
    const note = await runReport(root, base);
    expect(note.json.report.templates.map((c: { caseFile: string; rendered: string }) => [c.caseFile, c.rendered])).toEqual([
      ['templates/go-service/tests/default-namespace.yaml', 'same'],
      ['templates/go-service/tests/default.yaml', 'same'],
    ]);
    expect(note.json.markdown).toMatch(/- ✅ <code>go-service<\/code> \/ <code>default\.yaml<\/code>: renders as on <code>[0-9a-f]+<\/code>/);

    // A rendered file's name is the pull request's text: inert in the comment.
    writeFileSync(join(root, 'skeletons/go-service/<img src=x onerror=alert(1)>.txt'), 'x\n');
    commit(root, 'a file with markup in its name');
    const markup = await runReport(root, base);
    expect(markup.json.report.templates[0].rendered).toBe('1 file added (<img src=x onerror=alert(1)>.txt)');
    expect(markup.json.markdown).not.toContain('<img');
    expect(markup.json.markdown).toContain('1 file added \\(&lt;img src\\=x onerror\\=alert\\(1\\)&gt;.txt\\)');
  }, 180_000);

  // Red team: a pull request that deletes a template's tests/ (and with them the only render of its skeleton)
  // passed as "ready to merge" without a word; a later skeleton change then reached new repositories unjudged.
  it('a change that removes every test case of a template is template-tests-removed at the template', async () => {
    const root = await dataRepoCopy();
    const base = startPullRequest(root);
    const { rmSync } = await import('node:fs');
    rmSync(join(root, 'templates/docs-site/tests'), { recursive: true });
    commit(root, 'drop the docs-site cases');
    const run = await runReport(root, base);
    const removed = run.json.diagnostics.filter(d => d.ruleId === 'template-tests-removed');
    expect(removed.map(d => `${d.file}:${d.range.start.line} ${d.severity}`)).toEqual(['templates/docs-site/template.yaml:1 warning']);
    expect(removed[0].message).toMatch(/^This change removes every test case of this template \(the base revision has \d+\): neither templates test nor the pull request's report renders it any more/);
    expect(run.json.markdown).toContain('template-tests-removed');
  }, 180_000);
});
