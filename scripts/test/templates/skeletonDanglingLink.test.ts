import { lstat, readdir, readFile, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runBin } from '../helpers/runBin.ts';
import { templateHead, templateRepo } from '../helpers/templateRepo.ts';

// Template sweep 15: a skeleton holding a dangling link (a link to a file the commit does not hold, as a
// generated file's placeholder) failed the whole render with 'skel/dangling is a symbolic link … that leads
// outside the repository', though it leads nowhere and `check` passed the template. Backstage's archive
// reader keeps such a link when its target's path stays inside the folder read (TarArchiveResponse judges
// the path only), fetch:template copies it as a link (lstat, fs.copy), and the dry-run's
// serializeDirectoryContents gives a broken link as a file holding its target (readlink), executable
// (a link's mode is 0777). One whose target leaves the folder is left out, as the tar filter leaves it out.

const TEMPLATE = `${templateHead('dangling')}    - id: fetch
      name: Fetch
      action: fetch:template
      input:
        url: ./skeleton
        values:
          name: \${{ parameters.name }}
`;

describe('a skeleton holding a dangling symbolic link (templates render)', () => {
  it('renders as the dry-run does: the link inside the folder as a file holding its target, one leaving it left out', async () => {
    const root = await templateRepo(['../templates/dangling/template.yaml'], {
      'templates/dangling/template.yaml': TEMPLATE,
      'templates/dangling/skeleton/README.md': 'Service ${{ values.name }}\n',
      'values.yaml': 'name: orders\n',
    });
    const skeleton = join(root, 'templates/dangling/skeleton');
    await symlink('build/generated.env', join(skeleton, 'app.env'));
    await symlink('../../../../../../../../../nowhere', join(skeleton, 'far'));
    const out = join(root, 'out');
    const run = await runBin(['templates', 'render', 'templates/dangling/template.yaml', '--values', 'values.yaml', '--out', out], root);
    expect(run.stdout + run.stderr).not.toContain('leads outside the repository');
    expect(run.stdout + run.stderr).not.toContain('failed to render');
    expect(run.stdout).toContain('2 file(s) rendered');
    expect((await readdir(out)).sort()).toEqual(['README.md', 'app.env']);
    expect((await lstat(join(out, 'app.env'))).isFile()).toBe(true);
    expect(await readFile(join(out, 'app.env'), 'utf8')).toBe('build/generated.env');
    expect(await readFile(join(out, 'README.md'), 'utf8')).toBe('Service orders\n');
    expect(run.status).toBe(0);
  }, 60_000);

  it('a dangling link whose path reads as inside but passes through another link is still refused', async () => {
    const root = await templateRepo(['../templates/dangling/template.yaml'], {
      'templates/dangling/template.yaml': TEMPLATE,
      'templates/dangling/skeleton/README.md': 'Service ${{ values.name }}\n',
      'templates/dangling/skeleton/d/e/keep.md': 'kept\n',
      'values.yaml': 'name: orders\n',
    });
    const skeleton = join(root, 'templates/dangling/skeleton');
    await symlink('..', join(skeleton, 'd/e/s'));
    await symlink(`d/${'e/s/'.repeat(10)}${'../'.repeat(21)}tmp/not-there-${process.pid}`, join(skeleton, 'x'));
    const run = await runBin(['templates', 'render', 'templates/dangling/template.yaml', '--values', 'values.yaml', '--out', join(root, 'out')], root);
    expect(run.stdout + run.stderr).toContain('leads outside the repository');
    expect(run.status).not.toBe(0);
  }, 60_000);
});
