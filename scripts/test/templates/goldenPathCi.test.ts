import { execFileSync } from 'node:child_process';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { expectCleanStderr, gitops } from '../e2e/gitops.ts';
import { REPO_ROOT } from '../helpers/tempRepo.ts';

// What a newcomer meets after `init`: the CI a golden path renders must run in the repository it creates,
// for every value the form offers, and the hints of `templates test` must be commands that run as written.

describe('golden paths: the CI they render runs in the repository they create', () => {
  it('dotnet-webapi: the pipeline builds the project under src/ (the root holds none) with the SDK of the chosen .NET version', async () => {
    const out = await mkdtemp(join(tmpdir(), 'gitops-dotnet-ci-'));
    try {
      const template = parse(await readFile(join(REPO_ROOT, 'templates/dotnet-webapi/template.yaml'), 'utf8'));
      const offered: string[] = template.spec.parameters.flatMap((page: { properties?: Record<string, { enum?: string[] }> }) => page.properties?.dotnetVersion?.enum ?? []);
      expect(offered.length).toBeGreaterThan(1);
      for (const dotnetVersion of offered) {
        const values = { name: 'orders-returns', description: 'Handles customer returns.', owner: 'group:default/commerce-team', system: 'system:default/orders', dotnetVersion, region: 'northeurope', repoUrl: 'github.com?owner=acme&repo=orders-returns' };
        await writeFile(join(out, 'values.json'), JSON.stringify(values));
        const dir = join(out, dotnetVersion);
        const run = await gitops(REPO_ROOT, ['templates', 'render', 'templates/dotnet-webapi/template.yaml', '--values', join(out, 'values.json'), '--out', dir]);
        expectCleanStderr(run);
        expect(run.status, run.stderr).toBe(0);
        const sdk = `${dotnetVersion.replace('net', '')}.x`;
        // Azure Pipelines: rendered from the values.
        const pipeline = parse(await readFile(join(dir, 'azure-pipelines.yml'), 'utf8'));
        expect(pipeline.steps.find((s: { task?: string }) => s.task === 'UseDotNet@2').inputs.version, dotnetVersion).toBe(sdk);
        const scripts: string[] = pipeline.steps.map((s: { script?: string }) => s.script).filter(Boolean);
        expect(scripts.filter(s => /^dotnet (build|test)\b/.test(s))).toEqual(['dotnet build src/ordersreturns --configuration Release', 'dotnet test src/ordersreturns --configuration Release --no-build']);
        // GitHub Actions: copied without templating, so it installs every SDK the form offers and finds the project.
        const workflow = parse(await readFile(join(dir, '.github/workflows/ci.yml'), 'utf8'));
        const steps = workflow.jobs.build.steps as { uses?: string; run?: string; with?: Record<string, string> }[];
        expect(String(steps.find(s => s.uses?.startsWith('actions/setup-dotnet'))?.with?.['dotnet-version']).split('\n'), dotnetVersion).toContain(sdk);
        expect(steps.map(s => s.run).filter(r => r && /^dotnet (build|test)\b/.test(r))).toEqual(['dotnet build src/*/*.csproj --configuration Release', 'dotnet test src/*/*.csproj --configuration Release --no-build']);
      }
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  }, 120_000);

  it('GitHub workflows: the image tag is lower case for an owner with capitals (Docker refuses capitals; github.repository keeps them)', async () => {
    const out = await mkdtemp(join(tmpdir(), 'gitops-image-tag-'));
    try {
      const base = { description: 'Handles customer returns.', owner: 'group:default/commerce-team', system: 'system:default/orders', repoUrl: 'github.com?owner=acme&repo=orders-returns' };
      const cases: Record<string, Record<string, unknown>> = {
        'node-service': { ...base, name: 'orders-returns', port: 8081 },
        'dotnet-webapi': { ...base, name: 'orders-returns', dotnetVersion: 'net8.0', region: 'northeurope' },
      };
      for (const [name, values] of Object.entries(cases)) {
        await writeFile(join(out, 'values.json'), JSON.stringify(values));
        const run = await gitops(REPO_ROOT, ['templates', 'render', `templates/${name}/template.yaml`, '--values', join(out, 'values.json'), '--out', join(out, name)]);
        expect(run.status, run.stderr).toBe(0);
        const workflow = parse(await readFile(join(out, name, '.github/workflows/ci.yml'), 'utf8'));
        const step = (Object.values(workflow.jobs)[0] as { steps: { run?: string; env?: Record<string, string> }[] }).steps.find(s => s.run?.startsWith('docker build'))!;
        // What the runner does: expressions substituted, the step run by bash with its env (docker stubbed to print its arguments).
        const github = (text: string) => text.replace(/\$\{\{ github\.repository \}\}/g, 'Globex-Corp/Orders-Returns').replace(/\$\{\{ github\.sha \}\}/g, 'abc123');
        const env = Object.fromEntries(Object.entries(step.env ?? {}).map(([k, v]) => [k, github(v)]));
        const printed = execFileSync('bash', ['-c', `docker() { echo "$@"; }\n${github(step.run!)}`], { env: { PATH: process.env.PATH, ...env }, encoding: 'utf8' }).trim();
        const tag = printed.split(' ')[2];
        expect(tag, name).toMatch(/orders-returns:abc123$/);
        expect(tag, name).toBe(tag.toLowerCase());
      }
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  }, 60_000);

  it('a case without a snapshot: the hint names a command that runs after npm ci (npx), as every other hint does', async () => {
    const root = await mkdtemp(join(tmpdir(), 'gitops-snapshot-hint-'));
    try {
      for (const part of ['catalog', 'templates', 'skeletons', 'schemas', 'gitops.config.yaml']) await cp(join(REPO_ROOT, part), join(root, part), { recursive: true });
      await rm(join(root, 'templates/node-service/tests/default.snapshot.yaml'));
      const run = await gitops(root, ['templates', 'test', 'node-service', '--format', 'json']);
      expectCleanStderr(run);
      expect(run.status).toBe(1);
      const found = (JSON.parse(run.stdout) as { diagnostics: { ruleId: string; hint?: string }[] }).diagnostics.filter(d => d.ruleId === 'template-snapshot');
      expect(found.map(d => d.hint)).toEqual(['Review the change, then run `npx backstage-gitops templates test --update-snapshots`.']);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  }, 60_000);

  it('templates test takes a template as render does, by its path (from the current folder), as well as by its name', async () => {
    for (const [cwd, arg] of [[REPO_ROOT, 'templates/dotnet-webapi/template.yaml'], [REPO_ROOT, 'templates/dotnet-webapi/'], [join(REPO_ROOT, 'templates'), 'dotnet-webapi/template.yaml'], [REPO_ROOT, 'dotnet-webapi']]) {
      const run = await gitops(cwd, ['templates', 'test', arg]);
      expectCleanStderr(run);
      expect(run.stderr, `${arg} in ${cwd}`).toContain('✔ dotnet-webapi / default.yaml');
      expect(run.stdout, arg).toContain('0 errors, 0 warnings, 0 info in 1 case');
      expect(run.status, arg).toBe(0);
    }
  }, 60_000);
});
