import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/tempRepo.ts';
import { fetchSkeletonStep, templateHead, templateRepo } from '../helpers/templateRepo.ts';

// A skeleton file past Nunjitsu's source limit (4,194,304 code units) is refused by the renderer, and the
// gate said so for a 5.7 MB file; but it still parsed the file with nunjucks' parser to look for a reason of
// its own. On a 57 MB file (red28) that took 97 s and 2.1 GB, then crashed (internal error, exit 2: "Set
// maximum size exceeded" walking the AST). Past a limit nothing is parsed: one skeleton-syntax finding.
describe('a skeleton file far past the renderer limits', () => {
  it('is one skeleton-syntax finding, without parsing it, in check', async () => {
    const root = await templateRepo(['../templates/t/template.yaml'], {
      'templates/t/template.yaml': `${templateHead('t')}${fetchSkeletonStep()}`,
      'skeletons/svc/README.md': 'hi ${{ values.name }}\n',
    });
    writeFileSync(join(root, 'skeletons/svc/big.txt'), `${'${{ values.name }} '.repeat(10)}\n`.repeat(300_000));
    const run = spawnSync(process.execPath, [join(REPO_ROOT, 'scripts/bin/backstage-gitops.js'), 'check', '--format', 'json'], { cwd: root, encoding: 'utf8', timeout: 90_000, maxBuffer: 64 * 1024 * 1024, env: { PATH: process.env.PATH, HOME: process.env.HOME, TMPDIR: process.env.TMPDIR } });
    expect(run.signal, 'killed after 90 s').toBeNull();
    expect(run.stderr).not.toMatch(/internal error/);
    const found = (JSON.parse(run.stdout).diagnostics as { ruleId: string; file: string; message: string }[]).filter(d => d.file === 'skeletons/svc/big.txt');
    expect(found.map(d => d.ruleId)).toEqual(['skeleton-syntax']);
    expect(found[0].message).toMatch(/^This file does not parse as a template: .*limit of \d/);
    expect(run.status).toBe(1);
  }, 150_000);
});
