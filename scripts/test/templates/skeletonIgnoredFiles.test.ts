import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { git } from '../helpers/gitRepo.ts';
import { runBin } from '../helpers/runBin.ts';
import { templateHead, templateRepo } from '../helpers/templateRepo.ts';

// Template sweep 13: Backstage reads a skeleton from the git host (a folder as the host's archive, a file by
// its URL), which holds only what was committed. The offline reader copied the working tree, so a file git
// ignores beside the skeleton's own (a .env, a node_modules or build folder left from trying the skeleton
// out) was rendered into the output and the snapshot: a locally updated snapshot then differs from CI's
// clean checkout, and the .env's content lands in a file meant for review.

const TEMPLATE = `${templateHead('ignored')}    - id: fetch
      name: Fetch
      action: fetch:template
      input:
        url: ./skeleton
        values:
          name: \${{ parameters.name }}
    - id: one
      name: One file
      action: fetch:plain:file
      input:
        url: ./skeleton/.env
        targetPath: copied.env
`;

const files = {
  'templates/ignored/template.yaml': TEMPLATE,
  'templates/ignored/skeleton/README.md': '# ${{ values.name }}\n',
  'templates/ignored/skeleton/.gitignore': '.env\nbuild/\n',
  'templates/ignored/skeleton/.env': 'TOKEN=from-my-laptop\n',
  'templates/ignored/skeleton/build/out.js': 'built\n',
  'values.yaml': 'name: orders\n',
};

describe('a skeleton file git ignores and does not track (templates render)', () => {
  it('is not read: a folder renders without it, a fetch of that file alone fails as not found', async () => {
    const root = await templateRepo(['../templates/ignored/template.yaml'], files);
    git(root, 'init', '-q', '-b', 'main');
    git(root, 'add', '-A');
    git(root, 'commit', '-qm', 'base');
    const run = await runBin(['templates', 'render', 'templates/ignored/template.yaml', '--values', 'values.yaml', '--out', 'out'], root);
    expect(run.stdout).toContain('✖ The template failed to render: step one (fetch:plain:file): templates/ignored/skeleton/.env is not in the repository: git ignores it and it is not committed, so Backstage cannot read it from the git host');
    expect(run.status).toBe(1);
    // Without the single-file step the folder renders, the ignored files left out.
    const folderOnly = TEMPLATE.slice(0, TEMPLATE.indexOf('    - id: one'));
    const again = await templateRepo(['../templates/ignored/template.yaml'], { ...files, 'templates/ignored/template.yaml': folderOnly });
    git(again, 'init', '-q', '-b', 'main');
    git(again, 'add', '-A');
    git(again, 'commit', '-qm', 'base');
    const render = await runBin(['templates', 'render', 'templates/ignored/template.yaml', '--values', 'values.yaml', '--out', 'out'], again);
    expect(render.stdout).toContain('2 file(s) rendered');
    expect(readFileSync(join(again, 'out/README.md'), 'utf8')).toBe('# orders\n');
    expect(existsSync(join(again, 'out/.gitignore'))).toBe(true);
    expect(existsSync(join(again, 'out/.env'))).toBe(false);
    expect(existsSync(join(again, 'out/build'))).toBe(false);
  }, 60_000);
});
