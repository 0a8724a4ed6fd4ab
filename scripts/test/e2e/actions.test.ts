// The three GitHub actions as GitHub loads and runs them: action.yml read by GitHub's own parser, the
// workflows' `with:` checked against it, and runs.main (the committed dist bundle) run with Node, with
// inputs from the defaults and `with:` as INPUT_* variables. The check action's PR flow against a fake
// GitHub API is in ci/githubAction.test.ts, which runs through the same helper.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startStorageEmulators, type Emulators } from '../backstage/storageEmulators.ts';
import { freePort } from '../helpers/freePort.ts';
import { dataRepoCopy } from '../helpers/gitRepo.ts';
import { runNode } from '../helpers/runNode.ts';
import { parseActionText, readAction, runAction } from '../helpers/runAction.ts';
import { REPO_ROOT } from '../helpers/tempRepo.ts';
import { expectCleanStderr, gitops } from './gitops.ts';

const ACTIONS = readdirSync(join(REPO_ROOT, 'actions')).filter(name => existsSync(join(REPO_ROOT, 'actions', name, 'action.yml')));

/** Every `uses: ./actions/<name>` (or `./toolkit/actions/<name>`) step in this repo's workflows, with its `with:`. */
function localActionSteps(): { workflow: string; action: string; with: Record<string, unknown> }[] {
  const dir = join(REPO_ROOT, '.github/workflows');
  return readdirSync(dir).filter(f => /\.ya?ml$/.test(f)).flatMap(workflow => {
    const jobs = (parse(readFileSync(join(dir, workflow), 'utf8')) as { jobs: Record<string, { steps?: { uses?: string; with?: Record<string, unknown> }[] }> }).jobs;
    // `./toolkit/actions/<name>`: the pull request workflow runs the base revision's copy, checked out in toolkit/.
    return Object.values(jobs).flatMap(job => job.steps ?? []).filter(step => /^\.\/(?:toolkit\/)?actions\//.test(step.uses ?? '')).map(step => ({ workflow, action: step.uses!.replace(/^\.\/(?:toolkit\/)?actions\//, ''), with: step.with ?? {} }));
  });
}

/** What the runner gives every step: its files for outputs and the summary, the workspace, the event. */
async function runnerFiles(workspace: string) {
  const dir = await mkdtemp(join(tmpdir(), 'gh-runner-'));
  const files = { summary: join(dir, 'summary.md'), output: join(dir, 'output.txt'), event: join(dir, 'event.json') };
  await Promise.all([writeFile(files.summary, ''), writeFile(files.output, ''), writeFile(files.event, JSON.stringify({ ref: 'refs/heads/main', repository: { name: 'control', owner: { login: 'acme' } } }))]);
  const env = { GITHUB_ACTIONS: 'true', CI: 'true', GITHUB_EVENT_NAME: 'push', GITHUB_EVENT_PATH: files.event, GITHUB_REPOSITORY: 'acme/control', GITHUB_WORKSPACE: workspace, GITHUB_STEP_SUMMARY: files.summary, GITHUB_OUTPUT: files.output, RUNNER_TEMP: dir };
  return { env, read: (name: keyof typeof files) => readFileSync(files[name], 'utf8') };
}

describe('action metadata, as GitHub reads it', () => {
  it.each(ACTIONS)('actions/%s/action.yml passes GitHub\'s action parser and runs a committed node24 bundle', name => {
    const { template, errors } = readAction(name);
    expect(errors).toEqual([]);
    expect(template!.runs).toMatchObject({ using: 'node24', main: 'dist/index.mjs' });
    expect(existsSync(join(REPO_ROOT, 'actions', name, 'dist/index.mjs'))).toBe(true);
    for (const input of template!.inputs ?? []) expect(input.description, `${name}: input ${input.id}`).toBeTruthy();
  });

  it.each([
    ['an unquoted ": " in a description (actions/check once had one)', 'inputs:\n  base-ref:\n    description: Revision. Default: the base commit.\n', /Nested mappings are not allowed in compact mappings/],
    ['an unknown top-level key', 'output:\n  x: {}\n', /Unexpected value 'output'/],
    ['a runtime GitHub does not have', '', /Unexpected value 'node22'/, 'node22'],
  ])('GitHub\'s parser refuses %s', (_case, extra, error, using = 'node24') => {
    const { errors } = parseActionText('action.yml', `name: x\ndescription: y\n${extra}runs:\n  using: ${using}\n  main: dist/index.mjs\n`);
    expect(errors.join('\n')).toMatch(error);
  });

  it('every workflow step that uses a local action gives only inputs it declares, and every required one', () => {
    const steps = localActionSteps();
    expect(steps.map(s => s.action).sort()).toEqual(['check', 'publish-techdocs', 'sync']);
    for (const step of steps) {
      const inputs = readAction(step.action).template!.inputs ?? [];
      expect(Object.keys(step.with).filter(k => !inputs.some(i => i.id === k.toLowerCase())), `${step.workflow} → ${step.action}`).toEqual([]);
      expect(inputs.filter(i => i.required && !(i.id in step.with)).map(i => i.id), `${step.workflow} → ${step.action}`).toEqual([]);
    }
  });
});

/** A git repo with one Component whose TechDocs site (`dir:./<name>`, techdocs-core) is catalog/<name>/. */
async function docsRepo(name: string): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'gitops-docs-'));
  const title = name[0].toUpperCase() + name.slice(1);
  const tree: Record<string, string> = {
    'gitops.config.yaml': 'repoUrl: https://example.test/repo/blob/main/\ncatalog:\n  roots: [catalog/all.yaml]\n',
    'catalog/all.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata:\n  name: root\nspec:\n  targets: [./service.yaml]\n',
    'catalog/service.yaml': `apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: ${name}\n  annotations:\n    backstage.io/techdocs-ref: dir:./${name}\nspec:\n  type: service\n  lifecycle: production\n  owner: team-docs\n---\napiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: team-docs\nspec:\n  type: team\n  children: []\n`,
    [`catalog/${name}/mkdocs.yml`]: `site_name: ${title}\nnav:\n  - Home: index.md\nplugins:\n  - techdocs-core\n`,
    [`catalog/${name}/docs/index.md`]: `# ${title}\n\nHello.\n`,
  };
  for (const [path, text] of Object.entries(tree)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), text);
  }
  execFileSync('sh', ['-c', 'git init -q -b main && git add -A && git -c user.email=ci@example.com -c user.name=ci commit -qm docs'], { cwd: root });
  return root;
}

