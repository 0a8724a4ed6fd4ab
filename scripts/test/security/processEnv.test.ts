import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { childEnv, isPassedToChildren } from '../../src/process/childEnv.ts';
import { siteStore } from '../../src/techdocs/siteStore.ts';
import { startStorageEmulators, type Emulators } from '../backstage/storageEmulators.ts';
import { REPO_ROOT, tempRepo } from '../helpers/tempRepo.ts';
import { runBin } from './runBin.ts';

const SECRET = 'sv=2026-01-01&sig=hostile-pr-must-never-see-this';

describe('child processes see only the allow-listed environment', () => {
  it('childEnv keeps PATH, HOME, locale and PYTHONPATH and drops everything else', () => {
    const env = childEnv({ EXTRA: '1' }, { PATH: '/bin', HOME: '/h', LC_ALL: 'C.UTF-8', PYTHONPATH: '/p', AZURE_STORAGE_CONNECTION_STRING: SECRET, GITHUB_TOKEN: 'ghs_x', BACKSTAGE_TOKEN: 't', AWS_SECRET_ACCESS_KEY: 'k', NODE_OPTIONS: '--require /tmp/evil.js' });
    expect(env).toEqual({ PATH: '/bin', HOME: '/h', LC_ALL: 'C.UTF-8', PYTHONPATH: '/p', EXTRA: '1' });
    for (const name of ['GITHUB_TOKEN', 'SYSTEM_ACCESSTOKEN', 'ACTIONS_RUNTIME_TOKEN', 'AZURE_CLIENT_SECRET', 'NPM_TOKEN']) expect(isPassedToChildren(name)).toBe(false);
  });

  it('every process the toolkit starts is given childEnv(), never the inherited environment', () => {
    const sources: string[] = [];
    const walk = (dir: string) => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        if (entry.name === '.build') continue;
        if (entry.isDirectory()) walk(join(dir, entry.name));
        else if (entry.name.endsWith('.ts')) sources.push(join(dir, entry.name));
      }
    };
    walk(join(REPO_ROOT, 'scripts/src'));
    const calls: string[] = [];
    for (const file of sources) {
      const text = readFileSync(file, 'utf8');
      if (!text.includes("from 'node:child_process'")) continue;
      // The call's line (every call here fits on one); `.exec(` is a RegExp method, not child_process.
      for (const match of text.matchAll(/(?<![.\w])(spawn|spawnSync|execFile|execFileSync|exec|execSync|fork)\(([^\n]*)/g)) {
        calls.push(`${file.slice(REPO_ROOT.length)}: ${match[1]} ${/env(: childEnv\(|[,\s}])/.test(match[2]) ? 'ok' : 'INHERITS THE JOB ENVIRONMENT'}`);
      }
      // Imported by its path from any folder of scripts/src, or as './childEnv.ts' from process/ itself.
      expect(text, file).toMatch(file.includes('/process/') ? /from '\.\/childEnv\.ts'/ : /from '\.\.\/process\/childEnv\.ts'/);
    }
    expect(calls.length).toBeGreaterThanOrEqual(9);
    expect(calls.filter(c => !c.endsWith(' ok'))).toEqual([]);
  });
});

