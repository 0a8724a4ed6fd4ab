import { describe, expect, it } from 'vitest';
import { runBin } from '../helpers/runBin.ts';
import { templateHead, templateRepo } from '../helpers/templateRepo.ts';

// Template sweep 12: a skeleton file whose last name renders empty inside a folder (the optional-file idiom
// `sub/${{ "opt.txt" if values.flag }}`) comes out as 'sub/', the folder fetch:template already wrote. Without
// replace the entry is skipped as existing; with replace: true fetch:template writes the file over the
// folder and the task fails. The render said only "EISDIR: illegal operation on a directory, open
// '/tmp/gitops-render-…/workspace/sub'": a temporary path, and nothing about why or what to change.

const TEMPLATE = `${templateHead('optional', '        flag: {type: boolean}\n')}    - id: fetch
      name: Fetch
      action: fetch:template
      input:
        url: ./skeleton
        replace: true
        values:
          name: \${{ parameters.name }}
          flag: \${{ parameters.flag }}
`;

describe('an optional skeleton file inside a folder, with replace: true (templates render)', () => {
  it('fails as Backstage fails, saying the path renders to the folder and what to change', async () => {
    const root = await templateRepo(['../templates/optional/template.yaml'], {
      'templates/optional/template.yaml': TEMPLATE,
      'templates/optional/skeleton/README.md': '# ${{ values.name }}\n',
      'templates/optional/skeleton/config/${{ "extra.yaml" if values.flag }}': 'extra: true\n',
      'values.yaml': 'name: orders\nflag: false\n',
    });
    const run = await runBin(['templates', 'render', 'templates/optional/template.yaml', '--values', 'values.yaml', '--out', 'out'], root);
    expect(run.status).toBe(1);
    const failure = (run.stdout + run.stderr).split('\n').find(line => line.includes('failed to render'));
    expect(failure).toBe('✖ The template failed to render: step fetch (fetch:template), skeleton file config/${{ "extra.yaml" if values.flag }}: its path renders to "config/", which is a folder in the workspace (the last part of the file\'s name came out empty, or a folder of that name was written first), and with replace: true fetch:template writes the file over it, so the task fails (EISDIR). For an optional file, drop replace: true (fetch:template then skips the entry, as the folder exists)');
    expect(run.stdout + run.stderr).not.toContain('gitops-render-');
  }, 60_000);
});
