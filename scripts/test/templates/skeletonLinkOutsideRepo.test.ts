import { mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBin } from '../helpers/runBin.ts';
import { templateHead, templateRepo } from '../helpers/templateRepo.ts';

// Template sweep 16: a skeleton link to a file that exists outside the repository (an absolute path, or one
// climbing out) failed the whole render with 'is a symbolic link … that leads outside the repository'.
// Backstage reads the skeleton from the git host's archive, which holds the link's text, never the file:
// TarArchiveResponse.dir leaves out every link whose target, resolved where it lands, is not
// isChildPath of the folder extracted, whether or not that target exists on the backend's machine, and
// judges each link against what was extracted before it (archive order), so a link to a link left out
// later is kept, dangling, and the dry-run gives it as a file holding its target. check reports such a link
// (repo-symlink); the render now gives what the dry-run gives, and never reads the outside file.

const TEMPLATE = `${templateHead('linked')}    - id: fetch
      name: Fetch
      action: fetch:template
      input:
        url: ./skeleton
        values:
          name: \${{ parameters.name }}
`;

let outside: string;
beforeAll(async () => {
  outside = await mkdtemp(join(tmpdir(), 'outside-'));
  await writeFile(join(outside, 'secret.txt'), 'host-secret-marker\n');
});
afterAll(async () => {
  await rm(outside, { recursive: true, force: true });
});

describe('a skeleton link to an existing file outside the repository (templates render)', () => {
  it('is left out as the archive reader leaves it out; a link to it extracted before it stays, as a file holding its target', async () => {
    const root = await templateRepo(['../templates/linked/template.yaml'], {
      'templates/linked/template.yaml': TEMPLATE,
      'templates/linked/skeleton/README.md': 'Service ${{ values.name }}\n',
      'values.yaml': 'name: orders\n',
    });
    const skeleton = join(root, 'templates/linked/skeleton');
    await symlink(join(outside, 'secret.txt'), join(skeleton, 'absolute.txt'));
    await symlink(`${'../'.repeat(12)}${outside.slice(1)}/secret.txt`, join(skeleton, 'climbing.txt'));
    // 'alias' comes before 'zlink' in the archive: when it is extracted, zlink is not there yet.
    await symlink('zlink', join(skeleton, 'alias'));
    await symlink(join(outside, 'secret.txt'), join(skeleton, 'zlink'));
    const out = join(root, 'out');
    const run = await runBin(['templates', 'render', 'templates/linked/template.yaml', '--values', 'values.yaml', '--out', out], root);
    expect(run.stdout + run.stderr).not.toContain('leads outside the repository');
    expect(run.stdout + run.stderr).not.toContain('host-secret-marker');
    expect(run.stdout).toContain('2 file(s) rendered');
    expect((await readdir(out)).sort()).toEqual(['README.md', 'alias']);
    expect(await readFile(join(out, 'alias'), 'utf8')).toBe('zlink');
    expect(await readFile(join(out, 'README.md'), 'utf8')).toBe('Service orders\n');
    expect(run.status).toBe(0);
  }, 60_000);
});
