import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/tempRepo.ts';
import { fetchSkeletonStep, templateHead, templateRepo } from '../helpers/templateRepo.ts';

// fmenesesg/software-templates-ai's skeletons carry package-lock.json files, vendored Go sources and icon
// bundles of 1 to 2.4 MB with no template syntax in them: check spent half its time (6.4 s of CPU, 14 s on a
// busy runner) lexing each such file twice, once with Nunjitsu's scanner and once with nunjucks' parser, to
// find one text node. A text with no {{, {% or {# is that node to both; only its length can fail the render.
describe('skeleton files without template syntax', () => {
  // What the shortcut saves is measured outside the tests (its commit names the figures; timed tests fail on a
  // loaded runner): this one holds that the findings stay what the full parse gave, beside vendored-size files.
  it('are not parsed, and the findings of the files with template syntax beside them stay the same', async () => {
    const root = await templateRepo(['../templates/t/template.yaml'], {
      'templates/t/template.yaml': `${templateHead('t')}${fetchSkeletonStep()}`,
      'skeletons/svc/README.md': '# ${{ values.name }} for ${{ values.team }}\n',
      // A comment is template syntax: still parsed, and its unclosed form still refused.
      'skeletons/svc/notes.txt': 'a {# note\n',
    });
    const line = 'const value = { alpha: [1, 2, 3], beta: "text" }; // generated, no template syntax here\n';
    const text = line.repeat(Math.floor(4_000_000 / line.length));
    mkdirSync(join(root, 'skeletons/svc/vendor'));
    for (let i = 0; i < 3; i++) writeFileSync(join(root, `skeletons/svc/vendor/lib${i}.js`), text);
    const run = spawnSync(process.execPath, [join(REPO_ROOT, 'scripts/bin/backstage-gitops.js'), 'check', '--format', 'json'], { cwd: root, encoding: 'utf8', timeout: 120_000, maxBuffer: 64 * 1024 * 1024, env: { PATH: process.env.PATH, HOME: process.env.HOME, TMPDIR: process.env.TMPDIR } });
    expect(run.signal, 'killed after 120 s').toBeNull();
    expect(run.stderr).toBe('');
    const found = (JSON.parse(run.stdout).diagnostics as { ruleId: string; file: string; range: { start: { line: number } } }[]).map(d => `${d.ruleId} ${d.file}:${d.range.start.line}`);
    expect(found).toEqual(['skeleton-unknown-value skeletons/svc/README.md:1', 'skeleton-syntax skeletons/svc/notes.txt:1']);
  }, 150_000);
});
