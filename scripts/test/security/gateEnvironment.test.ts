import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runAzureTask, runCheckAction } from '../helpers/ciRuns.ts';
import { dataRepoCopy, git } from '../helpers/gitRepo.ts';

// The gate reads a pull request's files and needs no credential. The check action left out only
// GITHUB_TOKEN and its inputs, the Azure task only SYSTEM_ACCESSTOKEN: the runner's ACTIONS_RUNTIME_TOKEN
// (writes caches and artifacts), ACTIONS_ID_TOKEN_REQUEST_TOKEN (mints OIDC tokens) and any secret a
// pipeline maps into the step's environment reached the process that parses every team's YAML.
const CREDENTIALS = { ACTIONS_RUNTIME_TOKEN: 'rt-secret', ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'oidc-secret', NPM_TOKEN: 'npm-secret', AZURE_CLIENT_SECRET: 'sp-secret', GITHUB_TOKEN: 'ghs_env' };

describe('the CI adapters start the gate without any credential in its environment', () => {
  let repo: string;
  let base: string;
  let names: string;
  let preload: string;
  beforeAll(async () => {
    repo = await dataRepoCopy();
    base = git(repo, 'rev-parse', 'HEAD').trim();
    git(repo, 'checkout', '-q', '-b', 'change');
    const dir = mkdtempSync(join(tmpdir(), 'gate-env-'));
    names = join(dir, 'names.json');
    // Records the variable names the gate's own process starts with (the adapter's process loads it too).
    preload = join(dir, 'record.cjs');
    writeFileSync(preload, `if (/backstage-gitops\\.js$/.test(process.argv[1] || '')) require('fs').writeFileSync(${JSON.stringify(names)}, JSON.stringify(Object.keys(process.env)));\n`);
  }, 60_000);

  const seen = () => JSON.parse(readFileSync(names, 'utf8')) as string[];

  it('the check action (committed bundle)', async () => {
    const run = await runCheckAction(repo, base, { NODE_OPTIONS: `--require ${preload}`, ...CREDENTIALS });
    expect(run.status, run.stdout + run.stderr).not.toBe(2);
    const got = seen();
    expect(got).toContain('GITHUB_REPOSITORY');
    expect(got.filter(n => n in CREDENTIALS || n.startsWith('INPUT_'))).toEqual([]);
  }, 180_000);

  it('the Azure task', async () => {
    const run = await runAzureTask(repo, base, { NODE_OPTIONS: `--require ${preload}`, ...CREDENTIALS });
    expect(run.status, run.stdout + run.stderr).not.toBe(2);
    const got = seen();
    expect(got).toContain('BUILD_REPOSITORY_ID');
    expect(got.filter(n => n in CREDENTIALS || n === 'SYSTEM_ACCESSTOKEN')).toEqual([]);
  }, 180_000);
});
