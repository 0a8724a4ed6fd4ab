import { execFileSync } from 'node:child_process';
import { appendFileSync, chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { dataRepoCopy, git } from '../helpers/gitRepo.ts';
import { REPO_ROOT } from '../helpers/tempRepo.ts';
import { azurePipelineProblems } from '../../src/ci/azurePipelineProblems.ts';
import { runBin } from './runBin.ts';

const BAD_ENTITY = '---\napiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: {name: "Bad Name!!"}\nspec: {type: service, lifecycle: production, owner: group:default/platform}\n';

type GithubStep = { uses?: string; run?: string; with?: Record<string, string>; env?: Record<string, string> };
type AzureStep = { task?: string; publish?: string; inputs?: Record<string, string>; env?: Record<string, string> };

// The gate trusts its --cache file as the results of earlier runs: a run record with the same inputs key
// is replayed without checking. So whoever writes the file CI restores decides the verdict. On both
// platforms a pull request's runs share one cache scope (GitHub: refs/pull/<n>/merge; Azure: the PR's
// builds) that any job they run can write under any key, a workflow the pull request adds (which runs on
// pull_request with no review) or its own code in the techdocs/tests jobs included, and the restore looks
// in that scope first. The gate's cache must come only from main.
describe('the PR gate\'s cache comes from main only', () => {
  it('a cache whose run record claims a clean run decides the verdict: a forged one passes the gate (check --base exits 0)', async () => {
    // Why the source matters, through the bin: the attacker runs the same toolkit on the same merge
    // commit (every input of the key is public), empties the record's findings and saves the file under
    // the key the gate restores.
    const root = await dataRepoCopy();
    const temp = await mkdtemp(join(tmpdir(), 'gitops-gate-cache-'));
    git(root, 'checkout', '-q', '-b', 'pr');
    appendFileSync(join(root, 'catalog/platform/backstage-control.yaml'), BAD_ENTITY);
    git(root, 'add', '-A');
    git(root, 'commit', '-qm', 'a bad entity');
    const honest = join(temp, 'honest.json');
    expect((await runBin(['check', '--base', 'main', '--today', '2026-12-01', '--cache', honest], root)).status).toBe(1);
    const text = readFileSync(honest, 'utf8');
    const newline = text.indexOf('\n');
    const header = JSON.parse(text.slice(0, newline));
    header.run.diagnostics = [];
    const forged = join(temp, 'forged.json');
    writeFileSync(forged, `${JSON.stringify(header)}${text.slice(newline)}`);
    const gate = await runBin(['check', '--base', 'main', '--today', '2026-12-01'], root, { BACKSTAGE_GITOPS_CACHE: forged });
    expect(gate.status, gate.stderr).toBe(0);
    const fresh = await runBin(['report', '--base', 'main', '--today', '2026-12-01', '--format', 'markdown'], root);
    expect(fresh.stdout).toContain('changes needed');
  }, 120_000);

  it('GitHub: the gate job restores nothing from actions/cache (nor setup-node\'s npm cache); it downloads the artifact of main.yml\'s last push run on main', () => {
    const workflow = parseYaml(readFileSync(join(REPO_ROOT, '.github/workflows/pull-request.yml'), 'utf8')) as { jobs: Record<string, { steps: GithubStep[] }> };
    // No job of a pull_request workflow may restore a cache the gate reads; the gate job restores none at all:
    // not even setup-node's npm cache, whose archive (extracted with tar -P, absolute paths kept) could
    // rewrite the toolkit's checkout before the step that holds the token runs it.
    const cacheSteps = Object.values(workflow.jobs).flatMap(job => job.steps).filter(step => step.uses?.startsWith('actions/cache'));
    expect(cacheSteps).toEqual([]);
    const gate = workflow.jobs.gate.steps;
    expect(gate.filter(step => step.uses?.startsWith('actions/setup-') && step.with?.cache !== undefined)).toEqual([]);
    const lookup = gate.find(step => step.run?.includes('gh run list'));
    expect(lookup?.run).toMatch(/--workflow gate-cache\.yml --branch main\s+--event push --status success/);
    const download = gate.find(step => step.uses?.startsWith('actions/download-artifact@'));
    expect(download?.with).toMatchObject({ name: 'backstage-gitops-check-cache', 'run-id': '${{ steps.main-results.outputs.run-id }}', path: '${{ runner.temp }}/backstage-gitops-cache' });
    expect(gate.find(step => step.uses === './toolkit/actions/check')?.env?.BACKSTAGE_GITOPS_CACHE).toBe('${{ runner.temp }}/backstage-gitops-cache/check.json');
    // gate-cache.yml uploads that artifact: on push to main, one job that runs only the merged toolkit (a job
    // of the same run could replace a run's artifact, so it is not main.yml, whose TechDocs build runs MkDocs),
    // and it restores no CI cache.
    type Workflow = { on: { push: { branches: string[] } }; jobs: Record<string, { environment?: string; steps: GithubStep[] }> };
    const producer = parseYaml(readFileSync(join(REPO_ROOT, '.github/workflows/gate-cache.yml'), 'utf8')) as Workflow;
    expect(Object.keys(producer.on)).toEqual(['push']);
    expect(producer.on.push.branches).toEqual(['main']);
    const [job, ...others] = Object.values(producer.jobs);
    expect(others).toEqual([]);
    expect(job.steps.find(step => step.uses?.startsWith('actions/upload-artifact@'))?.with).toMatchObject({ name: 'backstage-gitops-check-cache', path: '${{ runner.temp }}/backstage-gitops-cache/check.json' });
    expect(job.steps.filter(step => step.run).map(step => step.run)).toEqual(['npm ci --no-audit --no-fund', 'npm run check -- --cache "$RUNNER_TEMP/backstage-gitops-cache/check.json" || test $? -eq 1']);
    expect(job.steps.filter(step => step.uses?.startsWith('actions/cache') || (step.uses?.startsWith('actions/setup-') && step.with?.cache !== undefined))).toEqual([]);
    const main = parseYaml(readFileSync(join(REPO_ROOT, '.github/workflows/main.yml'), 'utf8')) as Workflow;
    // main's cache scope is written by every job of main's runs, the MkDocs build of the teams' docs among
    // them: the gate (whose results pull requests trust) and the jobs holding production secrets restore
    // nothing from it.
    const trusted = Object.entries(main.jobs).filter(([name, job]) => name === 'gate' || job.environment === 'production');
    expect(trusted.map(([name]) => name).sort()).toEqual(['gate', 'sync', 'techdocs']);
    for (const [name, job] of trusted) {
      expect(job.steps.filter(step => step.uses?.startsWith('actions/cache') || (step.uses?.startsWith('actions/setup-') && step.with?.cache !== undefined)), name).toEqual([]);
    }
  });

  it('Azure: the gate job has no Cache@2; main\'s artifact is taken from a build of refs/heads/main only', async () => {
    const pr = parseYaml(readFileSync(join(REPO_ROOT, 'pipelines/pr-validation.yml'), 'utf8')) as { jobs: { job: string; steps: AzureStep[] }[] };
    expect(pr.jobs.flatMap(job => job.steps).filter(step => step.task?.startsWith('Cache@'))).toEqual([]);
    const gate = pr.jobs.find(job => job.job === 'gate')!.steps;
    const download = gate.find(step => step.task === 'DownloadPipelineArtifact@2');
    expect(download?.inputs).toMatchObject({ buildType: 'specific', buildVersionToDownload: 'specific', pipelineId: '$(GITOPS_CACHE_BUILD)', artifactName: 'backstage-gitops-cache', targetPath: '$(Pipeline.Workspace)/backstage-gitops-cache' });
    expect(await azurePipelineProblems('pr-validation.yml', readFileSync(join(REPO_ROOT, 'pipelines/pr-validation.yml'), 'utf8'))).toEqual([]);
    expect(gate.find(step => step.env?.BACKSTAGE_GITOPS_CACHE)?.env?.BACKSTAGE_GITOPS_CACHE).toBe('$(Pipeline.Workspace)/backstage-gitops-cache/check.json');
    // The artifact comes from pipelines/gate-cache.yml: main only, one job running the merged toolkit
    // (main.yml's builds also run MkDocs on the teams' docs), no Cache@2 anywhere on main.
    const producer = parseYaml(readFileSync(join(REPO_ROOT, 'pipelines/gate-cache.yml'), 'utf8')) as { trigger: { branches: { include: string[] } }; pr: string; jobs: { job: string; steps: AzureStep[] }[] };
    expect(producer.trigger.branches.include).toEqual(['main']);
    expect(producer.pr).toBe('none');
    expect(await azurePipelineProblems('gate-cache.yml', readFileSync(join(REPO_ROOT, 'pipelines/gate-cache.yml'), 'utf8'))).toEqual([]);
    expect(producer.jobs).toHaveLength(1);
    expect(producer.jobs[0].steps.find(step => step.publish === '$(Pipeline.Workspace)/backstage-gitops-cache')).toMatchObject({ artifact: 'backstage-gitops-cache' });
    for (const file of ['gate-cache.yml', 'main.yml']) expect(JSON.stringify(parseYaml(readFileSync(join(REPO_ROOT, 'pipelines', file), 'utf8')))).not.toMatch(/Cache@/);
  });
  it('GitHub: a run of gate-cache.yml pushed as a TAG named main (head_branch "main", its own workflow file) is not taken for main\'s', async () => {
    // `gh run list --branch main` filters on head_branch, which a tag push sets to the tag's name: a member who
    // can push branches pushes a commit whose gate-cache.yml runs on every push and uploads a forged
    // check.json, tags it `main`, and that run is the newest "successful push run on main".
    const workflow = parseYaml(readFileSync(join(REPO_ROOT, '.github/workflows/pull-request.yml'), 'utf8')) as { jobs: Record<string, { steps: (GithubStep & { id?: string; 'working-directory'?: string })[] }> };
    const step = workflow.jobs.gate.steps.find(s => s.id === 'main-results')!;
    const temp = await mkdtemp(join(tmpdir(), 'gitops-gate-runs-'));
    const pr = join(temp, 'pr');
    mkdirSync(pr);
    const sha = () => git(pr, 'rev-parse', 'HEAD').trim();
    git(pr, 'init', '-q', '-b', 'main');
    git(pr, 'commit', '-q', '--allow-empty', '-m', 'A');
    const a = sha();
    git(pr, 'commit', '-q', '--allow-empty', '-m', 'B');
    const b = sha();
    // The full-history checkout's view of main (actions/checkout, fetch-depth: 0).
    git(pr, 'update-ref', 'refs/remotes/origin/main', b);
    git(pr, 'checkout', '-q', '-b', 'evil');
    git(pr, 'commit', '-q', '--allow-empty', '-m', 'gate-cache.yml on every push, forged artifact');
    const evil = sha();
    git(pr, 'tag', 'main', evil);
    // gh as the API answers, newest first, with its --jq applied as gh does (raw strings).
    const runs = [{ databaseId: 30, headSha: evil, headBranch: 'main', event: 'push' }, { databaseId: 20, headSha: b, headBranch: 'main', event: 'push' }, { databaseId: 10, headSha: a, headBranch: 'main', event: 'push' }];
    const bin = join(temp, 'bin');
    mkdirSync(bin);
    writeFileSync(join(bin, 'gh'), `#!/bin/sh\nwhile [ "$#" -gt 0 ]; do if [ "$1" = --jq ]; then jq -r "$2" "${join(temp, 'runs.json')}"; exit 0; fi; shift; done\ncat "${join(temp, 'runs.json')}"\n`);
    chmodSync(join(bin, 'gh'), 0o755);
    writeFileSync(join(temp, 'runs.json'), JSON.stringify(runs));
    const output = join(temp, 'output.txt');
    writeFileSync(output, '');
    execFileSync('bash', ['-e', '-c', step.run!], { cwd: join(temp, step['working-directory'] ?? '.'), env: { PATH: `${bin}:${process.env.PATH}`, HOME: temp, GITHUB_OUTPUT: output, GITHUB_REPOSITORY: 'acme/control', GH_TOKEN: 'x' } });
    expect(readFileSync(output, 'utf8')).toBe('run-id=20\n');
  }, 60_000);
  it('Azure: a build of gate-cache.yml queued for refs/heads/main with another branch\'s commit is not taken for main\'s', async () => {
    // Builds - Queue takes sourceBranch and sourceVersion apart (`az pipelines build queue --branch refs/heads/main
    // --commit-id <their commit>`): the build says refs/heads/main, and runs the gate-cache.yml of that commit.
    const pipeline = parseYaml(readFileSync(join(REPO_ROOT, 'pipelines/pr-validation.yml'), 'utf8')) as { jobs: { job: string; steps: (AzureStep & { script?: string })[] }[] };
    const step = pipeline.jobs.find(job => job.job === 'gate')!.steps.find(s => s.script?.includes('_apis/build/builds'))!;
    expect(step.env?.SYSTEM_ACCESSTOKEN).toBe('$(System.AccessToken)');
    const temp = await mkdtemp(join(tmpdir(), 'gitops-gate-builds-'));
    const repo = join(temp, 's');
    mkdirSync(repo);
    const sha = () => git(repo, 'rev-parse', 'HEAD').trim();
    git(repo, 'init', '-q', '-b', 'main');
    git(repo, 'commit', '-q', '--allow-empty', '-m', 'A');
    const a = sha();
    git(repo, 'commit', '-q', '--allow-empty', '-m', 'B');
    const b = sha();
    git(repo, 'update-ref', 'refs/remotes/origin/main', b);
    git(repo, 'checkout', '-q', '-b', 'evil');
    git(repo, 'commit', '-q', '--allow-empty', '-m', 'gate-cache.yml that publishes a forged check.json');
    const evil = sha();
    // The builds API's answer, newest first; curl prints it only for the query the step must make.
    writeFileSync(join(temp, 'builds.json'), JSON.stringify({ count: 3, value: [{ id: 300, sourceBranch: 'refs/heads/main', sourceVersion: evil }, { id: 200, sourceBranch: 'refs/heads/main', sourceVersion: b }, { id: 100, sourceBranch: 'refs/heads/main', sourceVersion: a }] }));
    const bin = join(temp, 'bin');
    mkdirSync(bin);
    writeFileSync(join(bin, 'curl'), `#!/bin/sh\nfor arg; do case "$arg" in *definitions=42\\&branchName=refs/heads/main*) cat "${join(temp, 'builds.json')}"; exit 0 ;; esac; done\nexit 22\n`);
    chmodSync(join(bin, 'curl'), 0o755);
    const run = (env: Record<string, string>) => execFileSync('bash', ['-c', step.script!], { cwd: repo, encoding: 'utf8', env: { PATH: `${bin}:${join(process.execPath, '..')}:${process.env.PATH}`, HOME: temp, SYSTEM_COLLECTIONURI: 'https://dev.azure.com/acme/', SYSTEM_TEAMPROJECTID: 'p1', SYSTEM_ACCESSTOKEN: 'x', ...env } });
    expect(run({ GITOPS_CACHE_PIPELINE: '42' })).toBe('##vso[task.setvariable variable=GITOPS_CACHE_BUILD]200\n');
    expect(run({ GITOPS_CACHE_PIPELINE: '42; rm -rf /' })).toBe('');
  }, 60_000);
  // Main's history holds every commit of a pull request merged with a merge commit: the branch's first commit
  // changed gate-cache.yml to upload a forged check.json and the next changed it back (the reviewed diff shows
  // neither). After the merge that commit is an ancestor of main; tagged `main` (GitHub) or queued for
  // refs/heads/main with it (Azure), its run was taken for main's.
  const mergedHistory = (repo: string) => {
    const sha = () => git(repo, 'rev-parse', 'HEAD').trim();
    git(repo, 'init', '-q', '-b', 'main');
    // A history longer than a pipe holds (2,500 commits, ~100 KB of ids): a lookup that stops reading git's
    // list at the first match (grep -q) gets it killed by SIGPIPE, which GitHub's shell (-o pipefail) counts as no match.
    const history = Array.from({ length: 2500 }, (_, i) => `commit refs/heads/main\ncommitter ci <ci@example.com> ${1700000000 + i} +0000\ndata 2\n${i % 10}\n\n`).join('');
    execFileSync('git', ['-C', repo, 'fast-import', '--quiet'], { input: history });
    git(repo, 'reset', '-q', '--hard', 'main');
    git(repo, 'commit', '-q', '--allow-empty', '-m', 'A');
    const a = sha();
    git(repo, 'checkout', '-q', '-b', 'feature');
    git(repo, 'commit', '-q', '--allow-empty', '-m', 'gate-cache.yml uploads a forged check.json');
    const forged = sha();
    git(repo, 'commit', '-q', '--allow-empty', '-m', 'gate-cache.yml as it was');
    git(repo, 'checkout', '-q', 'main');
    git(repo, 'merge', '-q', '--no-ff', '-m', 'Merge pull request #7', 'feature');
    const merged = sha();
    git(repo, 'update-ref', 'refs/remotes/origin/main', merged);
    expect(execFileSync('git', ['-C', repo, 'merge-base', '--is-ancestor', forged, merged]).toString()).toBe('');
    return { a, forged, merged };
  };
  it('GitHub: a run on a commit a merged pull request brought into main\'s history (tagged `main`) is not taken for main\'s', async () => {
    const workflow = parseYaml(readFileSync(join(REPO_ROOT, '.github/workflows/pull-request.yml'), 'utf8')) as { jobs: Record<string, { steps: (GithubStep & { id?: string; 'working-directory'?: string })[] }> };
    const step = workflow.jobs.gate.steps.find(s => s.id === 'main-results')!;
    const temp = await mkdtemp(join(tmpdir(), 'gitops-gate-runs-'));
    const pr = join(temp, 'pr');
    mkdirSync(pr);
    const { a, forged, merged } = mergedHistory(pr);
    const runs = [{ databaseId: 30, headSha: forged, headBranch: 'main', event: 'push' }, { databaseId: 20, headSha: merged, headBranch: 'main', event: 'push' }, { databaseId: 10, headSha: a, headBranch: 'main', event: 'push' }];
    const bin = join(temp, 'bin');
    mkdirSync(bin);
    writeFileSync(join(bin, 'gh'), `#!/bin/sh\nwhile [ "$#" -gt 0 ]; do if [ "$1" = --jq ]; then jq -r "$2" "${join(temp, 'runs.json')}"; exit 0; fi; shift; done\ncat "${join(temp, 'runs.json')}"\n`);
    chmodSync(join(bin, 'gh'), 0o755);
    writeFileSync(join(temp, 'runs.json'), JSON.stringify(runs));
    const output = join(temp, 'output.txt');
    writeFileSync(output, '');
    // GitHub's bash: `bash --noprofile --norc -eo pipefail {0}`.
    execFileSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', step.run!], { cwd: join(temp, step['working-directory'] ?? '.'), env: { PATH: `${bin}:${process.env.PATH}`, HOME: temp, GITHUB_OUTPUT: output, GITHUB_REPOSITORY: 'acme/control', GH_TOKEN: 'x' } });
    expect(readFileSync(output, 'utf8')).toBe('run-id=20\n');
  }, 60_000);
  it('Azure: a build queued for refs/heads/main with a commit a merged pull request brought into main\'s history is not taken for main\'s', async () => {
    const pipeline = parseYaml(readFileSync(join(REPO_ROOT, 'pipelines/pr-validation.yml'), 'utf8')) as { jobs: { job: string; steps: (AzureStep & { script?: string })[] }[] };
    const step = pipeline.jobs.find(job => job.job === 'gate')!.steps.find(s => s.script?.includes('_apis/build/builds'))!;
    const temp = await mkdtemp(join(tmpdir(), 'gitops-gate-builds-'));
    const repo = join(temp, 's');
    mkdirSync(repo);
    const { a, forged, merged } = mergedHistory(repo);
    writeFileSync(join(temp, 'builds.json'), JSON.stringify({ count: 3, value: [{ id: 300, sourceBranch: 'refs/heads/main', sourceVersion: forged }, { id: 200, sourceBranch: 'refs/heads/main', sourceVersion: merged }, { id: 100, sourceBranch: 'refs/heads/main', sourceVersion: a }] }));
    const bin = join(temp, 'bin');
    mkdirSync(bin);
    writeFileSync(join(bin, 'curl'), `#!/bin/sh\nfor arg; do case "$arg" in *definitions=42\\&branchName=refs/heads/main*) cat "${join(temp, 'builds.json')}"; exit 0 ;; esac; done\nexit 22\n`);
    chmodSync(join(bin, 'curl'), 0o755);
    const out = execFileSync('bash', ['-c', step.script!], { cwd: repo, encoding: 'utf8', env: { PATH: `${bin}:${join(process.execPath, '..')}:${process.env.PATH}`, HOME: temp, SYSTEM_COLLECTIONURI: 'https://dev.azure.com/acme/', SYSTEM_TEAMPROJECTID: 'p1', SYSTEM_ACCESSTOKEN: 'x', GITOPS_CACHE_PIPELINE: '42' } });
    expect(out).toBe('##vso[task.setvariable variable=GITOPS_CACHE_BUILD]200\n');
  }, 60_000);
});
