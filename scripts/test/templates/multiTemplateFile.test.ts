import { describe, expect, it } from 'vitest';
import { runBin } from '../helpers/runBin.ts';
import { templateHead, templateRepo } from '../helpers/templateRepo.ts';

// Backstage ingests every document of a file a Location reads, and the scaffolder runs each Template among
// them: a file holding several templates is judged template by template, each finding in its own document.
const TEMPLATE = (name: string, action: string, url: string) => `${templateHead(name)}    - id: fetch
      name: Fetch
      action: ${action}
      input:
        url: ${url}
        values:
          name: \${{ parameters.name }}
`;

function repo(second: string): Promise<string> {
  return templateRepo(['../templates/many.yaml'], {
    'templates/many.yaml': `${TEMPLATE('first', 'fetch:template', './skeleton')}---\n${second}`,
    'templates/skeleton/README.md': '# ${{ values.name }}\n',
  });
}

/** `check` over a file holding a sound Template and `second`: its exit status and findings in that file (`rule@line`, non-info). */
async function checkMany(second: string): Promise<{ status: number | null; found: string[] }> {
  const run = await runBin(['check', '--format', 'json'], await repo(second));
  expect(run.stderr).not.toContain('internal error');
  const found = (JSON.parse(run.stdout).diagnostics as { ruleId: string; file: string; severity: string; range: { start: { line: number } } }[])
    .filter(d => d.file === 'templates/many.yaml' && d.severity !== 'info')
    .map(d => `${d.ruleId}@${d.range.start.line}`);
  return { status: run.status, found };
}

describe('a file with several Templates: each is checked (check, through the bin)', () => {
  // The second document starts on line 23: its step's action is on line 37, its url on line 39.
  it.each([
    ['an unknown action', TEMPLATE('second', 'fetch:templat', './no-such-skeleton'), ['template-action-unknown@37']],
    ['a url to no skeleton folder', TEMPLATE('second', 'fetch:template', './no-such-skeleton'), ['template-skeleton-missing@39']],
  ])('the second template with %s: the finding points into the second document', async (_, second, expected) => {
    const { status, found } = await checkMany(second);
    expect(found).toEqual(expected);
    expect(status).toBe(1);
  }, 60_000);

  it('two sound templates in one file pass', async () => {
    expect((await checkMany(TEMPLATE('second', 'fetch:template', './skeleton'))).found).toEqual([]);
  }, 60_000);

  it('templates test on a repo whose templates keep no cases says so, rather than a bare pass', async () => {
    const root = await repo(TEMPLATE('second', 'fetch:template', './skeleton'));
    const run = await runBin(['templates', 'test'], root);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('in 0 cases');
    // templates/many.yaml is a template file the catalog reads: its cases would be templates/tests/*.yaml.
    expect(run.stderr).toContain('no test cases. Cases are the .yaml files of a tests/ folder beside a template file (1 template file here, none with cases)');
  }, 60_000);
});
