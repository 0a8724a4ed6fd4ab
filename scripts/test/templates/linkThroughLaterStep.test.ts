import { mkdir, mkdtemp, readdir, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runBin } from '../helpers/runBin.ts';
import { tempRepo } from '../helpers/tempRepo.ts';

// Red team: two fetch:plain steps into the same workspace. The first kept a link that led nowhere yet
// (d/…/z -> a/../../…: `a` did not exist); the second added `a` (a link to the workspace's root, inside) and a
// real folder under z/. z then resolved above the workspace, and the render wrote the second skeleton's file
// there: anywhere on the runner, with templates test passing. node-tar, which Backstage's readers extract
// with, never writes through a link ("Cannot extract through symbolic link"): neither does the render now.
const DEPTH = 30;
const TEMPLATE = 'apiVersion: scaffolder.backstage.io/v1beta3\nkind: Template\nmetadata:\n  name: t\nspec:\n  type: service\n  owner: team-a\n  steps:\n    - id: one\n      action: fetch:plain\n      input:\n        url: ../../skelA\n    - id: two\n      action: fetch:plain\n      input:\n        url: ../../skelB\n';

describe('a link kept by one fetch step and completed by the next (templates test, through the bin)', () => {
  it('writes nothing outside the render folder', async () => {
    const victimDir = await mkdtemp(join(tmpdir(), 'victim-'));
    const deep = Array(DEPTH).fill('d').join('/');
    const root = await tempRepo({
      'templates/t/template.yaml': TEMPLATE,
      'templates/t/tests/a.yaml': 'name: a\nvalues: {}\nsnapshot: false\n',
      [`skelB/${deep}/z/${victimDir.slice(1)}/pwned.txt`]: 'written by the pull request\n',
    });
    await mkdir(join(root, 'skelA', deep), { recursive: true });
    await symlink(`a/${'../'.repeat(DEPTH)}`, join(root, 'skelA', deep, 'z'));
    await symlink('../'.repeat(DEPTH).slice(0, -1), join(root, 'skelB', deep, 'a'));
    await writeFile(join(root, 'skelA', 'README.md'), 'a\n');
    const run = await runBin(['templates', 'test', '--root', root], root, { NO_COLOR: '1' });
    expect(run.stdout + run.stderr).not.toContain('internal error');
    expect(await readdir(victimDir)).toEqual([]);
  }, 60_000);
});