describe('the actions, run as the runner runs them (and techdocs publish, which needs a storage)', () => {
  let emulators: Emulators;
  beforeAll(async () => {
    emulators = await startStorageEmulators();
  }, 60_000);
  afterAll(() => emulators?.stop());

  it('sync with dry-run: true plans against a real Backstage, fails the step on its refusal, token masked', async () => {
    // The shared backend reads the example organisation from its app-config: sync refuses to replace it.
    const backstage = inject('backstage');
    const repo = await dataRepoCopy();
    const runner = await runnerFiles(repo);
    const run = await runAction('sync', { cwd: repo, env: runner.env, with: { 'backstage-url': backstage.baseUrl, token: backstage.token, 'dry-run': 'true' } });
    expect(run.status, run.stdout + run.stderr).toBe(1);
    expect(run.inputs['max-delete-fraction']).toBe('0.1');
    expect(run.stdout).toContain(`::add-mask::${backstage.token}`);
    expect(run.stdout + run.stderr).toMatch(/\d+ to add[,·] \d+ to update[,·] \d+ to remove/);
    expect(run.stdout).toContain('::error::backstage-gitops sync exited 1');
    expect(run.stderr).not.toMatch(/^\s+at /m);
  }, 120_000);

  it('sync with a URL that can never work fails the step with one clear line', async () => {
    const repo = await dataRepoCopy();
    const runner = await runnerFiles(repo);
    const run = await runAction('sync', { cwd: repo, env: runner.env, with: { 'backstage-url': 'backstage.acme.example', token: 'token-0123456789', 'dry-run': 'true' } });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain("--url 'backstage.acme.example' is not an http(s) URL");
    expect(run.stdout).toContain('::error::backstage-gitops sync exited 2');
    expect(run.stderr).not.toMatch(/^\s+at /m);
  }, 60_000);

  // The CLI escapes what it writes; a library inside it printing on its own (red team 21: Ajv's console.warn)
  // does not. The check action wrote the CLI's streams through logLines; sync and publish-techdocs wrote
  // stdout as it was and let stderr through untouched, so such a line was a workflow command in their log.
  it.each([
    ['sync', { 'backstage-url': 'backstage.acme.example', token: 'token-0123456789', 'dry-run': 'true' }],
    ['publish-techdocs', { publisher: 'azureBlobStorage', container: 'techdocs', 'connection-string': 'UseDevelopmentStorage=false;x' }],
  ] as const)('%s writes what its CLI prints to the log with no workflow command in it', async (action, inputs) => {
    const repo = await dataRepoCopy();
    const runner = await runnerFiles(repo);
    // What a library would print, in the CLI's process only (the action's own process loads this too).
    const preload = join(repo, 'library-prints.cjs');
    await writeFile(preload, "if (/backstage-gitops\\.js$/.test(process.argv[1] || '')) { process.stdout.write('::error::FORGED-OUT\\n##vso[task.setvariable variable=x]1\\n'); process.stderr.write('::stop-commands::hidden\\n::add-mask::FORGED-ERR\\n'); }\n");
    const run = await runAction(action, { cwd: repo, env: { ...runner.env, NODE_OPTIONS: `--require ${preload}` }, with: { ...inputs } });
    expect(run.status).toBe(1);
    const log = run.stdout + run.stderr;
    expect(log).toContain('FORGED-OUT');
    expect(log).toContain('FORGED-ERR');
    expect(log).not.toMatch(/^\s*::(error::FORGED|stop-commands::|add-mask::FORGED)/m);
    expect(log).not.toContain('##vso[');
    expect(log).not.toMatch(/^\s+at /m);
  }, 60_000);

  it('the Azure task whose Azure DevOps cannot be reached logs one issue and fails, without a stack trace', async () => {
    const repo = await dataRepoCopy();
    const port = await freePort();
    const run = await runNode(join(REPO_ROOT, 'scripts/bin/azure-pr-report.js'), repo, {
      TF_BUILD: 'True', BUILD_SOURCESDIRECTORY: repo, GITOPS_BASE_REF: 'HEAD', SYSTEM_PULLREQUEST_PULLREQUESTID: '42', SYSTEM_ACCESSTOKEN: 'azure-token-0123456789',
      SYSTEM_COLLECTIONURI: `http://127.0.0.1:${port}/org/`, SYSTEM_TEAMPROJECT: 'Platform', BUILD_REPOSITORY_ID: 'repo-1', AGENT_TEMPDIRECTORY: repo, BUILD_ARTIFACTSTAGINGDIRECTORY: repo,
    });
    expect(run.status, run.stdout + run.stderr).toBe(2);
    // prReport reports a failed post itself; either way it is one logged issue naming the refused connection.
    expect(run.stdout).toMatch(/##vso\[task\.logissue type=error;\].*ECONNREFUSED/);
    expect(run.stdout).toContain('##vso[task.complete result=Failed;]');
    expect(run.stdout + run.stderr).not.toMatch(/^\s+at /m);
    expect(run.stdout + run.stderr).not.toContain('azure-token-0123456789');
  }, 120_000);

  it('publish-techdocs builds with real MkDocs and publishes to Azurite, then finds the site up to date', async () => {
    const root = await docsRepo('shop');
    const publish = async () => {
      const runner = await runnerFiles(root);
      const run = await runAction('publish-techdocs', { cwd: root, env: runner.env, with: { publisher: 'azureBlobStorage', container: 'techdocs', 'connection-string': emulators.azureConnectionString } });
      return { ...run, summary: runner.read('summary') };
    };
    const first = await publish();
    expect(first.status, first.stdout + first.stderr).toBe(0);
    expect(first.stdout).toContain('::add-mask::');
    expect(first.summary).toContain('<h3>TechDocs</h3>\n1 published, 0 up to date, 0 to publish, 0 failed');
    expect(first.stderr).not.toMatch(/^\s+at /m);
    const second = await publish();
    expect(second.status, second.stderr).toBe(0);
    expect(second.summary).toContain('0 published, 1 up to date');
    // The README's CLI form, as a dry-run: nothing to publish now.
    const dryRun = await gitops(root, ['techdocs', 'publish', '--publisher', 'azureBlobStorage', '--container', 'techdocs', '--dry-run'], { AZURE_STORAGE_CONNECTION_STRING: emulators.azureConnectionString });
    expect(dryRun.status, dryRun.stderr).toBe(0);
    expectCleanStderr(dryRun);
    expect(dryRun.stdout).toContain('0 published, 1 up to date, 0 to publish, 0 failed');
    // techdocs build --out: the same build as a local preview in Backstage's layout.
    const preview = await gitops(root, ['techdocs', 'build', '--out', 'site']);
    expect(preview.status, preview.stdout + preview.stderr).toBe(0);
    expectCleanStderr(preview);
    expect(existsSync(join(root, 'site/default/component/shop/index.html'))).toBe(true);
  }, 180_000);

  it('publish-techdocs with sites: publishes what a job without secrets built from this commit, runs no MkDocs, refuses an older build', async () => {
    const root = await docsRepo('till');
    const sites = await mkdtemp(join(tmpdir(), 'gitops-sites-'));
    const built = await gitops(root, ['techdocs', 'build', '--out', sites]);
    expect(built.status, built.stdout + built.stderr).toBe(0);
    const publish = async (force = false) => {
      const runner = await runnerFiles(root);
      const run = await runAction('publish-techdocs', { cwd: root, env: runner.env, with: { publisher: 'azureBlobStorage', container: 'techdocs', 'connection-string': emulators.azureConnectionString, sites, force: String(force) } });
      return { ...run, summary: runner.read('summary') };
    };
    const first = await publish();
    expect(first.status, first.stdout + first.stderr).toBe(0);
    expect(first.summary).toContain('1 published, 0 up to date, 0 to publish, 0 failed');
    expect(first.stderr).toContain('files built without secrets, published');
    expect(first.stderr).not.toContain('TechDocs builds use');
    // An artifact built from another commit is never published over this one.
    const metadata = join(sites, 'default/component/till/techdocs_metadata.json');
    await writeFile(metadata, JSON.stringify({ ...JSON.parse(readFileSync(metadata, 'utf8')), etag: 'an-older-commit' }));
    const stale = await publish(true);
    expect(stale.status).not.toBe(0);
    expect(stale.stderr).toMatch(/the built site default\/component\/till in .* is from "an-older-commit", not commit/);
  }, 180_000);
});
