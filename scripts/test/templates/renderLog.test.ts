import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runBin } from '../helpers/runBin.ts';
import { REPO_ROOT } from '../helpers/tempRepo.ts';

// What `templates render` prints must not look like something it is not: the task's temporary workspace
// (deleted after the render) and the dry-run's example outputs of skipped steps.
describe('templates render output, through the bin', () => {
  it('names the task workspace instead of a deleted temporary path, and says a skipped step\'s link is not known offline', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gitops-rlog-'));
    await writeFile(join(dir, 'values.yaml'), 'name: my-svc\ndescription: A service for demos.\nowner: group:default/platform-team\nsystem: system:default/orders\nport: 8080\nrepoUrl: github.com?owner=acme&repo=my-svc\n');
    const run = await runBin(['templates', 'render', join(REPO_ROOT, 'templates/node-service/template.yaml'), '--values', join(dir, 'values.yaml'), '--out', join(dir, 'out')], REPO_ROOT);
    expect(run.status).toBe(0);
    const text = run.stdout + run.stderr;
    expect(text).toContain('Template result written to <task workspace>');
    expect(text).not.toMatch(/gitops-render-[A-Za-z0-9]+/);
    expect(text).toContain('Repository: (known once the skipped publish or register step runs; offline the dry-run gives only "<example>")');
  }, 60_000);
});
