import { describe, expect, it } from 'vitest';
import { runBin } from '../helpers/runBin.ts';
import { fetchSkeletonStep, templateHead, templateRepo } from '../helpers/templateRepo.ts';

// red24: a fetch step's url is resolved by Backstage as a URL (@backstage/integration's defaultScmResolveUrl
// against the template's own URL), where `%2e%2e` is `..`, a backslash is a slash, and `//x` after the
// repository's root stays in the repository. The gate's static checks (skeletonFolder) joined the url as a
// file path: a folder literally named `%2e%2e` or `..\evil` beside the template was judged (and routed) as
// the skeleton while Backstage renders templates/evil, and `url: //skeletons/svc` was not judged at all.
const template = (url: string) => templateHead('svc') + fetchSkeletonStep().replace('url: ../../skeletons/svc', `url: ${JSON.stringify(url)}`);
const fine = '# ${{ values.name }}\n';
const broken = '# ${{ values.name }}\n\n{% if values.name %}\nno end\n';

async function check(files: Record<string, string>) {
  const run = await runBin(['check', '--format', 'json'], await templateRepo(['../templates/svc/template.yaml'], files));
  expect(run.stderr).not.toMatch(/internal error/);
  const found = (JSON.parse(run.stdout).diagnostics as { ruleId: string; file: string; severity: string; range: { start: { line: number } } }[]).filter(d => d.severity !== 'info');
  return { status: run.status, found: found.map(d => `${d.ruleId}@${d.file}:${d.range.start.line}`) };
}

describe('a fetch url names the folder Backstage resolves it to, whatever its spelling (check, through the bin)', () => {
  it.each([
    ['%-encoded ..', './%2e%2e/evil', 'templates/svc/%2e%2e/evil/index.md'],
    ['upper-case %-encoded ..', '%2E%2E/evil', 'templates/svc/%2E%2E/evil/index.md'],
    ['backslash', '..\\evil', 'templates/svc/..\\evil/index.md'],
  ])('%s (%s): the folder Backstage renders is judged, not the decoy of that name', async (_, url, decoy) => {
    const { status, found } = await check({ 'templates/svc/template.yaml': template(url), [decoy]: fine, 'templates/evil/index.md': broken });
    expect(found).toContain('skeleton-syntax@templates/evil/index.md:3');
    expect(status).toBe(1);
  }, 60_000);

  it('//skeletons/svc after the root stays in the repository: that skeleton is judged', async () => {
    const { status, found } = await check({ 'templates/svc/template.yaml': template('//skeletons/svc'), 'skeletons/svc/index.md': broken });
    expect(found).toEqual(['skeleton-syntax@skeletons/svc/index.md:3']);
    expect(status).toBe(1);
  }, 60_000);

  it('/.. and a climb past the root name no folder of this repository', async () => {
    for (const url of ['/..', '/%2e%2e/x', '../../../x']) {
      const { status, found } = await check({ 'templates/svc/template.yaml': template(url) });
      expect(found.some(f => f.startsWith('template-skeleton-missing@templates/svc/template.yaml'))).toBe(true);
      expect(status).toBe(1);
    }
  }, 120_000);
});
