import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/tempRepo.ts';
import { fetchSkeletonStep, templateHead, templateRepo } from '../helpers/templateRepo.ts';

// A skeleton file past Nunjitsu's source limit (4,194,304 code units) is refused by the renderer, and the
// gate said so for a 5.7 MB file; but it still parsed the file with nunjucks' parser to look for a reason of
// its own. On a 57 MB file (red28) that took 97 s and 2.1 GB, then crashed (internal error, exit 2: "Set
// maximum size exceeded" walking the AST). Past a limit nothing is parsed: one skeleton-syntax finding; a file
// whose size alone is past Nunjitsu's source limit is not even read.
describe('a skeleton file far past the renderer limits', () => {
  it('is one skeleton-syntax finding, without parsing it, in check', async () => {
    const root = await templateRepo(['../templates/t/template.yaml'], {
      'templates/t/template.yaml': `${templateHead('t')}${fetchSkeletonStep()}`,
      'skeletons/svc/README.md': 'hi ${{ values.name }}\n',
    });
    writeFileSync(join(root, 'skeletons/svc/big.txt'), `${'${{ values.name }} '.repeat(10)}\n`.repeat(300_000));
    // As large, but binary (a NUL early on): fetch:template copies it as it is, so it is no finding.
    const binary = Buffer.alloc(57_300_000, 0x41);
    binary[100] = 0;
    writeFileSync(join(root, 'skeletons/svc/big.bin'), binary);
    const run = spawnSync(process.execPath, [join(REPO_ROOT, 'scripts/bin/backstage-gitops.js'), 'check', '--format', 'json'], { cwd: root, encoding: 'utf8', timeout: 90_000, maxBuffer: 64 * 1024 * 1024, env: { PATH: process.env.PATH, HOME: process.env.HOME, TMPDIR: process.env.TMPDIR } });
    expect(run.signal, 'killed after 90 s').toBeNull();
    expect(run.stderr).not.toMatch(/internal error/);
    const found = (JSON.parse(run.stdout).diagnostics as { ruleId: string; file: string; message: string }[]).filter(d => d.file.startsWith('skeletons/svc/big.'));
    expect(found.map(d => `${d.ruleId} ${d.file}`)).toEqual(['skeleton-syntax skeletons/svc/big.txt']);
    // Its size alone tells Nunjitsu refuses it (left27): the file is not read, decoded or scanned (16 s and
    // 450 MB for a 57 MB file before; about what the run takes without it after).
    expect(found[0].message).toBe('This file does not parse as a template: Template parsing exceeded the source code unit limit of 4194304 (a file of 57300000 bytes holds at least 19100000; not read)');
    expect(run.status).toBe(1);
  }, 150_000);
});
