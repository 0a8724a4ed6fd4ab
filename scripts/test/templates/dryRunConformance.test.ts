import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, inject, it } from 'vitest';
import { BUILTIN_ACTIONS, dryRunRequest } from '../../src/templates/dryRunRequest.ts';
import { parseYaml } from '../../src/load/parseYaml.ts';
import { checkTemplate } from '../../src/templates/checkTemplate.ts';
import { renderTemplate } from '../../src/templates/renderTemplate.ts';
import { templateActions } from '../../src/templates/templateGate.ts';
import { discoverCases } from '../../src/templates/runTemplateTests.ts';
import { REPO_ROOT, tempRepo } from '../helpers/tempRepo.ts';

const { baseUrl, token } = inject('backstage');
describe("conformance with the real scaffolder's dry-run", () => {
  const cases = discoverCases(REPO_ROOT, []).filter(c => {
    const testCase = parse(readFileSync(join(REPO_ROOT, c.caseFile), 'utf8'));
    return !testCase.expect?.valuesError && !testCase.expect?.error;
  });

  it.each(cases.map(c => [`${c.template} / ${c.caseFile.split('/').pop()}`, c] as const))('%s renders the same files and bytes', async (_name, item) => {
    const templateFile = `templates/${item.template}/template.yaml`;
    const template = parse(readFileSync(join(REPO_ROOT, templateFile), 'utf8'));
    const values = parse(readFileSync(join(REPO_ROOT, item.caseFile), 'utf8')).values;
    const request = await dryRunRequest(REPO_ROOT, item.template, template, values);
    const started = Date.now();
    const res = await fetch(`${baseUrl}/api/scaffolder/v2/dry-run`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(request),
    });
    const dryRunMs = Date.now() - started;
    expect(res.status, await res.clone().text()).toBe(200);
    const body = (await res.json()) as { directoryContents: { path: string; base64Content: string }[] };
    const theirs = Object.fromEntries(body.directoryContents.filter(f => !f.path.startsWith('skeleton/') && f.path !== 'template.yaml').map(f => [f.path, f.base64Content]));

    const ours = await renderTemplate({ source: { root: REPO_ROOT, baseUrl: 'https://github.com/acme/backstage-control/blob/main/' }, templateFile, template: { ...template, spec: { ...template.spec, steps: template.spec.steps.filter((s: { action: string }) => BUILTIN_ACTIONS.has(s.action)) } }, values, offlineActions: [] });
    const mine = Object.fromEntries(ours.files.map(f => [f.path, f.content.toString('base64')]));
    expect(Object.keys(mine).sort()).toEqual(Object.keys(theirs).sort());
    for (const path of Object.keys(mine)) expect(mine[path], path).toBe(theirs[path]);
    console.log(`${item.template}: offline ${ours.milliseconds} ms, dry-run ${dryRunMs} ms`);
  }, 60_000);
});

/** A one-skeleton template whose last step is `step`, posted to the dry-run as the repo's own would be. */
function refusalTemplate(step: string): string {
  return `apiVersion: scaffolder.backstage.io/v1beta3
kind: Template
metadata:
  name: refusal
spec:
  owner: group:default/platform-team
  type: service
  parameters:
    - properties:
        repoUrl: {type: string, ui:field: RepoUrlPicker}
  steps:
    - id: fetch
      name: Fetch
      action: fetch:template
      input:
        url: ./skeleton
        values: {name: demo}
${step}`;
}

describe("action-input refusals: the gate's message is the real backend's", () => {
  const post = async (text: string) => {
    const template = parse(text);
    const res = await fetch(`${baseUrl}/api/scaffolder/v2/dry-run`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        template,
        values: { repoUrl: 'github.com?owner=acme&repo=ledger' },
        secrets: {},
        directoryContents: [
          { path: 'template.yaml', base64Content: Buffer.from(JSON.stringify(template)).toString('base64') },
          { path: 'skeleton/README.md', base64Content: Buffer.from('# ${{ values.name }}\n').toString('base64') },
        ],
      }),
    });
    return { status: res.status, body: (await res.json()) as { error?: { name: string; message: string }; log?: { body: { message: string } }[] } };
  };
  const gate = async (text: string) => {
    const parsed = parseYaml(text, 'templates/refusal/template.yaml');
    return checkTemplate({ file: 'templates/refusal/template.yaml', documents: parsed.documents, problems: parsed.problems, locate: parsed.locate }, new Set(['templates/refusal/skeleton/README.md']), undefined, await templateActions(REPO_ROOT))
      .filter(d => d.ruleId === 'template-action-input');
  };

  it.each([
    ['fetch:plain given values', '    - id: plain\n      name: Plain\n      action: fetch:plain\n      input:\n        url: ./skeleton\n        targetPath: plain\n        values: {name: demo}\n'],
    ['publish:github:pull-request without branchName, title and description', '    - id: pr\n      name: PR\n      action: publish:github:pull-request\n      input:\n        repoUrl: ${{ parameters.repoUrl }}\n'],
  ])('%s: refused by both, with the same words', async (_name, step) => {
    const text = refusalTemplate(step);
    const theirs = await post(text);
    expect(theirs.status, JSON.stringify(theirs.body)).toBe(400);
    expect(theirs.body.error?.name).toBe('InputError');
    const ours = await gate(text);
    expect(ours.length).toBeGreaterThan(0);
    // The runner joins every error of one step into one InputError; the gate gives one finding per error.
    const prefix = /^(Invalid input passed to action [^,]+, )/.exec(ours[0].message)![1];
    expect(theirs.body.error?.message).toBe(prefix + ours.map(d => d.message.slice(prefix.length)).join(', '));
    // The offline render (templates test / render) refuses the rendered input with the same words.
    const root = await tempRepo({ 'templates/refusal/template.yaml': text, 'templates/refusal/skeleton/README.md': '# ${{ values.name }}\n' });
    const template = parse(text);
    const offlineActions = template.spec.steps.map((s: { action: string }) => s.action).filter((a: string) => !a.startsWith('fetch:'));
    const rendered = await renderTemplate({ source: { root, baseUrl: 'https://github.com/acme/backstage-control/blob/main/' }, templateFile: 'templates/refusal/template.yaml', template, values: { repoUrl: 'github.com?owner=acme&repo=ledger' }, offlineActions, actions: await templateActions(REPO_ROOT) })
      .then(r => r.inputRefusals, (error: { inputRefusals?: { message: string }[] }) => error.inputRefusals ?? []);
    expect(prefix + rendered.map(r => r.message.slice(prefix.length)).join(', ')).toBe(theirs.body.error?.message);
  }, 60_000);

  it('publish:github with allowedHosts: the dry-run skips the step (no dry-run support), the task would refuse it as the gate does', async () => {
    const text = refusalTemplate('    - id: publish\n      name: Publish\n      action: publish:github\n      input:\n        repoUrl: ${{ parameters.repoUrl }}\n        allowedHosts: [github.com]\n');
    const theirs = await post(text);
    expect(theirs.status).toBe(200);
    expect(theirs.body.log?.map(l => l.body.message).join('\n')).toMatch(/Skipping because publish:github does not support dry-run/);
    expect((await gate(text)).map(d => d.message)).toEqual(['Invalid input passed to action publish:github, instance is not allowed to have the additional property "allowedHosts"']);
  }, 60_000);
});
