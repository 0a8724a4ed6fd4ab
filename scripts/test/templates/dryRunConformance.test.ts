import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, inject, it } from 'vitest';
import { listRepoFiles } from '../../src/load/repoFiles.ts';
import { renderTemplate } from '../../src/templates/renderTemplate.ts';
import { discoverCases } from '../../src/templates/runTemplateTests.ts';
import { REPO_ROOT } from '../helpers/tempRepo.ts';

const { baseUrl, token } = inject('backstage');
const BUILTIN = new Set(['fetch:template', 'fetch:template:file', 'fetch:plain', 'fetch:plain:file', 'fs:rename', 'fs:delete', 'debug:log']);

/**
 * The real dry-run endpoint reads a template from the files posted with it (a file:// base), where a
 * relative url may not leave the template's folder; so the posted copy carries its skeleton under
 * ./skeleton/. Steps that need the outside world produce no files and are left out of both runs.
 */
function forDryRun(template: { spec: { steps: { action: string; input?: { url?: string } }[] } }) {
  const copy = structuredClone(template);
  copy.spec.steps = copy.spec.steps.filter(s => BUILTIN.has(s.action));
  const skeletons = new Set<string>();
  for (const step of copy.spec.steps) {
    if (step.input?.url) {
      skeletons.add(step.input.url);
      step.input.url = './skeleton';
    }
  }
  return { copy, skeleton: [...skeletons][0] };
}

describe("conformance with the real scaffolder's dry-run", () => {
  const cases = discoverCases(REPO_ROOT, []).filter(c => {
    const testCase = parse(readFileSync(join(REPO_ROOT, c.caseFile), 'utf8'));
    return !testCase.expect?.valuesError && !testCase.expect?.error;
  });

  it.each(cases.map(c => [`${c.template} / ${c.caseFile.split('/').pop()}`, c] as const))('%s renders the same files and bytes', async (_name, item) => {
    const templateFile = `templates/${item.template}/template.yaml`;
    const template = parse(readFileSync(join(REPO_ROOT, templateFile), 'utf8'));
    const values = parse(readFileSync(join(REPO_ROOT, item.caseFile), 'utf8')).values;
    const { copy, skeleton } = forDryRun(template);
    const skeletonDir = join('templates', item.template, skeleton).replace(/\\/g, '/');
    const normalised = (await listRepoFiles(join(REPO_ROOT, skeletonDir)));
    const directoryContents = [
      { path: 'template.yaml', base64Content: Buffer.from(JSON.stringify(copy)).toString('base64') },
      ...normalised.map(f => ({ path: `skeleton/${f}`, base64Content: readFileSync(join(REPO_ROOT, skeletonDir, f)).toString('base64') })),
    ];
    const started = Date.now();
    const res = await fetch(`${baseUrl}/api/scaffolder/v2/dry-run`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ template: copy, values, secrets: {}, directoryContents }),
    });
    const dryRunMs = Date.now() - started;
    expect(res.status, await res.clone().text()).toBe(200);
    const body = (await res.json()) as { directoryContents: { path: string; base64Content: string }[] };
    const theirs = Object.fromEntries(body.directoryContents.filter(f => !f.path.startsWith('skeleton/') && f.path !== 'template.yaml').map(f => [f.path, f.base64Content]));

    const ours = await renderTemplate({ source: { root: REPO_ROOT, baseUrl: 'https://github.com/acme/backstage-control/blob/main/' }, templateFile, template: { ...template, spec: { ...template.spec, steps: template.spec.steps.filter((s: { action: string }) => BUILTIN.has(s.action)) } }, values, offlineActions: [] });
    const mine = Object.fromEntries(ours.files.map(f => [f.path, f.content.toString('base64')]));
    expect(Object.keys(mine).sort()).toEqual(Object.keys(theirs).sort());
    for (const path of Object.keys(mine)) expect(mine[path], path).toBe(theirs[path]);
    console.log(`${item.template}: offline ${ours.milliseconds} ms, dry-run ${dryRunMs} ms`);
  }, 60_000);
});
