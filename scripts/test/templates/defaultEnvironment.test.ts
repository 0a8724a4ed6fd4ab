import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runBin } from '../helpers/runBin.ts';
import { templateHead, templateRepo } from '../helpers/templateRepo.ts';

// scaffolder.defaultEnvironment of the managed Backstage's app-config: NunjucksWorkflowRunner (scaffolder-backend
// 4.2.0, ~176/234/264) renders environment.parameters from it in a task and in a dry-run, renders
// environment.secrets as nothing in a dry-run and redacts those secrets from its log. check called
// ${{ environment.parameters.region }} template-unknown-parameter (a false match of parameters.region inside it),
// and the offline render gave it nothing although backstageConfig.files set it.
const TEMPLATE = `${templateHead('svc')}    - id: fetch
      name: Fetch
      action: fetch:template
      input:
        url: ./skeleton
        values:
          name: \${{ parameters.name }}
          region: \${{ environment.parameters.region }}
          fromEnv: \${{ environment.parameters.fromEnv }}
          secret: \${{ environment.secrets.deployKey }}
    - id: log
      name: Log
      action: debug:log
      input:
        message: region \${{ environment['parameters'].region }} for \${{ steps.fetch.output.parameters.zone }}
`;

const files = {
  'gitops.config.yaml': 'repoUrl: https://github.com/acme/x/blob/main/\ncatalog:\n  roots: [catalog/all.yaml]\nbackstageConfig:\n  files: [backstage/app-config.yaml, backstage/app-config.production.yaml]\n  plugins: [\'@backstage/plugin-scaffolder-backend\']\n',
  'backstage/app-config.yaml': 'scaffolder:\n  defaultEnvironment:\n    parameters:\n      region: westus\n      fromEnv: ${REGION_FROM_ENV}\n    secrets:\n      deployKey: s3cr3t-deploy-key\n',
  // Merged as config-loader merges --config files: the later file wins, key by key.
  'backstage/app-config.production.yaml': 'scaffolder:\n  defaultEnvironment:\n    parameters:\n      region: westeurope\n',
  'templates/svc/template.yaml': TEMPLATE,
  'templates/svc/skeleton/env.txt': 'name=${{ values.name }} region=${{ values.region }} fromEnv=[${{ values.fromEnv }}] secret=[${{ values.secret }}]\n',
  'values.yaml': 'name: orders\n',
};

describe("scaffolder.defaultEnvironment (environment.parameters, environment.secrets), through the bin", () => {
  it('check: environment.parameters.region is not a parameter of the template', async () => {
    const root = await templateRepo(['../templates/svc/template.yaml'], files);
    const run = await runBin(['check', '--format', 'json'], root);
    const found = (JSON.parse(run.stdout).diagnostics as { ruleId: string; message: string }[]).filter(d => d.ruleId.startsWith('template-')).map(d => `${d.ruleId} ${d.message}`);
    expect(found).toEqual([]);
  }, 60_000);

  it('check: the template\'s own parameters.x beside it is still judged', async () => {
    const root = await templateRepo(['../templates/svc/template.yaml'], { ...files, 'templates/svc/template.yaml': TEMPLATE.replace('${{ environment.parameters.region }}', '${{ environment.parameters.region }}-${{ parameters.region }}') });
    const run = await runBin(['check', '--format', 'json'], root);
    const found = (JSON.parse(run.stdout).diagnostics as { ruleId: string; message: string }[]).filter(d => d.ruleId.startsWith('template-')).map(d => `${d.ruleId} ${d.message}`);
    expect(found).toEqual(["template-unknown-parameter parameters.region is not declared in spec.parameters, so the form never asks for it: it renders as empty unless a caller passes it, in the URL's ?formData= or in the values of POST /api/scaffolder/v2/tasks (the backend validates only the declared pages and lets other keys through)."]);
  }, 60_000);

  it('templates render: environment.parameters from the app-config files (later wins), secrets empty and never printed', async () => {
    const root = await templateRepo(['../templates/svc/template.yaml'], files);
    const run = await runBin(['templates', 'render', 'templates/svc/template.yaml', '--values', 'values.yaml', '--out', 'out'], root);
    // As Backstage's dry-run: the configured parameter; one from the environment is unknown offline (empty); a secret renders empty in a dry-run.
    expect(readFileSync(join(root, 'out/env.txt'), 'utf8')).toBe('name=orders region=westeurope fromEnv=[] secret=[]\n');
    expect(run.stderr).toContain('region westeurope for');
    expect(`${run.stdout}${run.stderr}`).not.toContain('s3cr3t-deploy-key');
    expect(run.stdout).not.toContain('template-unknown-parameter');
    // The one the deployment alone knows is said to render as nothing, not silently left empty.
    expect(run.stdout).toContain("⚠ Rendered environment.parameters.fromEnv as nothing: the managed Backstage's scaffolder.defaultEnvironment takes it from the deployment");
    expect(run.stdout).not.toContain('environment.parameters.region as nothing');
    expect(run.status).toBe(0);
  }, 60_000);

  it('templates test: a case renders with the same environment', async () => {
    const root = await templateRepo(['../templates/svc/template.yaml'], { ...files, 'templates/svc/tests/default.yaml': "name: default\nvalues:\n  name: orders\nsnapshot: false\nexpect:\n  contains:\n    env.txt: ['region=westeurope fromEnv=[] secret=[]']\n" });
    const run = await runBin(['templates', 'test', 'svc', '--format', 'json'], root);
    expect((JSON.parse(run.stdout).diagnostics as { ruleId: string; severity: string; file: string; message: string }[]).map(d => `${d.ruleId} ${d.severity} ${d.file}: ${d.message.slice(0, 70)}`)).toEqual(['template-render-stand-in warning templates/svc/tests/default.yaml: This case rendered environment.parameters.fromEnv as nothing: the mana']);
    expect(`${run.stdout}${run.stderr}`).not.toContain('s3cr3t-deploy-key');
    expect(run.status).toBe(0);
  }, 60_000);
});

