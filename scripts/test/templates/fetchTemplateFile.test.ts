import { describe, expect, it } from 'vitest';
import { runBin } from '../helpers/runBin.ts';
import { templateHead, templateRepo } from '../helpers/templateRepo.ts';

// fetch:template:file (scaffolder-backend's createFetchTemplateFileAction) fetches one file from `url` and
// renders it with Nunjitsu into `targetPath`, with the step's values (or cookiecutter ones). Its file was never
// judged: a missing file, or one the renderer refuses, passed `check` and failed the task.
const FILE = 'templates/svc/template.yaml';
const step = (action: string, url: string, extra = '') => `    - id: one
      name: One file
      action: ${action}
      input:
        url: ${url}
        targetPath: ./docs/index.md
${action === 'fetch:template:file' ? '        values:\n          name: ${{ parameters.name }}\n' : ''}${extra}`;

async function check(steps: string, files: Record<string, string>) {
  const root = await templateRepo(['../templates/svc/template.yaml'], { [FILE]: templateHead('svc') + steps, ...files });
  const run = await runBin(['check', '--format', 'json'], root);
  expect(run.stderr).not.toMatch(/internal error/);
  const found = (JSON.parse(run.stdout).diagnostics as { ruleId: string; file: string; severity: string; message: string; range: { start: { line: number } } }[]).filter(d => d.severity !== 'info');
  return { status: run.status, found: found.map(d => `${d.ruleId}@${d.file}:${d.range.start.line}`), messages: found.map(d => d.message) };
}

describe('fetch:template:file and fetch:plain:file: the one file is checked as fetch:template checks a skeleton (check, through the bin)', () => {
  it.each(['fetch:template:file', 'fetch:plain:file'])('%s with a url to no file: template-skeleton-missing at the url', async action => {
    const { status, found, messages } = await check(step(action, './files/missing.md'), { 'templates/svc/files/other.md': 'x\n' });
    expect(found).toEqual([`template-skeleton-missing@${FILE}:18`]);
    expect(messages[0]).toContain('templates/svc/files/missing.md');
    expect(status).toBe(1);
  }, 60_000);

  it('a file the renderer refuses (an unclosed tag): the syntax finding in that file, at its line', async () => {
    const { status, found } = await check(step('fetch:template:file', './files/index.md'), { 'templates/svc/files/index.md': '# ${{ values.name }}\n\n{% if values.name %}\nno end\n' /* the if that never closes: line 3 */ });
    expect(found).toEqual(['skeleton-syntax@templates/svc/files/index.md:3']);
    expect(status).toBe(1);
  }, 60_000);

  it('a value the step does not pass: the same finding fetch:template gets', async () => {
    const { found } = await check(step('fetch:template:file', './files/index.md'), { 'templates/svc/files/index.md': '# ${{ values.name }} by ${{ values.owner }}\n' });
    expect(found).toEqual(['skeleton-unknown-value@templates/svc/files/index.md:1']);
  }, 60_000);

  it('a sound file, and a file name with braces (never rendered by this action): quiet', async () => {
    const { status, found } = await check(step('fetch:template:file', './files/{{odd}}.md'), { 'templates/svc/files/{{odd}}.md': '# ${{ values.name }}\n' });
    expect(found).toEqual([]);
    expect(status).toBe(0);
  }, 60_000);
});

// Seen on rey-gdp-intern/backstage-catalog (templates/infra/cloud/VM): fetch:template with url ./content/main.tf.
// The real dry-run fails "The `cwd` option must be a path to a directory"; check said the folder "does not
// exist or is empty", which the author can see is untrue.
describe('fetch:template whose url names a file (check, through the bin)', () => {
  it('says the url names a file and that fetch:template:file renders one file', async () => {
    const { status, found, messages } = await check(step('fetch:template', './content/main.tf'), { 'templates/svc/content/main.tf': 'x = 1\n' });
    expect(found).toEqual([`template-skeleton-missing@${FILE}:18`]);
    expect(messages[0]).toBe('The url names the file templates/svc/content/main.tf, not a folder: fetch:template renders a skeleton folder, so the task fails here ("The `cwd` option must be a path to a directory").');
    expect(status).toBe(1);
  }, 60_000);
});
