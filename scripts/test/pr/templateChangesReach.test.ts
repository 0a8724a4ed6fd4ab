import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dataRepoCopy } from '../helpers/gitRepo.ts';
import { runBin } from '../helpers/runBin.ts';
import { commit, edit, read, startPullRequest } from './prChange.ts';
import { runReport } from './runReport.ts';

// `report` renders the test cases of the templates a pull request touches. Which templates those are was
// decided from the template file as written: its folder and its fetch steps' urls. Steps kept in a `$yaml`
// file (the catalog's PlaceholderProcessor puts them in place, and `templates test` renders them) hid both the
// steps file and the skeleton they fetch: a skeleton changed without its snapshot passed `report` (exit 0)
// while `templates test` failed.

/** main: node-service's steps moved to shared/node-steps.yaml, read by `spec.steps: { $yaml: … }`. */
async function stepsApart(): Promise<{ root: string; base: string }> {
  const root = await dataRepoCopy();
  const template = read(root, 'templates/node-service/template.yaml');
  const from = template.indexOf('  steps:\n') + '  steps:\n'.length;
  const to = template.indexOf('  output:\n');
  mkdirSync(join(root, 'shared'));
  writeFileSync(join(root, 'shared/node-steps.yaml'), template.slice(from, to).replace(/^ {4}/gm, ''));
  writeFileSync(join(root, 'templates/node-service/template.yaml'), `${template.slice(0, from)}    $yaml: ../../shared/node-steps.yaml\n${template.slice(to)}`);
  const tested = await runBin(['templates', 'test', 'node-service'], root);
  expect(tested.status, tested.stdout + tested.stderr).toBe(0);
  await runBin(['codeowners', '--write'], root);
  commit(root, 'steps apart');
  return { root, base: startPullRequest(root) };
}

describe('report: template cases of a change that reaches the render through a placeholder', () => {
  it('renders them when the skeleton a $yaml-kept step fetches changes', async () => {
    const { root, base } = await stepsApart();
    edit(root, 'skeletons/node-service/Dockerfile', t => t.replace('USER node\n', 'USER node\nHEALTHCHECK CMD wget -qO- http://127.0.0.1/healthz\n'));
    commit(root, 'a HEALTHCHECK, snapshot not updated');
    const { json } = await runReport(root, base);
    expect(json.diagnostics.filter(d => d.ruleId === 'template-snapshot').map(d => d.file)).toEqual(['templates/node-service/tests/default.yaml']);
    expect(json.exitCode).toBe(1);
  }, 180_000);

  it('renders them when the $yaml file that holds the steps changes', async () => {
    const { root, base } = await stepsApart();
    edit(root, 'shared/node-steps.yaml', t => t.replace('description: ${{ parameters.description }}', "description: ${{ parameters.description }} (Node)"));
    commit(root, 'the description gains (Node), snapshot not updated');
    const { json } = await runReport(root, base);
    expect(json.report.templates.map((c: { caseFile: string; passed: boolean }) => `${c.caseFile} ${c.passed}`)).toEqual(['templates/node-service/tests/default.yaml false']);
    expect(json.exitCode).toBe(1);
  }, 180_000);
});
