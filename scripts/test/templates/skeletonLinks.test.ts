import { readdir, readFile, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runBin } from '../helpers/runBin.ts';
import { templateHead, templateRepo } from '../helpers/templateRepo.ts';

// Template sweep 12: Backstage reads a skeleton folder as the git host's tar archive, where a symbolic link
// is a link with its own relative target (kept when it stays inside the folder read, left out when it
// leaves it: TarArchiveResponse's filter), and fetch:template copies a link as a link. The offline reader
// copied the folder with Node's cp, which rewrote each link to the absolute path of its target in the
// checkout, so fetch:template refused every skeleton holding any link ('Relative path is not allowed to
// refer to a directory outside its parent') and nothing was rendered.

const TEMPLATE = `${templateHead('linked')}    - id: fetch
      name: Fetch
      action: fetch:template
      input:
        url: ./skeleton
        values:
          name: \${{ parameters.name }}
`;

describe('a skeleton holding symbolic links (templates render)', () => {
  it('renders the skeleton as Backstage does: links inside the folder kept, a link leaving it left out', async () => {
    const root = await templateRepo(['../templates/linked/template.yaml'], {
      'templates/linked/template.yaml': TEMPLATE,
      'templates/linked/skeleton/README.md': 'Service ${{ values.name }}\n',
      'templates/linked/skeleton/docs/guide.md': 'guide of ${{ values.name }}\n',
      'templates/linked/notes.md': 'beside the skeleton\n',
      'values.yaml': 'name: orders\n',
    });
    const skeleton = join(root, 'templates/linked/skeleton');
    await symlink('README.md', join(skeleton, 'index.md'));
    await symlink('../README.md', join(skeleton, 'docs/readme.md'));
    await symlink('docs', join(skeleton, 'manual'));
    // Inside the repository, outside the folder read: the tar reader drops it.
    await symlink('../notes.md', join(skeleton, 'notes.md'));
    const out = join(root, 'out');
    const run = await runBin(['templates', 'render', 'templates/linked/template.yaml', '--values', 'values.yaml', '--out', out], root);
    expect(run.stdout + run.stderr).not.toContain('Relative path is not allowed');
    expect(run.stdout + run.stderr).not.toContain('failed to render');
    expect(run.stdout).toContain('2 file(s) rendered');
    // The dry-run's result holds files, never a link that resolves (serializeDirectoryContents).
    expect((await readdir(out, { recursive: true })).sort()).toEqual(['README.md', 'docs', 'docs/guide.md']);
    expect(await readFile(join(out, 'README.md'), 'utf8')).toBe('Service orders\n');
    expect(await readFile(join(out, 'docs/guide.md'), 'utf8')).toBe('guide of orders\n');
  }, 60_000);

  it('check judges only the links Backstage leaves out: one inside the skeleton is no finding, one leaving it is', async () => {
    const root = await templateRepo(['../templates/linked/template.yaml'], {
      'templates/linked/template.yaml': TEMPLATE,
      'templates/linked/skeleton/README.md': 'Service ${{ values.name }}\n',
      'templates/linked/skeleton/docs/guide.md': 'guide\n',
      'templates/linked/notes.md': 'beside the skeleton\n',
    });
    const skeleton = join(root, 'templates/linked/skeleton');
    await symlink('README.md', join(skeleton, 'index.md'));
    await symlink('../README.md', join(skeleton, 'docs/readme.md'));
    await symlink('docs', join(skeleton, 'manual'));
    await symlink('../notes.md', join(skeleton, 'notes.md'));
    await symlink('/etc/passwd', join(skeleton, 'passwd'));
    const run = await runBin(['check', '--format', 'json'], root);
    const found = (JSON.parse(run.stdout).diagnostics as { ruleId: string; file: string; message: string }[]).map(d => `${d.ruleId} ${d.file}`);
    expect(found).toEqual(['repo-symlink templates/linked/skeleton/notes.md', 'repo-symlink templates/linked/skeleton/passwd']);
    expect(run.stdout).toContain('points outside that folder: Backstage leaves it out when it fetches the skeleton');
    expect(run.stdout).not.toContain('root:');
    expect(run.status).toBe(1);
  }, 60_000);

  it('a link whose path stays inside the skeleton as text but leaves it through another link is a finding (red29)', async () => {
    // d/e/s -> .. loops back to d: each e/s of x's path is two segments of text and none of depth, so x's path,
    // normalised as text, is etc/passwd inside the skeleton while realpath (Backstage's isChildPath when it
    // extracts the archive) resolves it to /etc/passwd. A chain of links inside the skeleton stays no finding.
    const root = await templateRepo(['../templates/linked/template.yaml'], {
      'templates/linked/template.yaml': TEMPLATE,
      'templates/linked/skeleton/README.md': 'Service ${{ values.name }}\n',
      'templates/linked/skeleton/d/e/keep.md': 'kept\n',
    });
    const skeleton = join(root, 'templates/linked/skeleton');
    await symlink('..', join(skeleton, 'd/e/s'));
    await symlink(`d/${'e/s/'.repeat(10)}${'../'.repeat(21)}etc/passwd`, join(skeleton, 'x'));
    await symlink('readme', join(skeleton, 'chain'));
    await symlink('d/e/s/e/s/../README.md', join(skeleton, 'readme'));
    const run = await runBin(['check', '--format', 'json'], root);
    const found = (JSON.parse(run.stdout).diagnostics as { ruleId: string; file: string }[]).map(d => `${d.ruleId} ${d.file}`);
    expect(found).toEqual(['repo-symlink templates/linked/skeleton/x']);
    expect(run.status).toBe(1);
  }, 60_000);

  it('a link in a template\'s tests folder inside the skeleton stays a finding: the toolkit reads the cases there', async () => {
    const root = await templateRepo(['../templates/linked/template.yaml'], {
      'templates/linked/template.yaml': TEMPLATE.replace('url: ./skeleton', 'url: .'),
      'templates/linked/README.md': 'Service ${{ values.name }}\n',
      'templates/linked/tests/basic/values.yaml': 'name: orders\n',
    });
    await symlink('../../README.md', join(root, 'templates/linked/tests/basic/expected.md'));
    const run = await runBin(['check', '--format', 'json'], root);
    expect((JSON.parse(run.stdout).diagnostics as { ruleId: string; file: string }[]).filter(d => d.ruleId === 'repo-symlink').map(d => d.file)).toEqual(['templates/linked/tests/basic/expected.md']);
  }, 60_000);
});
