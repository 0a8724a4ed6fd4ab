import { describe, expect, it } from 'vitest';
import { runAzureTask, runCheckAction } from '../helpers/ciRuns.ts';
import { dataRepoCopy } from '../helpers/gitRepo.ts';
import { commit, edit, startPullRequest } from '../pr/prChange.ts';

// report6: a skeleton change that breaks a template's test case was annotated on the case file
// (templates/<t>/tests/default.yaml), which the pull request does not change. GitHub shows annotations in
// a pull request's Files view only on its changed lines: the skeleton's author saw none there. The
// annotation now sits on the skeleton line the change made, and says which case failed.

const SKELETON = 'skeletons/node-service/catalog-info.yaml';
const CASE = 'templates/node-service/tests/default.yaml';

async function brokenSkeleton() {
  const repo = await dataRepoCopy();
  const base = startPullRequest(repo);
  // The rendered entity loses its owner: the case's expectation, its output check and its snapshot fail.
  edit(repo, SKELETON, t => t.replace(/^  owner: .*\n/m, ''));
  commit(repo, 'the skeleton drops spec.owner');
  return { repo, base, line: 15 };
}

describe('annotations of a template case broken by a skeleton change land on the changed skeleton line', () => {
  it('GitHub (check action bundle)', async () => {
    const { repo, base, line } = await brokenSkeleton();
    const run = await runCheckAction(repo, base);
    expect(run.status).toBe(1);
    const errors = run.stdout.split('\n').filter(l => l.startsWith('::error '));
    const templateErrors = errors.filter(l => /title=template-/.test(l));
    expect(templateErrors.length).toBeGreaterThanOrEqual(3);
    for (const l of templateErrors) expect(l).toMatch(new RegExp(`^::error title=template-[a-z-]+,file=${SKELETON.replace(/[./]/g, '\\$&')},line=${line},endLine=${line},col=1,endColumn=1::${CASE.replace(/[./]/g, '\\$&')}:\\d+:\\d+: `));
    expect(errors.some(l => l.includes(`file=${CASE}`))).toBe(false);
  }, 240_000);

  it('Azure Pipelines (PR task)', async () => {
    const { repo, base, line } = await brokenSkeleton();
    const run = await runAzureTask(repo, base);
    expect(run.status).toBe(1);
    const issues = run.stdout.split('\n').filter(l => l.startsWith('##vso[task.logissue type=error;') && l.includes('code=template-'));
    expect(issues.length).toBeGreaterThanOrEqual(3);
    for (const l of issues) expect(l).toContain(`sourcepath=${repo}/${SKELETON};linenumber=${line};`);
  }, 240_000);
});
