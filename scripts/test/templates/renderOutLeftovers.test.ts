import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runBin } from '../helpers/runBin.ts';
import { templateHead, templateRepo } from '../helpers/templateRepo.ts';

// Fresh user, session 47: `templates render --out preview` run a second time, after the skeleton dropped a
// file, left the first render's file in preview/ without a word; the folder then showed a file the template
// no longer writes, where Backstage's dry-run starts from an empty workspace. The render now names them.

const TEMPLATE = `${templateHead('svc')}    - id: fetch
      name: Fetch
      action: fetch:template
      input:
        url: ./skeleton
        values:
          name: \${{ parameters.name }}
`;

describe('templates render --out into a folder an earlier render filled', () => {
  it('names the files this render did not write, and leaves them', async () => {
    const root = await templateRepo(['../templates/svc/template.yaml'], {
      'templates/svc/template.yaml': TEMPLATE,
      'templates/svc/skeleton/README.md': '# ${{ values.name }}\n',
      'values.yaml': 'name: orders\n',
    });
    mkdirSync(join(root, 'preview/old/deep'), { recursive: true });
    writeFileSync(join(root, 'preview/old/deep/stale.txt'), 'from before\n');
    writeFileSync(join(root, 'preview/README.md'), 'an earlier README\n');
    // A clone of the created repository, rendered into to diff it: its .git is not said.
    mkdirSync(join(root, 'preview/.git'));
    writeFileSync(join(root, 'preview/.git/HEAD'), 'ref: refs/heads/main\n');
    const run = await runBin(['templates', 'render', 'templates/svc/template.yaml', '--values', 'values.yaml', '--out', 'preview'], root);
    expect(run.stdout).toContain('1 file(s) rendered');
    expect(run.stdout).toMatch(/⚠ 1 file\(s\) in \S+preview are not from this render \(left from before it\): old\/deep\/stale\.txt\n {2}hint: /);
    expect(run.status).toBe(0);
    expect(readFileSync(join(root, 'preview/README.md'), 'utf8')).toBe('# orders\n');
    expect(readFileSync(join(root, 'preview/old/deep/stale.txt'), 'utf8')).toBe('from before\n');

    const fresh = await runBin(['templates', 'render', 'templates/svc/template.yaml', '--values', 'values.yaml', '--out', 'fresh'], root);
    expect(fresh.stdout).not.toContain('not from this render');
    expect(fresh.status).toBe(0);
  }, 60_000);
});
