import { existsSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runBin } from '../helpers/runBin.ts';
import { templateHead, templateRepo } from '../helpers/templateRepo.ts';

// Red team 32: templates render --out wrote each rendered file with writeFile after a text check that its
// path stays under the folder, so a symbolic link already in that folder was followed: a pull request that
// commits preview/sub -> ~/.ssh (and a skeleton rendering sub/authorized_keys) has whoever previews it with
// --out preview, as its README says, write the skeleton's text into their own home folder.

const TEMPLATE = `${templateHead('svc')}    - id: fetch
      name: Fetch
      action: fetch:template
      input:
        url: ./skeleton
        values:
          name: \${{ parameters.name }}
`;

async function repo(): Promise<{ root: string; outside: string }> {
  const root = await templateRepo(['../templates/svc/template.yaml'], {
    'templates/svc/template.yaml': TEMPLATE,
    'templates/svc/skeleton/README.md': '# ${{ values.name }}\n',
    'templates/svc/skeleton/sub/authorized_keys': 'ssh-ed25519 AAAA attacker\n',
    'values.yaml': 'name: orders\n',
  });
  const outside = mkdtempSync(join(tmpdir(), 'gitops-outside-'));
  writeFileSync(join(outside, 'kept.txt'), 'mine\n');
  return { root, outside };
}

describe('templates render --out into a folder holding symbolic links', () => {
  it('a linked folder on the way: exit 2 naming it, nothing written anywhere', async () => {
    const { root, outside } = await repo();
    mkdirSync(join(root, 'preview'));
    symlinkSync(outside, join(root, 'preview/sub'));
    const run = await runBin(['templates', 'render', 'templates/svc/template.yaml', '--values', 'values.yaml', '--out', 'preview'], root);
    expect(run.stderr).toContain('refusing to write sub/authorized_keys into');
    expect(run.stderr).toContain('sub there is a symbolic link, and nothing is written through one');
    expect(run.status).toBe(2);
    expect(existsSync(join(outside, 'authorized_keys'))).toBe(false);
    expect(existsSync(join(root, 'preview/README.md'))).toBe(false);
  }, 60_000);

  it('a rendered file that is a link there: exit 2, its target unchanged; a plain folder renders as before', async () => {
    const { root, outside } = await repo();
    mkdirSync(join(root, 'preview'));
    symlinkSync(join(outside, 'kept.txt'), join(root, 'preview/README.md'));
    const run = await runBin(['templates', 'render', 'templates/svc/template.yaml', '--values', 'values.yaml', '--out', 'preview'], root);
    expect(run.stderr).toContain('refusing to write README.md into');
    expect(run.status).toBe(2);
    expect(readFileSync(join(outside, 'kept.txt'), 'utf8')).toBe('mine\n');

    const plain = await runBin(['templates', 'render', 'templates/svc/template.yaml', '--values', 'values.yaml', '--out', 'fresh'], root);
    expect(plain.stdout).toContain('2 file(s) rendered');
    expect(readFileSync(join(root, 'fresh/README.md'), 'utf8')).toBe('# orders\n');
    expect(plain.status).toBe(0);
  }, 60_000);
});
