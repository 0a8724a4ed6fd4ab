import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { git } from '../helpers/gitRepo.ts';
import { runBin } from '../helpers/runBin.ts';
import { templateHead, templateRepo } from '../helpers/templateRepo.ts';

// `check` reads a work tree as the git host holds it (gitHostView: tracked, and untracked files git does not
// ignore). `templates test` found template folders and case files with existsSync/readdir, so a template
// folder or a case file kept out of git (a local try-out) was rendered, snapshotted and failed the run,
// though no pull request can carry it and CI's checkout never has it.
const STEP = `    - id: fetch
      name: Fetch
      action: fetch:template
      input:
        url: ./skeleton
        values:
          name: \${{ parameters.name }}
`;

describe('templates test sees the files check sees', () => {
  it('leaves out a template folder and a case file git ignores; naming the ignored template is no template', async () => {
    const root = await templateRepo(['../templates/kept/template.yaml'], {
      '.gitignore': 'templates/scratch/\ntemplates/kept/tests/local-*.yaml\n',
      'templates/kept/template.yaml': `${templateHead('kept')}${STEP}`,
      'templates/kept/skeleton/README.md': '# ${{ values.name }}\n',
      'templates/kept/tests/default.yaml': 'name: default\nvalues: {name: orders}\n',
      'templates/kept/tests/local-try.yaml': 'name: local\nvalues: {name: scratch}\n',
      'templates/scratch/template.yaml': `${templateHead('scratch')}${STEP}`,
      'templates/scratch/skeleton/README.md': '# ${{ values.name }}\n',
      'templates/scratch/tests/a.yaml': 'name: a\nvalues: {name: x}\n',
    });
    git(root, 'init', '-q', '-b', 'main');
    git(root, 'add', '-A');
    git(root, 'commit', '-qm', 'base');
    try {
      const update = await runBin(['templates', 'test', '--update-snapshots', '--format', 'json'], root);
      expect(update.stderr).toMatch(/^✔ kept \/ default\.yaml \(\d+ ms\)\n$/);
      expect(update.status).toBe(0);
      expect(existsSync(join(root, 'templates/kept/tests/default.snapshot.yaml'))).toBe(true);
      expect(existsSync(join(root, 'templates/kept/tests/local-try.snapshot.yaml'))).toBe(false);
      expect(existsSync(join(root, 'templates/scratch/tests/a.snapshot.yaml'))).toBe(false);
      const test = await runBin(['templates', 'test', '--format', 'json'], root);
      expect((JSON.parse(test.stdout) as { diagnostics: unknown[]; summary: { checkedFiles: number } }).summary.checkedFiles).toBe(1);
      expect(test.status).toBe(0);
      const named = await runBin(['templates', 'test', 'scratch'], root);
      expect(named.stderr).toMatch(/^backstage-gitops templates: No template 'scratch'/);
      expect(named.status).toBe(2);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  }, 120_000);
});
