import { describe, expect, it } from 'vitest';
import { runBin } from '../helpers/runBin.ts';
import { templateHead, templateRepo } from '../helpers/templateRepo.ts';

// `templates test` found templates only as templates/<name>/template.yaml: a template.yml, or a Template in any
// other file the catalog's Locations reach (which Backstage offers all the same), had its cases ignored, and the
// run passed. Cases are the tests/ folder beside the file that holds the Template, whatever its name.
const TEMPLATE = (name: string) => `${templateHead(name)}    - id: fetch
      name: Fetch
      action: fetch:template
      input:
        url: ./skeleton
        values:
          name: \${{ parameters.name }}
`;
// A case whose expectation fails: the run must say so (exit 1), which it can only if the case runs.
const FAILING_CASE = 'name: wrong file\nvalues: {name: orders}\nexpect:\n  files: [NOT-THERE.md]\nsnapshot: false\n';
const PASSING_CASE = 'name: readme\nvalues: {name: orders}\nexpect:\n  files: [README.md]\nsnapshot: false\n';

async function test(files: Record<string, string>, targets: string[], args: string[] = []) {
  const root = await templateRepo(targets, files);
  const run = await runBin(['templates', 'test', ...args, '--format', 'json'], root);
  expect(run.stderr).not.toMatch(/internal error/);
  return { run, found: (JSON.parse(run.stdout).diagnostics as { ruleId: string; file: string }[]).map(d => `${d.ruleId}@${d.file}`) };
}

describe('templates test finds every template the catalog reads (through the bin)', () => {
  it.each([
    ['templates/svc/template.yml', 'templates/svc'],
    ['catalog/golden/web-service.yaml', 'catalog/golden'],
  ])('a Template in %s: its tests/ cases run', async (file, folder) => {
    const { run, found } = await test({
      [file]: TEMPLATE('svc'),
      [`${folder}/skeleton/README.md`]: '# ${{ values.name }}\n',
      [`${folder}/tests/a-pass.yaml`]: PASSING_CASE,
      [`${folder}/tests/b-fail.yaml`]: FAILING_CASE,
    }, [file.startsWith('catalog/') ? `./${file.slice('catalog/'.length)}` : `../${file}`]);
    expect(found).toEqual([`template-expectation@${folder}/tests/b-fail.yaml`]);
    expect(run.stderr).toContain('✔ ');
    expect(run.stderr).toContain('a-pass.yaml');
    expect(run.status).toBe(1);
  }, 120_000);

  it('selects a template by its folder name, and names the folders there when the name is unknown', async () => {
    const files = { 'templates/svc/template.yml': TEMPLATE('svc'), 'templates/svc/skeleton/README.md': '# x\n', 'templates/svc/tests/a.yaml': PASSING_CASE };
    const { run } = await test(files, ['../templates/svc/template.yml'], ['svc']);
    expect(run.status).toBe(0);
    expect(run.stderr).toContain('svc / a.yaml');
    const root = await templateRepo(['../templates/svc/template.yml'], files);
    const unknown = await runBin(['templates', 'test', 'nope'], root);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain('Templates here: svc.');
  }, 120_000);
});