describe('a template case\'s run: commands', () => {
  const template = 'apiVersion: scaffolder.backstage.io/v1beta3\nkind: Template\nmetadata:\n  name: t\n  title: T\nspec:\n  owner: group:team-a\n  type: service\n  parameters: []\n  steps:\n    - id: fetch\n      name: Fetch\n      action: fetch:plain\n      input:\n        url: ../../skeletons/t\n';

  it('are refused in a job that holds credentials: a child can read its parent\'s environment through /proc', async () => {
    const root = await tempRepo({
      'templates/t/template.yaml': template,
      // What a hostile case would do: read the CLI's own environment block, encoded past any scrubber.
      'templates/t/tests/a.yaml': 'name: a\nvalues: {}\nsnapshot: false\nrun:\n  - "tr \\"\\\\0\\" \\"\\\\n\\" < /proc/$PPID/environ | base64 -w0; exit 3"\n',
      'skeletons/t/README.md': '# t\n',
    });
    for (const name of ['GITHUB_TOKEN', 'ACTIONS_RUNTIME_TOKEN', 'SYSTEM_ACCESSTOKEN', 'AZURE_STORAGE_CONNECTION_STRING', 'GITOPS_DEPLOY_KEY']) {
      const secrets: Record<string, string> = { [name]: SECRET };
      const result = await runBin(['templates', 'test', '--run', '--format', 'json'], root, secrets);
      expect(result.status).toBe(2);
      expect(result.stderr).toContain(`--run executes the pull request's own commands`);
      expect(result.stderr).toContain(Object.keys(secrets)[0]);
      expect(result.stdout + result.stderr).not.toContain(SECRET);
      expect(result.stdout + result.stderr).not.toContain(Buffer.from(SECRET).toString('base64').slice(0, 12));
    }
  }, 120_000);

  it('run in the rendered repository with only the allow-listed environment', async () => {
    const root = await tempRepo({
      'templates/t/template.yaml': template,
      // Each command fails the case if it sees the job's own variable; the last proves the commands ran at all.
      'templates/t/tests/a.yaml': 'name: a\nvalues: {}\nsnapshot: false\nrun:\n  - test -z "$GITOPS_JOB_MARKER"\n  - "! env | grep -q hostile-pr"\n  - test -f README.md && test -n "$PATH" && test -n "$HOME"\n',
      'skeletons/t/README.md': '# t\n',
    });
    const job = { GITOPS_JOB_MARKER: 'hostile-pr' };
    const result = await runBin(['templates', 'test', '--run', '--format', 'json'], root, job);
    expect(JSON.parse(result.stdout).diagnostics).toEqual([]);
    expect(result.status).toBe(0);
    const failing = await tempRepo({
      'templates/t/template.yaml': template,
      'templates/t/tests/a.yaml': 'name: a\nvalues: {}\nsnapshot: false\nrun:\n  - test -f NOT-THERE\n',
      'skeletons/t/README.md': '# t\n',
    });
    const control = await runBin(['templates', 'test', '--run', '--format', 'json'], failing, job);
    expect(JSON.parse(control.stdout).diagnostics.map((d: { ruleId: string }) => d.ruleId)).toEqual(['template-command-failed']);
  }, 120_000);
});

