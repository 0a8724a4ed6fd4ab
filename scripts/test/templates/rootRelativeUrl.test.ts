import { describe, expect, it } from 'vitest';
import { runBin } from '../helpers/runBin.ts';
import { fetchSkeletonStep, templateHead, templateRepo } from '../helpers/templateRepo.ts';

// Red team, round 23: a fetch url that starts with `/` is relative to the repository's root in Backstage
// (@backstage/integration's defaultScmResolveUrl: "If it is an absolute path, move relative to the repo
// root"), and the offline render fetched it so. The gate's static checks (skeletonFolder) joined it onto the
// template's folder: `url: /skeletons/svc` was "The skeleton folder templates/svc/skeletons/svc does not exist",
// and with a folder there they judged (and routed reviews by) that decoy while Backstage renders the other.
const template = (url: string) => templateHead('svc') + fetchSkeletonStep().replace('url: ../../skeletons/svc', `url: ${url}`);
const broken = '# ${{ values.name }}\n\n{% if values.name %}\nno end\n';

async function check(files: Record<string, string>) {
  const run = await runBin(['check', '--format', 'json'], await templateRepo(['../templates/svc/template.yaml'], files));
  expect(run.stderr).not.toMatch(/internal error/);
  const found = (JSON.parse(run.stdout).diagnostics as { ruleId: string; file: string; severity: string; range: { start: { line: number } } }[]).filter(d => d.severity !== 'info');
  return { status: run.status, found: found.map(d => `${d.ruleId}@${d.file}:${d.range.start.line}`) };
}

describe('a fetch url starting with / names a folder from the repository root (check, through the bin)', () => {
  it('url /skeletons/svc: the root skeletons/svc is the skeleton, judged there', async () => {
    expect(await check({ 'templates/svc/template.yaml': template('/skeletons/svc'), 'skeletons/svc/index.md': '# ${{ values.name }}\n' })).toEqual({ status: 0, found: [] });
    const { status, found } = await check({ 'templates/svc/template.yaml': template('/skeletons/svc'), 'skeletons/svc/index.md': broken });
    expect(found).toEqual(['skeleton-syntax@skeletons/svc/index.md:3']);
    expect(status).toBe(1);
  }, 60_000);

  it('a folder of the same name beside the template is not taken for it', async () => {
    const { found } = await check({
      'templates/svc/template.yaml': template('/skeletons/svc'),
      'templates/svc/skeletons/svc/index.md': '# ${{ values.name }}\n',
      'skeletons/svc/index.md': broken,
    });
    expect(found).toContain('skeleton-syntax@skeletons/svc/index.md:3');
  }, 60_000);
});