// Red team: which environment.parameters a template reads is in its own expressions only (a skeleton sees
// values alone): a name in a description or a fetched file is no use, a bracketed or whole read is.
describe('environment.parameters the deployment alone knows, said only where the template reads them', () => {
  const saidOf = async (template: string) => {
    const root = await templateRepo(['../templates/svc/template.yaml'], { ...files, 'templates/svc/template.yaml': template, 'templates/svc/skeleton/notes.md': 'The template reads environment.parameters.fromEnv from app-config.\n' });
    const run = await runBin(['templates', 'render', 'templates/svc/template.yaml', '--values', 'values.yaml', '--out', 'out'], root);
    expect(run.status, run.stderr).toBe(0);
    return [...run.stdout.matchAll(/⚠ Rendered environment\.parameters\.(\w+) as nothing/g)].map(m => m[1]);
  };
  it('not for a mention outside an expression; for a bracketed read and for the whole object', async () => {
    const without = TEMPLATE.replace('fromEnv: ${{ environment.parameters.fromEnv }}', 'fromEnv: none').replace('  name: svc\nspec:', '  name: svc\n  description: reads environment.parameters.fromEnv, not ${{ parameters.name }}\nspec:');
    expect(await saidOf(without)).toEqual([]);
    expect(await saidOf(TEMPLATE.replace('${{ environment.parameters.fromEnv }}', '${{ environment["parameters"]["fromEnv"] }}'))).toEqual(['fromEnv']);
    expect(await saidOf(TEMPLATE.replace('${{ environment.parameters.fromEnv }}', '${{ environment.parameters | dump }}'))).toEqual(['fromEnv']);
  }, 90_000);
});

// Red team: `$file: ../.git/config` under scaffolder.defaultEnvironment put git's own config (where a token may
// be kept) into the render, the snapshot and the PR report. The deployment reads the repository's files only:
// git's folder and untracked files are unknown offline, tracked files are read as before.
describe('scaffolder.defaultEnvironment reads only files the repository holds', () => {
  it("git's own config and an untracked file render as nothing; a tracked file as its text", async () => {
    const { execFileSync } = await import('node:child_process');
    const { writeFileSync } = await import('node:fs');
    const appConfig = 'scaffolder:\n  defaultEnvironment:\n    parameters:\n      region:\n        $file: ../region.txt\n      gitcfg:\n        $file: ../.git/config\n      local:\n        $file: ../local.txt\n';
    const root = await templateRepo(['../templates/svc/template.yaml'], {
      ...files,
      'backstage/app-config.yaml': appConfig,
      'backstage/app-config.production.yaml': 'app:\n  title: x\n',
      'region.txt': 'northeurope',
      'templates/svc/skeleton/env.txt': 'region=${{ values.region }} git=[${{ values.gitcfg }}] local=[${{ values.local }}]\n',
      'templates/svc/template.yaml': TEMPLATE.replace('fromEnv: ${{ environment.parameters.fromEnv }}', 'gitcfg: ${{ environment.parameters.gitcfg }}\n          local: ${{ environment.parameters.local }}'),
    });
    const git = (...args: string[]) => execFileSync('git', ['-C', root, '-c', 'user.email=a@b', '-c', 'user.name=a', ...args]);
    git('init', '-q', '-b', 'main');
    git('config', 'http.https://github.com/.extraheader', 'AUTHORIZATION: basic SECRETMARKER_GITCFG');
    git('add', '-A');
    git('commit', '-qm', 'base');
    writeFileSync(join(root, 'local.txt'), 'UNTRACKED_SECRET');
    const run = await runBin(['templates', 'render', 'templates/svc/template.yaml', '--values', 'values.yaml', '--out', 'out'], root);
    expect(run.status, run.stderr).toBe(0);
    expect(readFileSync(join(root, 'out/env.txt'), 'utf8')).toBe('region=northeurope git=[] local=[]\n');
    expect(`${run.stdout}${run.stderr}`).not.toMatch(/SECRETMARKER_GITCFG|UNTRACKED_SECRET/);
  }, 60_000);
});