describe('a TechDocs site built on merge cannot read the job\'s secrets or the host\'s files', () => {
  let emulators: Emulators;
  beforeAll(async () => {
    emulators = await startStorageEmulators();
  }, 60_000);
  afterAll(() => emulators?.stop());

  it('mkdocs.yml asking for !ENV secrets is refused before MkDocs runs: nothing is published, no secret is shown', async () => {
    const root = await tempRepo({
      'gitops.config.yaml': 'repoUrl: https://example.test/repo/blob/main/\ncatalog:\n  roots: [catalog/all.yaml]\n',
      'catalog/all.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: leaky\n  annotations:\n    backstage.io/techdocs-ref: dir:./leaky\nspec:\n  type: service\n  lifecycle: production\n  owner: team-a\n',
      // A hostile author's config: every value a secret could be read into and shown.
      'catalog/leaky/mkdocs.yml': [
        "site_name: !ENV [AZURE_STORAGE_CONNECTION_STRING, 'Leaky docs']",
        "site_description: !ENV [GITOPS_DEPLOY_KEY, 'no key']",
        "copyright: !ENV [AWS_SECRET_ACCESS_KEY, GITOPS_DEPLOY_KEY, 'no copyright']",
        'extra:',
        "  token: !ENV [GITHUB_TOKEN, 'no token']",
        'nav:',
        '  - Home: index.md',
        '',
      ].join('\n'),
      'catalog/leaky/docs/index.md': '# Leaky\n\nHello.\n',
    });
    execFileSync('git', ['-C', root, 'init', '-q', '-b', 'main']);
    execFileSync('git', ['-C', root, '-c', 'user.email=ci@example.com', '-c', 'user.name=ci', 'commit', '-qm', 'docs', '--allow-empty']);
    execFileSync('git', ['-C', root, 'add', '-A']);
    execFileSync('git', ['-C', root, '-c', 'user.email=ci@example.com', '-c', 'user.name=ci', 'commit', '-qm', 'docs']);
    const env = { AZURE_STORAGE_CONNECTION_STRING: emulators.azureConnectionString, GITOPS_DEPLOY_KEY: SECRET, AWS_SECRET_ACCESS_KEY: SECRET, GITHUB_TOKEN: SECRET };
    const result = await runBin(['techdocs', 'publish', '--publisher', 'azureBlobStorage', '--container', 'techdocs'], root, env);
    // The build judges the site's config by the gate's rules first: !ENV is refused, nothing runs MkDocs.
    expect(result.stderr).toMatch(/catalog\/leaky\/mkdocs\.yml is refused: !ENV reads an environment variable/);
    expect(result.stdout).toBe('0 published, 0 up to date, 0 to publish, 1 failed\n');
    expect(result.status).toBe(1);
    const store = siteStore({ type: 'azureBlobStorage', containerName: 'techdocs', connectionString: emulators.azureConnectionString });
    expect(await store.list('default/component/leaky/')).toEqual([]);
    const accountKey = /AccountKey=([^;]+)/.exec(emulators.azureConnectionString)![1];
    for (const secret of [SECRET, emulators.azureConnectionString, accountKey]) expect(result.stdout + result.stderr).not.toContain(secret);
  }, 180_000);

  it('a page pasting a host file with pymdownx.snippets is not built (pymdownx 9.5 does not restrict paths)', async () => {
    const host = join(await mkdtemp(join(tmpdir(), 'gitops-host-')), 'secret.txt');
    await writeFile(host, `HOST-ONLY-${SECRET}\n`);
    const root = await tempRepo({
      'gitops.config.yaml': 'repoUrl: https://example.test/repo/blob/main/\ncatalog:\n  roots: [catalog/all.yaml]\n',
      'catalog/all.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: pasty\n  annotations:\n    backstage.io/techdocs-ref: dir:./pasty\nspec:\n  type: service\n  lifecycle: production\n  owner: team-a\n',
      'catalog/pasty/mkdocs.yml': 'site_name: Pasty\nmarkdown_extensions:\n  - pymdownx.snippets\n',
      'catalog/pasty/docs/index.md': `# Pasty\n\n--8<-- "${host}"\n`,
    });
    execFileSync('git', ['-C', root, 'init', '-q', '-b', 'main']);
    execFileSync('git', ['-C', root, 'add', '-A']);
    execFileSync('git', ['-C', root, '-c', 'user.email=ci@example.com', '-c', 'user.name=ci', 'commit', '-qm', 'docs']);
    const result = await runBin(['techdocs', 'publish', '--publisher', 'azureBlobStorage', '--container', 'techdocs'], root, { AZURE_STORAGE_CONNECTION_STRING: emulators.azureConnectionString });
    expect(result.stdout).toBe('0 published, 0 up to date, 0 to publish, 1 failed\n');
    expect(result.stderr).toContain("uses the markdown extension 'pymdownx.snippets', which the toolkit's default TechDocs policy (this repository has no schemas/techdocs-policy.json) refuses");
    expect(result.stderr + result.stdout).not.toContain('HOST-ONLY');
    const store = siteStore({ type: 'azureBlobStorage', containerName: 'techdocs', connectionString: emulators.azureConnectionString });
    expect(await store.list('default/component/pasty/')).toEqual([]);
    expect(result.status).toBe(1);
  }, 180_000);
});
