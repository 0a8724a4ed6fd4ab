import { describe, expect, it } from 'vitest';
import { expectCleanStderr, gitops } from '../e2e/gitops.ts';
import { templateHead, templateRepo } from '../helpers/templateRepo.ts';

// Backstage registers every document of a file a Location reads, and the scaffolder runs each Template on
// its own: a case of `templates test` renders the Template it names, found by metadata.name wherever it
// stands in template.yaml, and findings about its steps point into that Template's document.
const TEMPLATE = (name: string, skeleton: string) => `${templateHead(name)}    - id: fetch
      name: Fetch
      action: fetch:template
      input:
        url: ${skeleton}
        values:
          name: \${{ parameters.name }}
`;
const FILE = `apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata: {name: extra}\nspec: {targets: []}\n---\n${TEMPLATE('first', './first')}---\n${TEMPLATE('second', './second')}`;

interface Finding { ruleId: string; file: string; message: string; range: { start: { line: number } } }

async function testCases(cases: Record<string, string>): Promise<{ status: number | null; found: Finding[] }> {
  const root = await templateRepo([], {
    'templates/many/template.yaml': FILE,
    'templates/many/first/README.md': '# first ${{ values.name }}\n',
    'templates/many/second/README.md': '# second ${{ values.name }}\n',
    ...Object.fromEntries(Object.entries(cases).map(([name, text]) => [`templates/many/tests/${name}.yaml`, text])),
  });
  const run = await gitops(root, ['templates', 'test', '--format', 'json']);
  expectCleanStderr(run);
  return { status: run.status, found: (JSON.parse(run.stdout) as { diagnostics: Finding[] }).diagnostics };
}

const CASE = (extra: string) => `name: a case\n${extra}values: {name: orders}\nsnapshot: false\n`;

describe('templates test on a template.yaml with several Templates (through the bin)', () => {
  it('renders the Template a case names, wherever it stands in the file', async () => {
    const { status, found } = await testCases({
      second: CASE('template: second\n') + 'expect:\n  contains:\n    README.md: ["# second orders"]\n',
      first: CASE('template: first\n') + 'expect:\n  contains:\n    README.md: ["# first orders"]\n',
    });
    expect(found).toEqual([]);
    expect(status).toBe(0);
  }, 120_000);

  it('asks a case that names no Template, or one the file lacks, which one it renders', async () => {
    const { status, found } = await testCases({ unnamed: CASE(''), wrong: CASE('template: third\n') });
    expect(found.map(d => `${d.ruleId}@${d.file}:${d.range.start.line}`).sort()).toEqual(['template-test-invalid@templates/many/tests/unnamed.yaml:1', 'template-test-invalid@templates/many/tests/wrong.yaml:2']);
    expect(found.find(d => d.file.endsWith('unnamed.yaml'))!.message).toContain('holds 2 Templates (first, second)');
    expect(found.find(d => d.file.endsWith('wrong.yaml'))!.message).toContain("has no Template named 'third'; the Templates in it: first, second.");
    expect(status).toBe(1);
  }, 120_000);

  it('quotes names from the files bounded: a 5,000-character name the case asks for is cut', async () => {
    const { found } = await testCases({ long: CASE(`template: ${'x'.repeat(5000)}\n`) });
    expect(found).toHaveLength(1);
    expect(found[0].message).toContain(`'${'x'.repeat(99)}…'`);
    expect(found[0].message.length).toBeLessThan(400);
  }, 120_000);

  it("points a step refused with the case's values into the named Template's document", async () => {
    // The second Template gains a step whose input the action's schema refuses once rendered (a name for a boolean).
    const refused = `${FILE}    - id: log\n      name: Log\n      action: debug:log\n      input:\n        listWorkspace: \${{ parameters.name }}\n`;
    const root = await templateRepo([], {
      'templates/many/template.yaml': refused,
      'templates/many/first/README.md': '# first\n',
      'templates/many/second/README.md': '# second\n',
      'templates/many/tests/log.yaml': CASE('template: second\n'),
    });
    const run = await gitops(root, ['templates', 'test', '--format', 'json']);
    expectCleanStderr(run);
    const found = (JSON.parse(run.stdout) as { diagnostics: Finding[] }).diagnostics;
    const line = refused.split('\n').findIndex(l => l.includes('listWorkspace:')) + 1;
    expect(found.map(d => `${d.ruleId}@${d.file}:${d.range.start.line}`)).toEqual([`template-action-input@templates/many/template.yaml:${line}`]);
    expect(run.status).toBe(1);
  }, 120_000);
});
