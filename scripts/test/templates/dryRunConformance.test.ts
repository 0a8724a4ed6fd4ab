import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, inject, it } from 'vitest';
import { BUILTIN_ACTIONS, dryRunRequest } from '../../src/templates/dryRunRequest.ts';
import { renderTemplate } from '../../src/templates/renderTemplate.ts';
import { discoverCases } from '../../src/templates/runTemplateTests.ts';
import { REPO_ROOT } from '../helpers/tempRepo.ts';

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
