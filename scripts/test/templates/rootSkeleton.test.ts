import { describe, expect, it } from 'vitest';
import { runBin } from '../helpers/runBin.ts';
import { templateHead } from '../helpers/templateRepo.ts';
import { tempRepo } from '../helpers/tempRepo.ts';

// A template at the repository's root whose fetch:template url is `./` fetches the whole repository as its
// skeleton: Backstage's dry-run renders every file (and fails on a broken one: "Template error at line 3,
// column 1: Missing endif tag"). The gate resolved that folder to `.`, matched no file against "./", and said
// "The skeleton folder . does not exist or is empty" while never looking at the files it renders.
const step = (url: string) => `    - id: fetch
      action: fetch:template
      input:
        url: ${url}
        values:
          name: \${{ parameters.name }}
`;
const group = 'apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata: {name: platform}\nspec: {type: team, children: []}\n';

async function check(files: Record<string, string>) {
  const run = await runBin(['check', '--format', 'json'], await tempRepo(files));
  expect(run.stderr).not.toMatch(/internal error/);
  const found = (JSON.parse(run.stdout).diagnostics as { ruleId: string; file: string; severity: string; message: string; range: { start: { line: number } } }[]).filter(d => d.severity !== 'info');
  return { status: run.status, found: found.map(d => `${d.ruleId}@${d.file}:${d.range.start.line}`), messages: found.map(d => d.message) };
}

describe('a template at the repo root fetching ./ renders the whole repository (check, through the bin)', () => {
  it.each(['./', '.'])('url %s: no missing-skeleton alarm, and a broken file in it is found where the task fails', async url => {
    const { status, found } = await check({
      'template.yaml': templateHead('root-svc') + step(url),
      'org.yaml': group,
      'docs/ok.md': '# ${{ values.name }}\n',
      'docs/index.md': '# ${{ values.name }}\n\n{% if values.name %}\nno end\n',
    });
    expect(found).toEqual(['skeleton-syntax@docs/index.md:3']);
    expect(status).toBe(1);
  }, 60_000);

  it('a sound repository as skeleton: quiet', async () => {
    const { status, found } = await check({ 'template.yaml': templateHead('root-svc') + step('./'), 'org.yaml': group, 'docs/index.md': '# ${{ values.name }}\n' });
    expect(found).toEqual([]);
    expect(status).toBe(0);
  }, 60_000);

  it('fetch:template:file with url ./ names the root folder, not a file', async () => {
    const { found, messages } = await check({
      'template.yaml': templateHead('root-svc') + step('./').replace('fetch:template', 'fetch:template:file').replace('        values:', '        targetPath: ./x.md\n        values:'),
      'org.yaml': group,
    });
    expect(found).toEqual(['template-skeleton-missing@template.yaml:17']);
    expect(messages[0]).toContain('is a folder');
  }, 60_000);
});
