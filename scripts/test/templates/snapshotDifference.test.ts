import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/tempRepo.ts';
import { expectCleanStderr, gitops } from '../e2e/gitops.ts';

// A skeleton changed without --update-snapshots: the finding says what the render now differs in (fresh user 6).

async function copy(): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'gitops-golden-'));
  for (const part of ['catalog', 'templates', 'skeletons', 'schemas', 'backstage-config', 'gitops.config.yaml']) await cp(join(REPO_ROOT, part), join(root, part), { recursive: true });
  return root;
}

async function edit(root: string, path: string, change: (text: string) => string) {
  const before = await readFile(join(root, path), 'utf8');
  const after = change(before);
  expect(after, `the edit of ${path} changed nothing`).not.toBe(before);
  await writeFile(join(root, path), after);
}

interface Finding { ruleId: string; file: string; message: string }

async function templatesTest(root: string, ...args: string[]) {
  const run = await gitops(root, ['templates', 'test', ...args, '--format', 'json']);
  expectCleanStderr(run);
  return { code: run.status, diagnostics: (JSON.parse(run.stdout) as { diagnostics: Finding[] }).diagnostics };
}

describe('templates test: a stale snapshot', () => {
  it('says which rendered files a stale snapshot misses: changed (first differing line), added, no longer rendered', async () => {
    const root = await copy();
    await edit(root, 'skeletons/node-service/Dockerfile', text => text.replace('USER node\n', 'USER node\nHEALTHCHECK CMD wget -qO- http://127.0.0.1:${{ values.port }}/healthz\n'));
    await writeFile(join(root, 'skeletons/node-service/.nvmrc'), '22\n');
    const { code, diagnostics } = await templatesTest(root, 'node-service');
    expect(code).toBe(1);
    const snapshot = diagnostics.filter(d => d.ruleId === 'template-snapshot');
    expect(snapshot.map(d => d.message)).toEqual([
      'The rendered tree differs from templates/node-service/tests/default.snapshot.yaml: 1 file changed (Dockerfile: line 14 was "EXPOSE 8081", now "HEALTHCHECK CMD wget -qO- http://127.0.0.1:8081/healthz" (+1 −0 line)); 1 file added (.nvmrc).',
    ]);
    await rm(join(root, 'skeletons/node-service/README.md'));
    const { diagnostics: again } = await templatesTest(root, 'node-service');
    expect(again.find(d => d.ruleId === 'template-snapshot')?.message).toMatch(/; 1 file added \(\.nvmrc\); 1 file no longer rendered \(README\.md\)\.$/);
  }, 60_000);
});
